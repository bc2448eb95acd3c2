import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Harness } from './bot-harness';
import { testEnv } from './bot-harness';

export const JOB_CLI_JS = join(__dirname, '..', '..', 'dist', 'src', 'jobs', 'cli.js');

export interface JobOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run job -- <args>` as operators do (the built `dist/src/jobs/cli.js`, which is what
 * the script runs after building), beside the harness's running bot: same database, same fake
 * Open API, same environment.
 */
export function runJob(h: Harness, args: string[], env: Record<string, string> = {}): Promise<JobOutcome> {
  return runJobIn(h.dbDir, args, {
    ...testEnv(h.fake, h.dbDir),
    ADMIN_OPEN_IDS: h.config.adminOpenIds.size ? [...h.config.adminOpenIds].join(',') : '',
    CAMPAIGN_YEAR: h.config.campaignYear ? String(h.config.campaignYear) : '',
    LOG_LEVEL: 'warn',
    JOB_DELIVERY_WAIT_SECONDS: '15',
    ...env,
  });
}

/**
 * Runs the job command in `cwd` (where it reads `.env`; the harness's database folder by default,
 * never the project, so a developer's own `.env` does not reach the tests) with only `env` and PATH.
 */
export function runJobIn(cwd: string, args: string[], env: Record<string, string>): Promise<JobOutcome> {
  const child = spawn(process.execPath, [JOB_CLI_JS, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
  child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
