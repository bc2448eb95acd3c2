import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { testEnv } from '../helpers/bot-harness';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { messageEvent } from '../helpers/events';
import { FakeFeishu } from '../helpers/fake-feishu';
import { buildFeishuRequest } from '../helpers/feishu-signer';

/**
 * Issue 14: another process holds SQLite's write lock (BEGIN IMMEDIATE) for longer than the
 * bot's busy timeout while a message is being delivered. The bot must stay up, answer /healthz
 * within its 2 s, and finish the work afterwards, sending nothing twice.
 */

let fake: FakeFeishu;
let dbDir: string;
let env: Record<string, string>;
let bot: BotProcess | undefined;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-busy-'));
  env = { ...testEnv(fake, dbDir), FEISHU_HTTP_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' };
});
afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  await fake.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

async function postEvent(url: string, payload: unknown): Promise<number> {
  const req = buildFeishuRequest(payload, { encryptKey: env.FEISHU_ENCRYPT_KEY });
  const res = await fetch(`${url}/feishu/events`, { method: 'POST', body: req.body, headers: req.headers });
  return res.status;
}

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

const repliesTo = (id: string) => fake.delivered.filter((m) => m.kind === 'reply' && m.parentId === id);

it('survives a write lock held longer than its busy timeout, and finishes the work afterwards', async () => {
  bot = await spawnBot(env);
  // The answer to the first send comes late, so its outcome is recorded while the lock is held.
  fake.messageDelayMs = 1500;
  const first = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await postEvent(bot.url, first)).toBe(200);
  await fake.waitFor(() => fake.inFlight > 0, 'the send under way');

  const other = new sqlite3.Database(join(dbDir, 'bot.sqlite'));
  await run(other, 'PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE');
  try {
    // Held for 7 s: longer than the bot's 5 s busy timeout, so its writes fail with SQLITE_BUSY.
    const until = Date.now() + 7000;
    while (Date.now() < until) {
      const started = Date.now();
      const res = await fetch(`${bot.url}/healthz`);
      // Answered within its 2 s (a little more for the process to answer): 200 or 503, never a hang.
      expect(Date.now() - started).toBeLessThan(2800);
      expect([200, 503]).toContain(res.status);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await run(other, 'COMMIT');
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  fake.messageDelayMs = 0;

  expect(bot.child.exitCode).toBeNull();
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  // Work resumes: the first reply is there once, and a new message is answered.
  const second = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await postEvent(bot.url, second)).toBe(200);
  await fake.waitFor(() => repliesTo(second.event.message.message_id).length === 1, 'the answer after the lock', 20_000);
  await fake.waitFor(() => repliesTo(first.event.message.message_id).length === 1, 'the first answer', 20_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(repliesTo(first.event.message.message_id)).toHaveLength(1);
  expect(bot.child.exitCode).toBeNull();
  expect(bot.output.join('')).toMatch(/SQLITE_BUSY/);
}, 60_000);
