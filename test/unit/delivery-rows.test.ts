import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import type { FeishuEnvelope } from '../../src/platform/feishu/inbound';
import { InboxService } from '../../src/services/inbox-service';
import { idempotencyKeyOf, OutboxService } from '../../src/services/outbox-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * What the inbox and the outbox store for each event and message (on a real SQLite database,
 * neither service started): the platform a row belongs to decides who delivers its answer
 * (issue 12), and the outbox's key is what Feishu's `uuid` deduplicates on.
 */

const NOW = Date.parse('2027-06-15T02:00:00Z');
const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('innovation-bot-rows-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

const envelope = (eventId: string): FeishuEnvelope => ({ schema: '2.0', eventId, eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: `om_${eventId}`, chat_id: 'oc_1' } } });

it('records an event as Feishu’s unless another platform is named, once per message', async () => {
  const inbox = new InboxService(ds, async () => undefined, quiet, undefined, () => NOW);
  expect(await inbox.record(envelope('e1'))).toEqual({ status: 'new', id: expect.any(Number) });
  expect(await inbox.record(envelope('e2'), 'dingtalk')).toEqual({ status: 'new', id: expect.any(Number) });
  expect(await inbox.record(envelope('e1'))).toEqual({ status: 'duplicate' });
  const rows = await ds.getRepository(InboundEvent).find({ order: { id: 'ASC' } });
  expect(rows.map((r) => [r.eventId, r.platform, r.status, r.dedupKey, r.receivedAt])).toEqual([
    ['e1', 'feishu', 'received', 'msg:om_e1', NOW],
    ['e2', 'dingtalk', 'received', 'msg:om_e2', NOW],
  ]);
});

it('queues a message for Feishu unless another platform is named', async () => {
  const outbox = new OutboxService(ds, new DryRunPlatform(quiet), quiet, undefined, () => NOW);
  await outbox.sendToChat({ tenantKey: 't', key: 'a' }, 'oc_1', { type: 'text', text: '一' });
  await outbox.sendToChat({ tenantKey: 't', key: 'b', platform: 'dingtalk' }, 'cid_1', { type: 'text', text: '二' });
  const rows = await ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
  expect(rows.map((r) => [r.platform, r.operation, r.target, r.rateKey, r.status])).toEqual([
    ['feishu', 'send_chat', 'oc_1', 'chat:oc_1', 'pending'],
    ['dingtalk', 'send_chat', 'cid_1', 'chat:cid_1', 'pending'],
  ]);
});

it('keys a message by tenant and key: 40 URL-safe characters (Feishu’s uuid takes at most 50), the same each time', () => {
  const key = idempotencyKeyOf('t', 'reply:evt_1');
  expect(key).toMatch(/^[A-Za-z0-9_-]{40}$/);
  expect(idempotencyKeyOf('t', 'reply:evt_1')).toBe(key);
  expect(idempotencyKeyOf('t2', 'reply:evt_1')).not.toBe(key);
  expect(idempotencyKeyOf('t', 'reply:evt_2')).not.toBe(key);
  // Tenant and key do not run together.
  expect(idempotencyKeyOf('ab', 'c')).not.toBe(idempotencyKeyOf('a', 'bc'));
});
