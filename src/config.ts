import { z } from 'zod';
import { type CentreSettings, centreEnv, centreSettings } from './config/centre';
import { type DingTalkSettings, dingtalkEnv, dingtalkSettings } from './config/dingtalk';
import { checkFeishuCredentials, type FeishuSettings, feishuEnv, feishuSettings } from './config/feishu';
import { type JobsSettings, jobsEnv, jobsSettings } from './config/jobs';
import { type ServerSettings, serverEnv, serverSettings } from './config/server';
import { type StorageSettings, storageEnv, storageSettings } from './config/storage';
import { type TestClockSettings, testClockEnv, testClockSettings } from './config/test-clock';
import { ConfigError } from './config/values';

/**
 * The only reader of the environment (and of `.env`). Everything is parsed and checked once at
 * start-up; a bad value stops the process with one line that names the variable.
 *
 * Each area's variables, their checks and the settings they become live in one file of src/config/:
 * server.ts (HTTP, processing thread, logs, /metrics), storage.ts (database, backups, retention),
 * feishu.ts (app, events, admins, 台账, calendar), dingtalk.ts, centre.ts (campaign year,
 * contact, scan), jobs.ts (schedule and what the jobs send), test-clock.ts.
 */

export { ConfigError } from './config/values';
export type { CentreContact, ScanRequired } from './config/centre';
export type { DingTalkConfig, DingTalkMode } from './config/dingtalk';
export type { FeishuEventMode, LedgerConfig } from './config/feishu';

export interface Config
  extends ServerSettings,
    StorageSettings,
    FeishuSettings,
    CentreSettings,
    JobsSettings,
    DingTalkSettings,
    TestClockSettings {}

const schema = z.object({
  ...serverEnv.shape,
  ...storageEnv.shape,
  ...feishuEnv.shape,
  ...centreEnv.shape,
  ...jobsEnv.shape,
  ...testClockEnv.shape,
  ...dingtalkEnv.shape,
});

export function loadConfig(env: Record<string, string | undefined>): Config {
  // `PORT=` in an env file means "not set", for every variable alike.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;

  // The credential pairs first (Feishu, then DingTalk), then what depends on them.
  const { dryRun } = checkFeishuCredentials(e);
  const dingtalk = dingtalkSettings(e);
  const feishu = feishuSettings(e);
  const testClock = testClockSettings(e, { dryRun, feishuBaseUrl: e.FEISHU_BASE_URL, dingtalkBaseUrl: dingtalk.dingtalk?.baseUrl });

  return {
    ...serverSettings(e),
    ...storageSettings(e),
    ...feishu,
    ...centreSettings(e),
    ...jobsSettings(e),
    ...dingtalk,
    ...testClock,
  };
}

/** The file `npm start` and `npm run job` read, in the working directory (npm: the project's). */
export const ENV_FILE = '.env';

/**
 * Reads `.env` into process.env with Node's own parser (`process.loadEnvFile`, Node ≥ 20.12):
 * a variable already set in the environment wins over the file, even when set to the empty
 * string; a missing file is fine. Returns whether a file was read.
 */
export function loadEnvFile(path: string = ENV_FILE): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * The one configuration loader of the process entry points (`src/main.ts`, `src/jobs/cli.ts`):
 * `.env` (see loadEnvFile), then the environment checked by loadConfig. On a bad value, one line
 * on stderr naming the variable and exit with `exitCode`.
 */
export function loadProcessConfigOrExit(exitCode: number): { config: Config; envFileRead: boolean } {
  let envFileRead = false;
  try {
    envFileRead = loadEnvFile();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Configuration error: ${err.message}\n`);
    process.exit(exitCode);
  }
  return { config: loadConfigOrExit(process.env, exitCode), envFileRead };
}

/**
 * The configuration of `env`, or one line on stderr naming the variable and exit with
 * `exitCode` (other errors are thrown).
 */
export function loadConfigOrExit(env: Record<string, string | undefined>, exitCode: number): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(exitCode);
    }
    throw err;
  }
}
