import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { UnitOfWork } from '../../src/db/unit-of-work';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { type ChatPlatform, type OutboundMessage, PlatformError, type SendResult } from '../../src/platform/port';
import { DEFAULT_OUTBOX_OPTIONS, idempotencyKeyOf, type Messenger, type OutboxOptions, OutboxService } from '../../src/services/outbox-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The outbox's delivery passes on a real SQLite database, the service started: how many sends
 * at once, one chat's messages one at a time and in order, retries not before their delay, a
 * message failed for good with its error kept, claims' leases and the recovery of expired ones.
 * The platform is the dry-run one (what stands in for Feishu in the unit tests) with a script:
 * a send can be held until the test lets it go, or fail. The clock is the outbox's own
 * (injected) and stands still unless a test moves it or asks for the real one.
 */

const NOW = Date.parse('2027-06-15T02:00:00Z');
const TENANT = 't';

/** Dry-run sends that the test can hold back or make fail; records who was sent what, cards patched, urgent notices. */
class ScriptedPlatform extends DryRunPlatform {
  readonly calls: string[] = [];
  readonly failures: Error[] = [];
  readonly updates: Array<{ messageId: string; card: Record<string, unknown> }> = [];
  readonly urgents: Array<{ messageId: string; openIds: string[] }> = [];
  holding = false;
  inFlight = 0;
  maxInFlight = 0;
  private readonly held: Array<() => void> = [];
  private readonly busyChats = new Set<string>();
  chatOverlap = false;

  override sendToChat(chatId: string, message: OutboundMessage): Promise<SendResult> {
    return this.scripted(chatId, message, () => super.sendToChat(chatId, message));
  }

  override sendToUser(openId: string, message: OutboundMessage): Promise<SendResult> {
    return this.scripted(openId, message, () => super.sendToUser(openId, message));
  }

  override reply(messageId: string, message: OutboundMessage): Promise<SendResult> {
    return this.scripted(messageId, message, () => super.reply(messageId, message));
  }

  override async updateCard(messageId: string, card: Record<string, unknown>): Promise<void> {
    this.updates.push({ messageId, card });
    await super.updateCard(messageId, card);
  }

  override async urgentApp(messageId: string, openIds: string[]): Promise<void> {
    this.urgents.push({ messageId, openIds });
    await super.urgentApp(messageId, openIds);
  }

  private async scripted(target: string, message: OutboundMessage, send: () => Promise<SendResult>): Promise<SendResult> {
    const text = message.type === 'text' ? message.text : '';
    this.calls.push(text);
    if (this.busyChats.has(target)) this.chatOverlap = true;
    this.busyChats.add(target);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
      const failure = this.failures.shift();
      if (failure) throw failure;
      return await send();
    } finally {
      this.inFlight -= 1;
      this.busyChats.delete(target);
    }
  }

  release(): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go();
  }
}

let ds: DataSource;
let t: number;
let logs: string[];
let outboxes: OutboxService[];
let platform: ScriptedPlatform;
let markers = 0;

beforeEach(async () => {
  ds = await openTempDatabase('outbox-delivery-');
  t = NOW;
  logs = [];
  outboxes = [];
  markers = 0;
  platform = new ScriptedPlatform(createLogger('silent'));
});
afterEach(async () => {
  platform.release();
  for (const o of outboxes) await o.stop();
  await closeTempDatabase(ds);
});

const OPTIONS: OutboxOptions = {
  ...DEFAULT_OUTBOX_OPTIONS,
  leaseMs: 30_000,
  pollIntervalMs: 60_000,
  perTargetPerSecond: 1000,
  perAppPerSecond: 1000,
  retry: { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 5 },
};

/** A started outbox on the test's clock (`real`: the machine's), its log lines kept in `logs`. */
function started(opts: Partial<OutboxOptions> = {}, clock: () => number = () => t): OutboxService {
  const logger = createLogger('debug', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
  const outbox = new OutboxService(ds, platform, logger, { ...OPTIONS, ...opts }, clock);
  outboxes.push(outbox);
  outbox.start();
  return outbox;
}

const rows = () => ds.getRepository(OutboxMessage);
const rowOf = (key: string) => rows().findOneByOrFail({ idempotencyKey: idempotencyKeyOf(TENANT, key) });
const send = (outbox: OutboxService, key: string, chat: string) => outbox.sendToChat({ tenantKey: TENANT, key }, chat, { type: 'text', text: key });

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const sentOf = async (key: string) => (await rowOf(key)).status === 'sent';

/** Queues a message to a chat of its own and waits until it is sent: a delivery pass has run. */
async function nudge(outbox: OutboxService): Promise<void> {
  const key = `marker-${++markers}`;
  await send(outbox, key, `oc_marker_${markers}`);
  await until(() => sentOf(key), key);
}

it('sends no more than maxInFlight messages at once', async () => {
  const outbox = started({ maxInFlight: 2 });
  await outbox.stop();
  platform.holding = true;
  // All five are queued when the pass starts: it stops starting sends at two.
  for (let i = 1; i <= 5; i += 1) await send(outbox, `m${i}`, `oc_${i}`);
  outbox.start();
  await until(() => platform.inFlight === 2, 'two sends under way');
  await new Promise((r) => setTimeout(r, 100));
  expect(platform.calls).toHaveLength(2);
  platform.release();
  for (let i = 1; i <= 5; i += 1) await until(() => sentOf(`m${i}`), `m${i}`);
  expect(platform.maxInFlight).toBe(2);
});

it('sends one chat’s messages one at a time and in order, other chats meanwhile', async () => {
  const outbox = started();
  platform.holding = true;
  await send(outbox, 'a1', 'oc_a');
  await send(outbox, 'a2', 'oc_a');
  await send(outbox, 'b1', 'oc_b');
  await until(() => platform.calls.length === 2, 'a1 and b1 under way');
  await new Promise((r) => setTimeout(r, 100));
  expect(platform.calls).toEqual(['a1', 'b1']);
  platform.release();
  await until(() => sentOf('a2'), 'a2');
  expect(platform.calls).toEqual(['a1', 'b1', 'a2']);
  expect(platform.chatOverlap).toBe(false);
});

it('keeps the message id Feishu gave a sent message', async () => {
  const outbox = started();
  await send(outbox, 'with-id', 'oc_a');
  await until(() => sentOf('with-id'), 'the message sent');
  const row = await rowOf('with-id');
  expect(row.resultId).toMatch(/^om_dry_run_\d+$/);
  expect(await outbox.sentMessageId({ tenantKey: TENANT, key: 'with-id' })).toBe(row.resultId);
});

it('retries a failed send not before its delay, keeps the error meanwhile, and touches no other message', async () => {
  const outbox = started();
  await send(outbox, 'earlier', 'oc_b');
  await until(() => sentOf('earlier'), 'the earlier message');
  platform.failures.push(new PlatformError('open api 500', { retryable: true }));
  await send(outbox, 'flaky', 'oc_a');
  // One read per check: two reads could see 'pending' before the claim and attempts 1 after it.
  await until(async () => {
    const row = await rowOf('flaky');
    return row.status === 'pending' && row.attempts === 1;
  }, 'the retry scheduled');
  const waiting = await rowOf('flaky');
  // baseDelayMs 100 with ±20 % jitter.
  expect(waiting.nextAttemptAt).toBeGreaterThanOrEqual(NOW + 80);
  expect(waiting.nextAttemptAt).toBeLessThanOrEqual(NOW + 120);
  expect(waiting.lastError).toBe('open api 500');
  expect(waiting.leaseUntil).toBeNull();
  await nudge(outbox);
  expect(platform.calls.filter((c) => c === 'flaky')).toHaveLength(1);
  // Due: it goes (a failure that is no rate limit does not pause the chat for a second).
  t = NOW + 120;
  await nudge(outbox);
  await until(() => sentOf('flaky'), 'the retried message');
  expect(platform.calls.filter((c) => c === 'flaky')).toHaveLength(2);
  expect((await rowOf('earlier')).status).toBe('sent');
  expect(platform.calls.filter((c) => c === 'earlier')).toHaveLength(1);
});

it('retries a send that failed with an unexpected error (not a platform error)', async () => {
  const outbox = started();
  platform.failures.push(new Error('socket hang up'));
  await send(outbox, 'hung-up', 'oc_a');
  await until(async () => {
    const row = await rowOf('hung-up');
    return row.attempts === 1 && row.status !== 'sending';
  }, 'the first attempt recorded');
  expect((await rowOf('hung-up')).status).toBe('pending');
  t = NOW + 120;
  await nudge(outbox);
  await until(() => sentOf('hung-up'), 'the retried message');
});

it('marks a message failed for good after maxAttempts, keeps its error, and leaves other messages alone', async () => {
  const outbox = started({ retry: { ...OPTIONS.retry, maxAttempts: 2 } });
  await send(outbox, 'earlier', 'oc_b');
  await until(() => sentOf('earlier'), 'the earlier message');
  platform.failures.push(new PlatformError('open api 500', { retryable: true }), new PlatformError('open api 503', { retryable: true }));
  await send(outbox, 'doomed', 'oc_a');
  await until(async () => {
    const row = await rowOf('doomed');
    return row.attempts === 1 && row.status === 'pending';
  }, 'the first failure');
  t = NOW + 120;
  await nudge(outbox);
  await until(async () => (await rowOf('doomed')).status === 'failed', 'the message failed for good');
  const row = await rowOf('doomed');
  expect(row.lastError).toBe('open api 503');
  expect(row.leaseUntil).toBeNull();
  t = NOW + 10_000;
  await nudge(outbox);
  expect(platform.calls.filter((c) => c === 'doomed')).toHaveLength(2);
  expect((await rowOf('earlier')).status).toBe('sent');
  const line = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'outbox: send failed for good');
  expect(line).toMatchObject({ outboxId: row.id, operation: 'send_chat', attempt: 2, error: 'open api 503' });
});

it('leaves a message another instance is sending alone while its claim lasts', async () => {
  const first = started();
  platform.holding = true;
  await send(first, 'slow', 'oc_a');
  await until(() => platform.calls.length === 1, 'the send under way');
  // A second later a second instance starts (and at once takes back expired claims).
  t = NOW + 1000;
  const second = started();
  platform.holding = false;
  await nudge(second);
  expect(platform.calls.filter((c) => c === 'slow')).toHaveLength(1);
  expect((await rowOf('slow')).status).toBe('sending');
  platform.release();
  await until(() => sentOf('slow'), 'the slow message');
  expect(platform.calls.filter((c) => c === 'slow')).toHaveLength(1);
});

it('takes back an expired claim once a poll interval has passed since the last recovery, and says so once', async () => {
  const outbox = started();
  await nudge(outbox);
  // A crashed instance's claim, run out.
  await rows().insert({
    tenantKey: TENANT, platform: 'feishu', idempotencyKey: idempotencyKeyOf(TENANT, 'orphan'), operation: 'send_chat', target: 'oc_z', rateKey: 'chat:oc_z',
    payload: JSON.stringify({ type: 'text', text: 'orphan' }), status: 'sending', attempts: 1, nextAttemptAt: NOW - 5000, leaseUntil: NOW - 1,
    lastError: null, createdAt: NOW - 5000, sentAt: null, resultId: null,
  });
  await nudge(outbox);
  expect((await rowOf('orphan')).status).toBe('sending');
  t = NOW + OPTIONS.pollIntervalMs;
  await nudge(outbox);
  await until(() => sentOf('orphan'), 'the orphaned message');
  expect(platform.calls.filter((c) => c === 'orphan')).toHaveLength(1);
  const tookBack = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'outbox: took back expired claims');
  expect(tookBack).toEqual([expect.objectContaining({ count: 1 })]);
});

it('holds a chat’s next message until its rate allows', async () => {
  const outbox = started({ perTargetPerSecond: 1 });
  await send(outbox, 'first', 'oc_a');
  await send(outbox, 'second', 'oc_a');
  await until(() => sentOf('first'), 'the first message');
  await nudge(outbox);
  expect((await rowOf('second')).status).toBe('pending');
  t = NOW + 1000;
  await nudge(outbox);
  await until(() => sentOf('second'), 'the second message');
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statusOf = async (key: string) => (await rowOf(key)).status;

/** A row queued as a crashed or older version of the bot could have left it (pending, due now). */
const queuedRaw = (key: string, fields: Partial<OutboxMessage>) =>
  rows().insert({
    tenantKey: TENANT, platform: 'feishu', idempotencyKey: idempotencyKeyOf(TENANT, key), operation: 'send_chat', target: 'oc_raw', rateKey: `raw:${key}`,
    payload: JSON.stringify({ type: 'text', text: key }), status: 'pending', attempts: 0, nextAttemptAt: NOW, leaseUntil: null,
    lastError: null, createdAt: NOW, sentAt: null, resultId: null, ...fields,
  });

it('patches a card: the platform is asked to update that message, and nothing new is sent', async () => {
  const outbox = started();
  await outbox.updateCard({ tenantKey: TENANT, key: 'card:v2' }, 'om_card', { v: 2 });
  await until(() => sentOf('card:v2'), 'the card patched');
  expect(platform.updates).toEqual([{ messageId: 'om_card', card: { v: 2 } }]);
  expect(platform.calls).toEqual([]);
  expect((await rowOf('card:v2')).resultId).toBeNull();
});

it('fails a card update that carries no card for good, at once', async () => {
  const outbox = started();
  await queuedRaw('not-a-card', { operation: 'update_card', target: 'om_card', rateKey: 'msg:om_card' });
  await nudge(outbox);
  await until(async () => (await statusOf('not-a-card')) !== 'pending' && (await statusOf('not-a-card')) !== 'sending', 'the attempt recorded');
  expect(await rowOf('not-a-card')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'update_card needs a card' });
  expect(platform.updates).toEqual([]);
});

it('brings a re-posted card up to date when the card changed while the re-post was being sent', async () => {
  const outbox = started();
  const fortnightAgo = NOW - 14 * 86_400_000;
  await queuedRaw('old-card', {
    target: 'oc_centre', rateKey: 'chat:oc_centre', payload: JSON.stringify({ type: 'card', card: { v: 1 } }),
    status: 'sent', attempts: 1, createdAt: fortnightAgo, sentAt: fortnightAgo, resultId: 'om_old',
  });
  platform.holding = true;
  await outbox.updateCard({ tenantKey: TENANT, key: 'old-card:v2' }, 'om_old', { v: 2 });
  await until(() => platform.inFlight === 1, 'the notice under way');
  // The notice goes; the re-post (the card as it was at v2) is held on its way.
  platform.release();
  platform.holding = true;
  await until(() => platform.calls.length === 2 && platform.inFlight === 1, 'the re-post under way');
  expect(await statusOf('repost:om_old')).toBe('sending');

  await outbox.updateCard({ tenantKey: TENANT, key: 'old-card:v3' }, 'om_old', { v: 3 });
  // A retry of the re-post would carry v3; the send under way carries v2, so v3 is patched in after it.
  expect(JSON.parse((await rowOf('repost:om_old')).payload)).toEqual({ type: 'card', card: { v: 3 } });
  expect(await rowOf('old-card:v3')).toMatchObject({ operation: 'update_sent', target: idempotencyKeyOf(TENANT, 'repost:om_old'), rateKey: 'chat:oc_centre', status: 'pending' });
  platform.release();
  await until(() => sentOf('old-card:v3'), 'the patch');
  const reposted = (await rowOf('repost:om_old')).resultId;
  expect(reposted).toEqual(expect.any(String));
  expect(platform.updates).toEqual([{ messageId: reposted, card: { v: 3 } }]);
  expect(platform.calls).toHaveLength(2);
});

it('fails a patch of a re-post that failed for good, at once, and retries one of a re-post not sent yet', async () => {
  const outbox = started();
  const card = JSON.stringify({ type: 'card', card: { v: 3 } });
  await queuedRaw('repost:om_gone', { status: 'failed', attempts: 5, rateKey: 'chat:oc_gone' });
  await queuedRaw('gone:v3', { operation: 'update_sent', target: idempotencyKeyOf(TENANT, 'repost:om_gone'), rateKey: 'chat:oc_gone', payload: card });
  await queuedRaw('repost:om_busy', { status: 'sending', attempts: 1, leaseUntil: NOW + 30_000, rateKey: 'chat:oc_busy' });
  await queuedRaw('busy:v3', { operation: 'update_sent', target: idempotencyKeyOf(TENANT, 'repost:om_busy'), rateKey: 'chat:oc_busy', payload: card });
  await nudge(outbox);
  await until(async () => (await statusOf('gone:v3')) === 'failed' && (await rowOf('busy:v3')).attempts === 1 && (await statusOf('busy:v3')) === 'pending', 'both attempted');
  expect((await rowOf('gone:v3')).lastError).toBe('update_sent: the card to update was never sent');
  expect((await rowOf('busy:v3')).lastError).toBe('update_sent: the card to update is not sent yet');
  expect(platform.updates).toEqual([]);
});

it('fails an urgent notice on a message that failed for good, at once', async () => {
  const outbox = started();
  platform.failures.push(new PlatformError('open api 400: bad receiver', { retryable: false }));
  await outbox.sendToUser({ tenantKey: TENANT, key: 'dm' }, 'ou_a', { type: 'text', text: 'dm' });
  await outbox.urgentApp({ tenantKey: TENANT, key: 'dm:urgent' }, { tenantKey: TENANT, key: 'dm' }, 'ou_a');
  await until(async () => (await rowOf('dm:urgent')).attempts === 1 && (await statusOf('dm:urgent')) !== 'sending', 'the notice attempted');
  expect(await statusOf('dm')).toBe('failed');
  expect(await rowOf('dm:urgent')).toMatchObject({ status: 'failed', lastError: 'urgent_app: the message to buzz was never sent' });
  expect(platform.urgents).toEqual([]);
});

it('retries an urgent notice whose message (to a chat, another queue) is still being sent, and sends it on that message afterwards', async () => {
  const outbox = started();
  platform.holding = true;
  await send(outbox, 'announce', 'oc_a');
  await until(() => platform.inFlight === 1, 'the message under way');
  await outbox.urgentApp({ tenantKey: TENANT, key: 'announce:urgent' }, { tenantKey: TENANT, key: 'announce' }, 'ou_a');
  await until(async () => (await rowOf('announce:urgent')).attempts === 1 && (await statusOf('announce:urgent')) !== 'sending', 'the first attempt');
  expect(await rowOf('announce:urgent')).toMatchObject({ status: 'pending', lastError: 'urgent_app: the message to buzz is not sent yet' });
  platform.release();
  await until(() => sentOf('announce'), 'the message');
  t = NOW + 200;
  await nudge(outbox);
  await until(() => sentOf('announce:urgent'), 'the notice');
  expect(platform.urgents).toEqual([{ messageId: (await rowOf('announce')).resultId, openIds: ['ou_a'] }]);
});

it('fails an urgent notice for good on a platform that has none', async () => {
  const plain: ChatPlatform = {
    name: 'plain',
    sendToChat: (chatId, message) => platform.sendToChat(chatId, message),
    sendToUser: (openId, message) => platform.sendToUser(openId, message),
    reply: (messageId, message) => platform.reply(messageId, message),
    updateCard: (...a) => platform.updateCard(...a),
    uploadImage: (...a) => platform.uploadImage(...a),
    uploadFile: (...a) => platform.uploadFile(...a),
    downloadResource: (messageId, fileKey) => platform.downloadResource(messageId, fileKey),
    botIdentity: () => platform.botIdentity(),
  };
  const outbox = new OutboxService(ds, plain, createLogger('silent'), OPTIONS, () => t);
  outboxes.push(outbox);
  outbox.start();
  await outbox.sendToUser({ tenantKey: TENANT, key: 'dm' }, 'ou_a', { type: 'text', text: 'dm' });
  await outbox.urgentApp({ tenantKey: TENANT, key: 'dm:urgent' }, { tenantKey: TENANT, key: 'dm' }, 'ou_a');
  await until(async () => (await rowOf('dm:urgent')).attempts === 1 && (await statusOf('dm:urgent')) !== 'sending', 'the notice attempted');
  expect(await rowOf('dm:urgent')).toMatchObject({ status: 'failed', lastError: 'plain has no urgent notices' });
  expect(await statusOf('dm')).toBe('sent');
});

it('stops: waits for the send under way (its result recorded), and starts nothing after', async () => {
  const outbox = started();
  platform.holding = true;
  await send(outbox, 'slow', 'oc_a');
  await until(() => platform.inFlight === 1, 'the send under way');
  let stopped = false;
  const stopping = outbox.stop().then(() => (stopped = true));
  await pause(100);
  expect(stopped).toBe(false);
  platform.release();
  await stopping;
  expect(await statusOf('slow')).toBe('sent');
  await send(outbox, 'after', 'oc_b');
  await pause(100);
  expect(await statusOf('after')).toBe('pending');
  expect(platform.calls).toEqual(['slow']);
});

it('sends another chat’s message while one chat has a backlog of hundreds waiting', async () => {
  const outbox = started();
  await outbox.stop();
  // 510 messages to one chat, all waiting for a retry tomorrow: more than one scan reads.
  for (let i = 0; i < 510; i += 50) {
    await rows().insert(
      Array.from({ length: 50 }, (_, j) => ({
        tenantKey: TENANT, platform: 'feishu', idempotencyKey: idempotencyKeyOf(TENANT, `backlog-${i + j}`), operation: 'send_chat' as const, target: 'oc_busy', rateKey: 'chat:oc_busy',
        payload: JSON.stringify({ type: 'text', text: `backlog-${i + j}` }), status: 'pending' as const, attempts: 1, nextAttemptAt: NOW + 86_400_000, leaseUntil: null,
        lastError: 'open api 500', createdAt: NOW, sentAt: null, resultId: null,
      })),
    );
  }
  await send(outbox, 'lone', 'oc_quiet');
  outbox.start();
  await until(() => sentOf('lone'), 'the other chat’s message');
  expect(platform.calls).toEqual(['lone']);
});

it('sends the oldest message first when only one may go at a time', async () => {
  const outbox = started({ maxInFlight: 1 });
  await outbox.stop();
  await send(outbox, 'older', 'oc_z');
  await send(outbox, 'newer', 'oc_a');
  outbox.start();
  await until(() => sentOf('newer'), 'both messages');
  expect(platform.calls).toEqual(['older', 'newer']);
});

/** How a message is queued: by the outbox itself, or inside a transaction (delivered once it commits). */
const WAYS: Array<[string, (outbox: OutboxService, queue: (m: Messenger) => Promise<void>) => Promise<void>]> = [
  ['directly', (outbox, queue) => queue(outbox)],
  ['inside a transaction', (outbox, queue) => new UnitOfWork(ds).run((tx) => queue(outbox.within(tx)))],
];

describe.each(WAYS)('queued %s', (_way, via) => {
  it('sends an urgent notice on a private message only once that message has been sent', async () => {
    const outbox = started();
    platform.holding = true;
    await via(outbox, async (m) => {
      await m.sendToUser({ tenantKey: TENANT, key: 'dm' }, 'ou_a', { type: 'text', text: 'dm' });
      await m.urgentApp!({ tenantKey: TENANT, key: 'dm:urgent' }, { tenantKey: TENANT, key: 'dm' }, 'ou_a');
    });
    await until(() => platform.inFlight === 1, 'the message under way');
    await pause(100);
    expect((await rowOf('dm:urgent')).attempts).toBe(0);
    platform.release();
    await until(() => sentOf('dm:urgent'), 'the notice');
    expect((await rowOf('dm:urgent')).attempts).toBe(1);
    expect(platform.urgents).toEqual([{ messageId: (await rowOf('dm')).resultId, openIds: ['ou_a'] }]);
  });

  it('sends a reply after the earlier message to its chat, and a reply in another chat meanwhile', async () => {
    const outbox = started();
    platform.holding = true;
    await via(outbox, async (m) => {
      await m.sendToChat({ tenantKey: TENANT, key: 'c1' }, 'oc_a', { type: 'text', text: 'c1' });
      await m.reply({ tenantKey: TENANT, key: 'r1' }, 'om_asked_a', 'oc_a', { type: 'text', text: 'r1' });
      await m.reply({ tenantKey: TENANT, key: 'r2' }, 'om_asked_b', 'oc_b', { type: 'text', text: 'r2' });
    });
    await until(() => platform.calls.length === 2, 'two sends under way');
    await pause(100);
    expect(platform.calls).toEqual(['c1', 'r2']);
    platform.release();
    await until(() => sentOf('r1'), 'the first reply');
    expect(platform.calls).toEqual(['c1', 'r2', 'r1']);
  });
});

describe('on the real clock, with a poll interval longer than any test', () => {
  let passes = 0;
  const counted = () => {
    passes += 1;
    return Date.now();
  };
  beforeEach(() => {
    passes = 0;
  });
  /**
   * The pass a started outbox runs with nothing queued reads the clock twice (its start, then
   * the delay it asks for: the poll interval). After it the outbox sleeps, unless woken. Not a
   * marker message: a send, once recorded, wakes one more pass, which would then run at a time
   * the test does not know.
   */
  const firstPass = () => until(() => passes >= 2, 'the first delivery pass');

  it('starts delivery right after the transaction that queued the message commits', async () => {
    const outbox = started({}, counted);
    await firstPass();
    await new UnitOfWork(ds).run(async (tx) => {
      await outbox.within(tx).sendToChat({ tenantKey: TENANT, key: 'in-tx' }, 'oc_a', { type: 'text', text: 'in-tx' });
    });
    await until(() => sentOf('in-tx'), 'the message queued in the transaction');
  });

  it('retries when the retry is due, not at the next poll', async () => {
    const outbox = started({}, counted);
    platform.failures.push(new PlatformError('open api 500', { retryable: true }));
    await send(outbox, 'flaky', 'oc_a');
    await until(() => sentOf('flaky'), 'the retried message');
    expect(platform.calls).toEqual(['flaky', 'flaky']);
  });

  it('sends a chat’s next message when its rate allows, by a timer rather than passes back to back', async () => {
    const outbox = started({ perTargetPerSecond: 1 }, counted);
    await send(outbox, 'first', 'oc_a');
    await send(outbox, 'second', 'oc_a');
    await until(() => sentOf('second'), 'the second message');
    // A handful of passes (and a few clock readings each), not a pass every turn of the event loop.
    expect(passes).toBeLessThan(100);
  });

  it('does nothing while there is nothing to send', async () => {
    started({}, counted);
    await firstPass();
    const before = passes;
    await new Promise((r) => setTimeout(r, 200));
    expect(passes - before).toBe(0);
  });
});
