import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { UnitOfWork } from '../../src/db/unit-of-work';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { type OutboundMessage, PlatformError, type SendResult } from '../../src/platform/port';
import { DEFAULT_OUTBOX_OPTIONS, idempotencyKeyOf, type OutboxOptions, OutboxService } from '../../src/services/outbox-service';

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

/** Dry-run sends that the test can hold back or make fail; records who was sent what. */
class ScriptedPlatform extends DryRunPlatform {
  readonly calls: string[] = [];
  readonly failures: Error[] = [];
  holding = false;
  inFlight = 0;
  maxInFlight = 0;
  private readonly held: Array<() => void> = [];
  private readonly busyChats = new Set<string>();
  chatOverlap = false;

  override async sendToChat(chatId: string, message: OutboundMessage): Promise<SendResult> {
    const text = message.type === 'text' ? message.text : '';
    this.calls.push(text);
    if (this.busyChats.has(chatId)) this.chatOverlap = true;
    this.busyChats.add(chatId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
      const failure = this.failures.shift();
      if (failure) throw failure;
      return await super.sendToChat(chatId, message);
    } finally {
      this.inFlight -= 1;
      this.busyChats.delete(chatId);
    }
  }

  release(): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go();
  }
}

let dir: string;
let ds: DataSource;
let t: number;
let logs: string[];
let outboxes: OutboxService[];
let platform: ScriptedPlatform;
let markers = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-delivery-'));
  ds = await openDatabase(`sqlite:${join(dir, 'bot.sqlite')}`);
  t = NOW;
  logs = [];
  outboxes = [];
  markers = 0;
  platform = new ScriptedPlatform(createLogger('silent'));
});
afterEach(async () => {
  platform.release();
  for (const o of outboxes) await o.stop();
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
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
  await until(async () => (await rowOf('flaky')).status === 'pending' && (await rowOf('flaky')).attempts === 1, 'the retry scheduled');
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
  await until(async () => (await rowOf('hung-up')).attempts === 1 && (await rowOf('hung-up')).status !== 'sending', 'the first attempt recorded');
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
  await until(async () => (await rowOf('doomed')).attempts === 1 && (await rowOf('doomed')).status === 'pending', 'the first failure');
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
