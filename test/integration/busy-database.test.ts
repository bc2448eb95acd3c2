import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { messageEvent } from '../helpers/events';
import type { FakeFeishu } from '../helpers/fake-feishu';
import { closeProcessWorld, openProcessWorld, postEvent as postSignedEvent, type ProcessWorld } from '../helpers/process-world';

/**
 * Issue 14: another process holds SQLite's write lock (BEGIN IMMEDIATE) for longer than the
 * bot's busy timeout while a message is being delivered. The bot must stay up, answer /healthz
 * within its 2 s, and finish the work afterwards, sending nothing twice.
 */

let world: ProcessWorld;
let fake: FakeFeishu;
let dbDir: string;
let env: Record<string, string>;
let bot: BotProcess | undefined;

beforeEach(async () => {
  world = await openProcessWorld('busy');
  ({ fake, dbDir, env } = world);
});
afterEach(async () => {
  await closeProcessWorld(world, bot);
  bot = undefined;
});

const postEvent = (url: string, payload: unknown) => postSignedEvent(world, url, payload);

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
  // A later message's reply is the marker: a second copy of the first would have come before it.
  const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await postEvent(bot.url, marker)).toBe(200);
  await fake.waitFor(() => repliesTo(marker.event.message.message_id).length === 1, 'the marker’s answer', 20_000);
  expect(repliesTo(first.event.message.message_id)).toHaveLength(1);
  expect(bot.child.exitCode).toBeNull();
  expect(bot.output.join('')).toMatch(/SQLITE_BUSY/);
}, 60_000);
