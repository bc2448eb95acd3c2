import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Bot, BotOptions, createBot } from '../../src/bot';
import { Config, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { FakeFeishu } from './fake-feishu';
import { BuildOptions, buildFeishuRequest } from './feishu-signer';
import { TestClock } from './test-clock';

/** The doc fixtures' Verification Token, so their payloads verify as they are. */
export const TEST_TOKEN = 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV';
/** The key of the encrypted fixtures in test/fixtures/feishu. */
export const TEST_ENCRYPT_KEY = 'test key';
export const ADMIN_OPEN_ID = 'ou_admin_0000000000000000000000001';

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  bot?: BotOptions;
  /** Reuse a database (to restart the bot on it). */
  dbDir?: string;
  fake?: FakeFeishu;
  /** The bot's clock, which the harness also signs with; default the real time. */
  clock?: TestClock;
}

export interface Harness {
  url: string;
  bot: Bot;
  fake: FakeFeishu;
  /** The bot's clock: requests are signed with it too. */
  clock: TestClock;
  config: Config;
  dbDir: string;
  /** Every log line the bot wrote, as text. */
  logs: string[];
  /** POSTs a payload the way Feishu would (encrypted and signed with the configured key by default). */
  post(path: string, payload: unknown, opts?: BuildOptions): Promise<{ status: number; body: any }>;
  postRaw(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Stops the bot, keeping the database and the fake. */
  stopBot(): Promise<void>;
  /** Stops everything and removes the database. */
  close(): Promise<void>;
}

export function testEnv(fake: FakeFeishu, dbDir: string): Record<string, string> {
  return {
    FEISHU_APP_ID: fake.appId,
    FEISHU_APP_SECRET: fake.appSecret,
    FEISHU_ENCRYPT_KEY: TEST_ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: TEST_TOKEN,
    FEISHU_BASE_URL: fake.url,
    FEISHU_HTTP_TIMEOUT_MS: '2000',
    ADMIN_OPEN_IDS: ADMIN_OPEN_ID,
    DATABASE_URL: `sqlite:${join(dbDir, 'bot.sqlite')}`,
    SCHEDULE_TIMEZONE: 'Asia/Shanghai',
    LOG_LEVEL: 'debug',
    // Tests of other things approve in one click; the scan's rules are tested with 'confirm'
    // (the production default) in stamped-form.test.ts and the authorization table.
    SCAN_REQUIRED: 'off',
  };
}

/** Fast retries so that tests of the retry rules take milliseconds, not minutes. */
export const FAST_RETRIES: BotOptions = {
  cron: false,
  outbox: { pollIntervalMs: 50, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 5 } },
  inbox: { pollIntervalMs: 50, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 } },
};

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = opts.fake ?? (await new FakeFeishu().start());
  // The SDK keeps a token until 3 min before its expiry: with 181 s it fetches a new one after
  // a second, so every test that runs longer exercises the refresh.
  if (!opts.fake) fake.tokenExpireSeconds = 181;
  const dbDir = opts.dbDir ?? mkdtempSync(join(tmpdir(), 'innovation-bot-'));
  const env = { ...testEnv(fake, dbDir), ...opts.env };
  const clock = opts.clock ?? new TestClock();
  const config = loadConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const bot = await createBot(config, createLogger(config.logLevel, sink), { ...FAST_RETRIES, now: clock.now, ...opts.bot });
  const port = await bot.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  let botStopped = false;

  const postRaw = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  };

  return {
    url,
    bot,
    fake,
    clock,
    config,
    dbDir,
    logs,
    postRaw,
    post(path, payload, buildOpts) {
      const req = buildFeishuRequest(payload, { encryptKey: config.feishu.encryptKey, now: clock.now, ...buildOpts });
      return postRaw(path, req.body, req.headers);
    },
    async stopBot() {
      if (botStopped) return;
      botStopped = true;
      await bot.stop();
    },
    async close() {
      if (!botStopped) await bot.stop();
      botStopped = true;
      if (!opts.fake) await fake.stop();
      if (!opts.dbDir) rmSync(dbDir, { recursive: true, force: true });
      // Every request the bot made must have passed the strict fake (cards, shapes, ids, tokens).
      if (fake.violations.length > 0) throw new Error(`the fake Open API refused what the bot sent:\n${fake.violations.join('\n')}`);
    },
  };
}
