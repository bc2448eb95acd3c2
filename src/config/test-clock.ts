import { z } from 'zod';
import { ConfigError, isLoopback, optionalText, parseInstant } from './values';

/** TEST_CLOCK_AT: a shifted clock for process-level tests, refused anywhere else. */

export interface TestClockSettings {
  /**
   * TEST_CLOCK_AT (tests only): the instant (ms) the bot's clock starts at; it runs on from
   * there. Undefined in production: loadConfig refuses it unless NODE_ENV=test and the Open API
   * is on a loopback address (or dry-run).
   */
  testClockAt: number | undefined;
}

export const testClockEnv = z.object({
  NODE_ENV: optionalText,
  TEST_CLOCK_AT: optionalText.refine((v) => v === undefined || parseInstant(v) !== undefined, {
    message: "expected an ISO instant with an offset, such as '2027-06-01T00:30:00+08:00'",
  }),
});

/** Where the platforms' APIs are: a shifted clock is refused unless they are all on loopback. */
export interface ApiAddresses {
  dryRun: boolean;
  feishuBaseUrl: string;
  /** Undefined when DingTalk is off. */
  dingtalkBaseUrl: string | undefined;
}

// A shifted clock would accept replayed requests and misdate everything: tests only, never
// against the real Open API.
export function testClockSettings(e: z.infer<typeof testClockEnv>, apis: ApiAddresses): TestClockSettings {
  const testClockAt = e.TEST_CLOCK_AT === undefined ? undefined : parseInstant(e.TEST_CLOCK_AT);
  if (testClockAt !== undefined) {
    if (e.NODE_ENV !== 'test') throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused unless NODE_ENV=test');
    if (!apis.dryRun && !isLoopback(apis.feishuBaseUrl)) {
      throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused when FEISHU_BASE_URL is not a loopback address');
    }
    if (apis.dingtalkBaseUrl !== undefined && !isLoopback(apis.dingtalkBaseUrl)) {
      throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused when DINGTALK_BASE_URL is not a loopback address');
    }
  }
  return { testClockAt };
}
