import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { createLogger } from '../../src/logger';
import type { FeishuEnvelope } from '../../src/platform/feishu/inbound';
import { DEFAULT_INBOX_OPTIONS, dedupKeyOf, InboxOptions, InboxService } from '../../src/services/inbox-service';
import { payloadFixture } from '../helpers/feishu-signer';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/** An envelope as verifyInbound produces it from a v2 fixture. */
function envelopeFrom(fixture: string, eventId?: string): FeishuEnvelope {
  const p = payloadFixture(fixture);
  return {
    schema: '2.0',
    eventId: eventId ?? p.header.event_id,
    eventType: p.header.event_type,
    tenantKey: p.header.tenant_key,
    event: p.event,
  };
}

describe('dedupKeyOf', () => {
  it('keys a message event by its message_id', () => {
    const envelope = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json');
    expect(dedupKeyOf(envelope)).toBe('msg:om_7d2a30e34eddaee786167d98f499f7f0');
  });

  it('gives the same key to one message delivered under two event ids', () => {
    const first = envelopeFrom('im.message.receive_v1.group_mention.doc.json', 'event-id-first');
    const again = envelopeFrom('im.message.receive_v1.group_mention.doc.json', 'event-id-second');
    expect(dedupKeyOf(first)).toBe(dedupKeyOf(again));
    expect(dedupKeyOf(first)).toBe('msg:om_5ce6d572455d361153b7cb51da133945');
  });

  it('gives different messages different keys', () => {
    const a = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json');
    const b = envelopeFrom('im.message.receive_v1.p2p_text.captured_ws.json');
    expect(dedupKeyOf(a)).not.toBe(dedupKeyOf(b));
  });

  it('keys other events by their event id', () => {
    const added = envelopeFrom('im.chat.member.bot.added_v1.doc.json');
    expect(dedupKeyOf(added)).toBe('evt:5e3702a84e847582be8db7fb73283c02');
    expect(dedupKeyOf({ ...added, eventId: 'another' })).toBe('evt:another');
  });

  it('keys a card action by its event id', () => {
    const action = envelopeFrom('card.action.trigger.form_submit.doc.json');
    expect(dedupKeyOf(action)).toBe(`evt:${action.eventId}`);
  });

  it('keys a v1 envelope by its uuid (the eventId)', () => {
    const p = payloadFixture('p2p_chat_create.v1.doc.json');
    const v1: FeishuEnvelope = { schema: '1.0', eventId: p.uuid, eventType: p.event.type, tenantKey: p.event.tenant_key, event: p.event };
    expect(dedupKeyOf(v1)).toBe('evt:bc447199585340d1f3728d26b1c0297a');
  });

  it('falls back to the event id for a message event without a message_id', () => {
    const envelope = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json', 'evt-no-message');
    const { message_id: _dropped, ...message } = envelope.event.message;
    expect(dedupKeyOf({ ...envelope, event: { ...envelope.event, message } })).toBe('evt:evt-no-message');
    expect(dedupKeyOf({ ...envelope, event: { ...envelope.event, message: { ...message, message_id: '' } } })).toBe('evt:evt-no-message');
    expect(dedupKeyOf({ ...envelope, event: {} })).toBe('evt:evt-no-message');
  });

  it('keys an event without a body, or with a message_id that is not a string, by its event id', () => {
    expect(dedupKeyOf({ schema: '2.0', eventId: 'evt-bare', eventType: 'im.message.receive_v1', tenantKey: 't' } as FeishuEnvelope)).toBe('evt:evt-bare');
    const numbered = { schema: '2.0', eventId: 'evt-number', eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: 42 } } };
    expect(dedupKeyOf(numbered as unknown as FeishuEnvelope)).toBe('evt:evt-number');
  });

  it('does not key a non-message event by a message_id it happens to carry', () => {
    const envelope = envelopeFrom('im.chat.member.bot.added_v1.doc.json');
    const withMessage = { ...envelope, event: { ...envelope.event, message: { message_id: 'om_x' } } };
    expect(dedupKeyOf(withMessage)).toBe(`evt:${envelope.eventId}`);
  });

  it('fits the 160-character dedup_key column for realistic ids', () => {
    const envelope = envelopeFrom('im.message.receive_v1.p2p_text.captured_ws.json');
    expect(dedupKeyOf(envelope).length).toBeLessThanOrEqual(160);
  });
});

/**
 * The inbox's own loop on a real SQLite database: what it takes (due events, oldest first, at
 * most `concurrency` at once), what `schedule` adds, and what `stop` waits for. Handlers are
 * gated so that the test decides when they end.
 */
describe('the inbox loop', () => {
  let ds: DataSource;
  beforeEach(async () => {
    ds = await openTempDatabase('innovation-bot-inbox-loop-');
  });
  afterEach(async () => {
    await closeTempDatabase(ds);
  });

  const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const NOW = Date.UTC(2027, 2, 1, 1, 0, 0);
  /** Polls rarely: what a test sees within its time is the first poll, or `schedule`. */
  const RARE: InboxOptions = { ...DEFAULT_INBOX_OPTIONS, pollIntervalMs: 3600_000, concurrency: 1 };
  const envelope = (eventId: string): FeishuEnvelope => ({ schema: '2.0', eventId, eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: `om_${eventId}`, chat_id: 'oc_1' } } });
  const row = (eventId: string) => ds.getRepository(InboundEvent).findOneByOrFail({ eventId });
  const idOf = (recorded: Awaited<ReturnType<InboxService['record']>>): number => {
    if (recorded.status !== 'new') throw new Error('recorded as a duplicate');
    return recorded.id;
  };

  /** An inbox whose handler records each event and holds those named in `held` until released. */
  function inbox(opts: InboxOptions, held: string[] = []) {
    const dispatched: string[] = [];
    const finished: string[] = [];
    const gates = new Map<string, () => void>();
    let inFlight = 0;
    let maxInFlight = 0;
    const service = new InboxService(
      ds,
      async (evt) => {
        dispatched.push(evt.eventId);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        if (held.includes(evt.eventId)) await new Promise<void>((resolve) => gates.set(evt.eventId, resolve));
        inFlight -= 1;
        finished.push(evt.eventId);
      },
      quiet,
      opts,
      () => NOW,
    );
    const release = (eventId: string) => {
      gates.get(eventId)!();
      gates.delete(eventId);
    };
    return { service, dispatched, finished, release, held: () => [...gates.keys()], maxInFlight: () => maxInFlight };
  }

  it('processes a scheduled event at once, without waiting for the next poll', async () => {
    const { service, finished } = inbox(RARE);
    await service.record(envelope('evt-before'));
    service.start();
    try {
      // The first poll has run (it took the event recorded before start); the next is an hour away.
      await waitFor(async () => finished.includes('evt-before'));
      const recorded = await service.record(envelope('evt-new'));
      service.schedule(idOf(recorded));
      await waitFor(async () => (await row('evt-new')).status === 'done');
      expect(finished).toEqual(['evt-before', 'evt-new']);
    } finally {
      await service.stop();
    }
  });

  it('ignores a schedule while stopped: after start the events waiting are taken oldest first', async () => {
    const { service, dispatched } = inbox(RARE);
    await service.record(envelope('evt-older'));
    const newer = await service.record(envelope('evt-newer'));
    service.schedule(idOf(newer));
    expect(dispatched).toEqual([]);
    service.start();
    try {
      await waitFor(async () => dispatched.length === 2);
      expect(dispatched).toEqual(['evt-older', 'evt-newer']);
    } finally {
      await service.stop();
    }
  });

  it('takes due events in the order they arrived, a retry that is due again included', async () => {
    const { service, dispatched } = inbox(RARE);
    const first = await service.record(envelope('evt-first'));
    await service.record(envelope('evt-second'));
    // The first failed once and is due again now; the second has been due for a while.
    await ds.getRepository(InboundEvent).update({ id: idOf(first) }, { attempts: 1, nextAttemptAt: NOW, lastError: 'flaky' });
    await ds.getRepository(InboundEvent).update({ eventId: 'evt-second' }, { nextAttemptAt: NOW - 60_000 });
    service.start();
    try {
      await waitFor(async () => dispatched.length === 2);
      expect(dispatched).toEqual(['evt-first', 'evt-second']);
    } finally {
      await service.stop();
    }
  });

  it('finds a due event behind a long history of finished ones', async () => {
    const repo = ds.getRepository(InboundEvent);
    // More finished events than one poll reads (200): the prune keeps 48 hours of them.
    for (let chunk = 0; chunk < 5; chunk++) {
      await repo.insert(
        Array.from({ length: 50 }, (_, i) => {
          const eventId = `evt-old-${chunk * 50 + i}`;
          return {
            tenantKey: 't', platform: 'feishu', dedupKey: `evt:${eventId}`, eventId, eventType: 'im.message.receive_v1', payload: '{}',
            status: i % 10 === 0 ? ('failed' as const) : ('done' as const), attempts: 1, abandonedClaims: 0, nextAttemptAt: NOW - 3600_000,
            leaseUntil: null, lastError: null, receivedAt: NOW - 3600_000, processedAt: NOW - 3600_000,
          };
        }),
      );
    }
    const { service, dispatched } = inbox(RARE);
    await service.record(envelope('evt-waiting'));
    service.start();
    try {
      await waitFor(async () => (await row('evt-waiting')).status === 'done');
      expect(dispatched).toEqual(['evt-waiting']);
    } finally {
      await service.stop();
    }
  });

  it('never has more than `concurrency` events under way', async () => {
    const names = ['evt-a', 'evt-b', 'evt-c', 'evt-d', 'evt-e'];
    const { service, finished, release, held, maxInFlight } = inbox({ ...RARE, pollIntervalMs: 10, concurrency: 2 }, names);
    for (const name of names) await service.record(envelope(name));
    service.start();
    try {
      while (finished.length < names.length) {
        await waitFor(async () => held().length > 0);
        // Time for any more to start (they would, were the limit not kept), then let those held go.
        await new Promise((r) => setTimeout(r, 100));
        expect(held().length).toBeLessThanOrEqual(2);
        for (const name of held()) release(name);
        await waitFor(async () => held().length > 0 || finished.length === names.length);
      }
      expect(maxInFlight()).toBe(2);
      expect([...finished].sort()).toEqual(names);
    } finally {
      for (const name of held()) release(name);
      await service.stop();
    }
  });

  it('stop waits for an event under way, also one scheduled again while it runs', async () => {
    const { service, dispatched, finished, release, held } = inbox({ ...RARE, concurrency: 2 }, ['evt-slow']);
    const slow = await service.record(envelope('evt-slow'));
    service.start();
    let stopping: Promise<unknown> | undefined;
    try {
      await waitFor(async () => dispatched.includes('evt-slow'));
      // A late schedule of the event under way (the webhook's, after the first poll took it) is a no-op.
      service.schedule(idOf(slow));
      // A marker scheduled after it has been processed: the inbox has dealt with that schedule.
      service.schedule(idOf(await service.record(envelope('evt-marker'))));
      await waitFor(async () => (await row('evt-marker')).status === 'done');
      expect(dispatched).toEqual(['evt-slow', 'evt-marker']);
      const order: string[] = [];
      stopping = service.stop().then(() => order.push('stopped'));
      await new Promise((r) => setTimeout(r, 100));
      order.push('released');
      release('evt-slow');
      await stopping;
      expect(order).toEqual(['released', 'stopped']);
      expect(finished).toEqual(['evt-marker', 'evt-slow']);
      expect((await row('evt-slow')).status).toBe('done');
    } finally {
      for (const name of held()) release(name);
      await (stopping ?? service.stop());
    }
  });
});

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
