import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { createLogger } from '../../src/logger';
import type { FeishuEnvelope } from '../../src/platform/feishu/inbound';
import { PlatformError } from '../../src/platform/port';
import { DEFAULT_INBOX_OPTIONS, InboxService } from '../../src/services/inbox-service';
import { claim } from '../../src/services/leases';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The README's claim about the inbox: a handler that fails is retried with backoff, a given
 * number of times, then the event is marked failed with the reason; a permanent error is not
 * retried at all. The clock is the service's own (injected), so no test waits for a backoff.
 */

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('innovation-bot-inbox-retry-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const OPTIONS = { ...DEFAULT_INBOX_OPTIONS, pollIntervalMs: 10, concurrency: 1, retry: { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 4 } };
const envelope = (eventId: string): FeishuEnvelope => ({ schema: '2.0', eventId, eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: `om_${eventId}`, chat_id: 'oc_1' } } });

/** An inbox whose clock stands still until the test moves it. */
function inboxWith(handler: () => Promise<void>) {
  let now = Date.UTC(2027, 2, 1, 1, 0, 0);
  const calls: number[] = [];
  const inbox = new InboxService(
    ds,
    async (evt) => {
      // Markers only show that the inbox has gone round (see `pollsPass`).
      if (evt.eventId.startsWith('marker-')) return;
      calls.push(now);
      await handler();
    },
    quiet,
    OPTIONS,
    () => now,
  );
  return { inbox, calls, advance: (ms: number) => void (now += ms), at: () => now };
}

const row = (eventId: string) => ds.getRepository(InboundEvent).findOneByOrFail({ eventId });

it('retries a failing handler with growing delays, then marks the event failed for good with the reason', async () => {
  const { inbox, calls, advance, at } = inboxWith(async () => {
    throw new Error('open api down');
  });
  await inbox.record(envelope('evt-down'));
  inbox.start();
  try {
    const delays: number[] = [];
    for (let attempt = 1; attempt < OPTIONS.retry.maxAttempts; attempt++) {
      await waitFor(async () => (await row('evt-down')).attempts === attempt && (await row('evt-down')).status === 'received');
      const r = await row('evt-down');
      expect(r.lastError).toBe('open api down');
      delays.push(r.nextAttemptAt - at());
      // Not retried before its time has come.
      await pollsPass(inbox);
      expect(calls).toHaveLength(attempt);
      advance(r.nextAttemptAt - at());
    }
    await waitFor(async () => (await row('evt-down')).status === 'failed');
    expect(await row('evt-down')).toMatchObject({ status: 'failed', attempts: 4, lastError: 'open api down' });
    expect(calls).toHaveLength(4);
    // Exponential backoff with ±20 % jitter: about 1 s, 2 s, 4 s.
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0.8 * 1000 * 2 ** i);
      expect(d).toBeLessThanOrEqual(1.2 * 1000 * 2 ** i);
    });
    // A failed event stays failed: later polls do not pick it up again.
    advance(3600_000);
    await pollsPass(inbox);
    expect(calls).toHaveLength(4);
  } finally {
    await inbox.stop();
  }
});

it('does not retry a permanent error', async () => {
  const { inbox, calls } = inboxWith(async () => {
    throw new PlatformError('bad request', { retryable: false });
  });
  await inbox.record(envelope('evt-bad'));
  inbox.start();
  try {
    await waitFor(async () => (await row('evt-bad')).status === 'failed');
    expect(await row('evt-bad')).toMatchObject({ attempts: 1, lastError: 'bad request' });
    await pollsPass(inbox);
    expect(calls).toHaveLength(1);
  } finally {
    await inbox.stop();
  }
});

it('marks an event done once its handler succeeds on a retry', async () => {
  let failures = 2;
  const { inbox, calls, advance, at } = inboxWith(async () => {
    if (failures-- > 0) throw new Error('flaky');
  });
  await inbox.record(envelope('evt-flaky'));
  inbox.start();
  try {
    for (let attempt = 1; attempt <= 2; attempt++) {
      await waitFor(async () => (await row('evt-flaky')).attempts === attempt && (await row('evt-flaky')).status === 'received');
      advance((await row('evt-flaky')).nextAttemptAt - at());
    }
    await waitFor(async () => (await row('evt-flaky')).status === 'done');
    expect(await row('evt-flaky')).toMatchObject({ attempts: 3, lastError: null });
    expect(calls).toHaveLength(3);
  } finally {
    await inbox.stop();
  }
});

let markers = 0;
/**
 * Shows that the inbox has polled since now (rather than sleeping and hoping): a marker event
 * recorded now is picked up only by a later poll, which would also have picked up any event due.
 */
async function pollsPass(inbox: InboxService): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const id = `marker-${++markers}`;
    await inbox.record(envelope(id));
    await waitFor(async () => (await row(id)).status === 'done');
  }
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('reports a database failure while recording as an error, not as a duplicate (so the webhook fails and Feishu delivers again)', async () => {
  const inbox = new InboxService(ds, async () => undefined, quiet, OPTIONS, () => Date.UTC(2027, 2, 1));
  // The table is gone: any insert fails, and not because the event was seen before.
  await ds.query('DROP TABLE inbound_events');
  await expect(inbox.record(envelope('evt-lost'))).rejects.toThrow();
});

it('claims an event only once its retry is due when asked to (another worker rescheduled it)', async () => {
  const at = Date.UTC(2027, 2, 1);
  const inbox = new InboxService(ds, async () => undefined, quiet, OPTIONS, () => at);
  const recorded = await inbox.record(envelope('evt-later'));
  const id = (recorded as { id: number }).id;
  await ds.getRepository(InboundEvent).update({ id }, { nextAttemptAt: at + 5000 });
  const transition = { from: 'received' as const, to: 'processing' as const };
  expect(await claim(ds.getRepository(InboundEvent), id, transition, at + 60_000, at)).toBe(false);
  expect((await ds.getRepository(InboundEvent).findOneByOrFail({ id })).status).toBe('received');
  expect(await claim(ds.getRepository(InboundEvent), id, transition, at + 60_000, at + 5000)).toBe(true);
  expect((await ds.getRepository(InboundEvent).findOneByOrFail({ id })).status).toBe('processing');
});
