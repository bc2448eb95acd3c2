import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../../src/db/data-source';
import { ADMIN_OPEN_ID, TEST_ENCRYPT_KEY, testEnv } from '../helpers/bot-harness';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { visibleText } from '../helpers/card-text';
import { cardActionEvent, messageEvent } from '../helpers/events';
import { FakeFeishu } from '../helpers/fake-feishu';
import { buildFeishuRequest } from '../helpers/feishu-signer';

/**
 * Issue 14 item 9, the production mode end to end: the built bot (`node dist/src/main.js`) with
 * its default PROCESSING_THREAD=worker acknowledges on the main thread and processes in a worker
 * thread. An event goes in over the webhook and its reply arrives at the fake Open API; a card
 * callback is verified on the main thread and answered by the worker's handler; /healthz, routes
 * the main thread passes on to the worker, /metrics (acks timed on the main thread, counted in
 * the worker) and a graceful stop. PROCESSING_THREAD=main still runs the one-thread bot.
 */

jest.setTimeout(60_000);

const METRICS_TOKEN = 'processing-worker-metrics-token';
const PG_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

let fake: FakeFeishu;
let dbDir: string;
let env: Record<string, string>;
let bot: BotProcess | undefined;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-worker-'));
  env = { ...testEnv(fake, dbDir), LOG_LEVEL: 'info', METRICS_TOKEN };
});
afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  await fake.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

async function post(path: string, payload: unknown): Promise<{ status: number; body: any }> {
  const req = buildFeishuRequest(payload, { encryptKey: TEST_ENCRYPT_KEY });
  const res = await fetch(`${bot!.url}${path}`, { method: 'POST', body: req.body, headers: req.headers });
  return { status: res.status, body: await res.json() };
}

const replies = () => fake.delivered.filter((m) => m.kind === 'reply');

/** The main thread's inbox INSERT on PostgreSQL (its own pg pool), when TEST_POSTGRES_URL is set. */
async function freshPostgres(url: string): Promise<void> {
  const admin = createDataSource(url);
  await admin.initialize();
  await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
  await admin.query('CREATE SCHEMA public');
  await admin.destroy();
}

const DATABASES: Array<[string, string | undefined]> = [['SQLite', undefined]];
if (PG_URL) DATABASES.push(['PostgreSQL', PG_URL]);

it.each(DATABASES)('by default (%s): event in, reply at the fake; cards, /healthz, passed-on routes and /metrics work; stops cleanly', async (_name, pgUrl) => {
  if (pgUrl) {
    await freshPostgres(pgUrl);
    env.DATABASE_URL = pgUrl;
  }
  bot = await spawnBot(env);
  expect(bot.output.join('')).toMatch(/"processing":"worker"[^\n]*"bot listening"/);

  // An event: acknowledged at once (empty body), the help card arrives at the fake.
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await post('/feishu/events', evt)).toEqual({ status: 200, body: {} });
  await fake.waitFor(() => replies().length === 1, 'the reply to 帮助');
  expect(replies()[0].parentId).toBe(evt.event.message.message_id);
  expect(visibleText(replies()[0].content)).toContain('使用帮助');

  // The same message again (a new event id): recorded once, by the main thread's connection.
  // The fake's uuid dedup is off, so a second answer would show (the inbox is the layer tested).
  fake.dedupByUuid = false;
  expect(await post('/feishu/events', { ...evt, header: { ...evt.header, event_id: 'a-repeated-delivery' } })).toEqual({ status: 200, body: {} });

  // A card callback: verified on the main thread, its handler's answer comes from the worker.
  const card = await post('/feishu/cards', cardActionEvent({ action: 'no.such.action' }, ADMIN_OPEN_ID));
  expect(card.status).toBe(200);
  expect(card.body.toast).toEqual({ type: 'error', content: '这个按钮已失效，请重新发送指令获取新的卡片。' });

  // A forged event is refused on the main thread and stores nothing.
  const forged = buildFeishuRequest(messageEvent({ text: '帮助', chatType: 'p2p' }), { encryptKey: 'not-the-key' });
  expect((await fetch(`${bot.url}/feishu/events`, { method: 'POST', body: forged.body, headers: forged.headers })).status).toBe(401);

  // /healthz is the main thread's; anything else is answered by the worker.
  const health = await fetch(`${bot.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', database: 'ok', platform: 'feishu' });
  const missing = await fetch(`${bot.url}/no-such-route`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: 'not found' });
  expect((await fetch(`${bot.url}/feishu/events`)).status).toBe(405);
  expect((await fetch(`${bot.url}/metrics`)).status).toBe(401);
  const metrics = await (await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  // Two events and one card callback timed on the main thread (the forged one too: it was answered).
  expect(metrics).toMatch(/bot_event_ack_seconds_count\{route="events"\} 3/);
  expect(metrics).toMatch(/bot_event_ack_seconds_count\{route="cards"\} 1/);
  expect(metrics).toMatch(/bot_inbox_events\{status="done"\} 1/);

  // The marker: a later message is answered; the repeated delivery never was.
  const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await post('/feishu/events', marker)).toEqual({ status: 200, body: {} });
  await fake.waitFor(() => replies().length >= 2, 'the reply to the marker');
  expect(replies().map((r) => r.parentId)).toEqual([evt.event.message.message_id, marker.event.message.message_id]);

  // SIGTERM: the worker stops, then the process exits 0.
  const exit = new Promise<number | null>((resolve) => bot!.child.once('exit', (code) => resolve(code)));
  await bot.stop();
  expect(await exit).toBe(0);
  bot = undefined;
});

it('PROCESSING_THREAD=main runs the one-thread bot', async () => {
  bot = await spawnBot({ ...env, PROCESSING_THREAD: 'main' });
  expect(bot.output.join('')).toMatch(/"processing":"main"[^\n]*"bot listening"/);
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect(await post('/feishu/events', evt)).toEqual({ status: 200, body: {} });
  await fake.waitFor(() => replies().length === 1, 'the reply to 帮助');
  expect(replies()[0].parentId).toBe(evt.event.message.message_id);
});
