import { createLogger } from '../../src/logger';
import { FeishuPlatform } from '../../src/platform/feishu/feishu-platform';
import { PlatformError } from '../../src/platform/port';
import type { FakeFeishu } from './fake-feishu';

/**
 * The bot's own Feishu platform (the real SDK client) pointed at a fake Open API, for the tests
 * that drive the fake through it (feishu-platform, strict-fake, strict-fake-calendar).
 */
export function platformFor(fake: FakeFeishu): FeishuPlatform {
  return new FeishuPlatform({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.url, timeoutMs: 2000, logger: createLogger('silent') });
}

/** The error a platform call ends with (fails the test when it succeeds). */
export async function refusal(call: Promise<unknown>): Promise<PlatformError> {
  const err = await call.then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

/** The smallest card that passes the card checks (the fake refuses any other). */
export const SMALLEST_CARD = { schema: '2.0', config: { update_multi: true }, header: { title: { tag: 'plain_text', content: '审核' } }, body: { elements: [{ tag: 'markdown', content: '待审核' }] } };
