import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { InboundEvent, InboundStatus } from '../../src/db/entities/inbound-event.entity';
import { OutboxMessage, OutboxStatus } from '../../src/db/entities/outbox-message.entity';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { InboxService } from '../../src/services/inbox-service';
import { idempotencyKeyOf, OutboxService } from '../../src/services/outbox-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * What the daily prune forgets (bot.ts: the inbox after 48 h, the outbox after 15 days), on a
 * real SQLite database: only finished rows, and only those older than the age given. A row
 * still waiting or under way is kept whatever its age (forgetting it would lose the work, or,
 * for the inbox, let a redelivery of it be handled twice). Neither service is started.
 */

const NOW = Date.parse('2027-06-15T02:00:00Z');
const HOUR = 3600_000;
const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('innovation-bot-prune-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

async function event(eventId: string, status: InboundStatus, receivedAt: number): Promise<void> {
  await ds.getRepository(InboundEvent).insert({
    tenantKey: 't', platform: 'feishu', dedupKey: `evt:${eventId}`, eventId, eventType: 'im.message.receive_v1', payload: '{}',
    status, attempts: 1, abandonedClaims: 0, nextAttemptAt: receivedAt, leaseUntil: null, lastError: null, receivedAt, processedAt: null,
  });
}

async function message(key: string, status: OutboxStatus, createdAt: number): Promise<void> {
  await ds.getRepository(OutboxMessage).insert({
    tenantKey: 't', platform: 'feishu', idempotencyKey: idempotencyKeyOf('t', key), operation: 'send_chat', target: 'oc_1', rateKey: 'chat:oc_1',
    payload: JSON.stringify({ type: 'text', text: key }), status, attempts: 1, nextAttemptAt: createdAt, leaseUntil: null,
    lastError: null, createdAt, sentAt: null, resultId: null,
  });
}

it('forgets handled and failed events older than the age given, and nothing else', async () => {
  const inbox = new InboxService(ds, async () => undefined, quiet, undefined, () => NOW);
  await event('old-done', 'done', NOW - 49 * HOUR);
  await event('old-failed', 'failed', NOW - 49 * HOUR);
  await event('old-waiting', 'received', NOW - 49 * HOUR);
  await event('old-under-way', 'processing', NOW - 49 * HOUR);
  await event('exactly-48h', 'done', NOW - 48 * HOUR);
  await event('young-done', 'done', NOW - 47 * HOUR);

  expect(await inbox.prune(48 * HOUR)).toBe(2);
  const left = await ds.getRepository(InboundEvent).find({ order: { id: 'ASC' } });
  expect(left.map((e) => e.eventId)).toEqual(['old-waiting', 'old-under-way', 'exactly-48h', 'young-done']);
  expect(await inbox.prune(48 * HOUR)).toBe(0);
});

it('forgets sent and failed messages older than the age given, and nothing else', async () => {
  const outbox = new OutboxService(ds, new DryRunPlatform(quiet), quiet, undefined, () => NOW);
  const DAYS_15 = 15 * 24 * HOUR;
  await message('old-sent', 'sent', NOW - DAYS_15 - HOUR);
  await message('old-failed', 'failed', NOW - DAYS_15 - HOUR);
  await message('old-pending', 'pending', NOW - DAYS_15 - HOUR);
  await message('old-sending', 'sending', NOW - DAYS_15 - HOUR);
  await message('exactly-15d', 'sent', NOW - DAYS_15);
  await message('young-sent', 'sent', NOW - DAYS_15 + HOUR);

  expect(await outbox.prune(DAYS_15)).toBe(2);
  const left = await ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
  expect(left.map((m) => JSON.parse(m.payload).text)).toEqual(['old-pending', 'old-sending', 'exactly-15d', 'young-sent']);
  expect(await outbox.prune(DAYS_15)).toBe(0);
});
