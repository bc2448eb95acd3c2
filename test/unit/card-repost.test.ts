import type { DataSource } from 'typeorm';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { CARD_REPOSTED_NOTICE, idempotencyKeyOf, OutboxService } from '../../src/services/outbox-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The outbox's one rule for old cards (issue 11 item 4), on a real SQLite database: a card it
 * sent more than 13 days ago is re-sent to the same chat or person instead of patched, later
 * updates follow the re-post, and a re-post not yet delivered goes out with the newest card.
 * The outbox is not started: what is asserted is what was queued. (End to end through the HTTP
 * surface: test/integration/report-card-age.test.ts.)
 */

const TENANT = 'tenant-repost';
const DAY = 86_400_000;
const NOW = Date.parse('2027-06-15T02:00:00Z');

let ds: DataSource;
let outbox: OutboxService;

beforeEach(async () => {
  ds = await openTempDatabase('card-repost-');
  outbox = new OutboxService(ds, new DryRunPlatform(createLogger('silent')), createLogger('silent'), undefined, () => NOW);
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

/** A card this outbox delivered `daysAgo` days ago, as Feishu's `messageId`. */
async function sent(key: string, operation: 'send_chat' | 'send_user' | 'reply', target: string, rateKey: string, messageId: string, daysAgo: number) {
  const at = NOW - daysAgo * DAY;
  await ds.getRepository(OutboxMessage).insert({
    tenantKey: TENANT, platform: 'feishu', idempotencyKey: idempotencyKeyOf(TENANT, key), operation, target, rateKey,
    payload: JSON.stringify({ type: 'card', card: { v: 0 } }), status: 'sent', attempts: 1, nextAttemptAt: at, leaseUntil: null,
    lastError: null, createdAt: at, sentAt: at, resultId: messageId,
  });
}

/** What is queued, with the rate key the outbox orders and paces it by (one chat, person or card each). */
const queued = async () =>
  (await ds.getRepository(OutboxMessage).find({ where: { status: 'pending' }, order: { id: 'ASC' } })).map((r) => ({
    operation: r.operation, target: r.target, rateKey: r.rateKey, payload: JSON.parse(r.payload),
  }));

/** A re-post of `messageId` (the row queued under `repost:<messageId>`) in `status`, delivered as `resultId`. */
async function repost(messageId: string, status: 'pending' | 'sending' | 'sent' | 'failed', resultId: string | null) {
  await ds.getRepository(OutboxMessage).insert({
    tenantKey: TENANT, platform: 'feishu', idempotencyKey: idempotencyKeyOf(TENANT, `repost:${messageId}`), operation: 'send_chat', target: 'oc_centre', rateKey: 'chat:oc_centre',
    payload: JSON.stringify({ type: 'card', card: { v: 1 } }), status, attempts: status === 'pending' ? 0 : 1, nextAttemptAt: NOW, leaseUntil: status === 'sending' ? NOW + 30_000 : null,
    lastError: status === 'failed' ? 'open api 400' : null, createdAt: NOW, sentAt: status === 'sent' ? NOW : null, resultId,
  });
}

it('patches a card sent 12 days ago', async () => {
  await sent('progress', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_young', 12);
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v2' }, 'om_young', { v: 2 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_young', rateKey: 'msg:om_young', payload: { type: 'card', card: { v: 2 } } }]);
});

it('re-sends a card older than 13 days to the chat a reply was in, says why, and follows the re-post afterwards', async () => {
  await sent('form-reply', 'reply', 'om_asked', 'chat:oc_admin_p2p', 'om_old', 14);
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v2' }, 'om_old', { v: 2 });
  expect(await queued()).toEqual([
    { operation: 'send_chat', target: 'oc_admin_p2p', rateKey: 'chat:oc_admin_p2p', payload: { type: 'text', text: CARD_REPOSTED_NOTICE } },
    { operation: 'send_chat', target: 'oc_admin_p2p', rateKey: 'chat:oc_admin_p2p', payload: { type: 'card', card: { v: 2 } } },
  ]);

  // Another change before the re-post went out: nothing new is queued, the re-post carries it.
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v3' }, 'om_old', { v: 3 });
  const rows = await queued();
  expect(rows).toHaveLength(2);
  expect(rows[1].payload).toEqual({ type: 'card', card: { v: 3 } });

  // Once the re-post is delivered, updates of the old card patch the new one.
  await ds.getRepository(OutboxMessage).update({ idempotencyKey: idempotencyKeyOf(TENANT, 'repost:om_old') }, { status: 'sent', sentAt: NOW, resultId: 'om_new' });
  await ds.getRepository(OutboxMessage).update({ status: 'pending' }, { status: 'sent' });
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v4' }, 'om_old', { v: 4 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_new', rateKey: 'msg:om_new', payload: { type: 'card', card: { v: 4 } } }]);
});

it('re-sends an old private card to the person', async () => {
  await sent('review', 'send_user', 'ou_admin', 'user:ou_admin', 'om_private', 20);
  await outbox.updateCard({ tenantKey: TENANT, key: 'review:v5' }, 'om_private', { v: 5 });
  expect((await queued()).map((r) => [r.operation, r.target, r.rateKey])).toEqual([
    ['send_user', 'ou_admin', 'user:ou_admin'],
    ['send_user', 'ou_admin', 'user:ou_admin'],
  ]);
});

it('patches a message it did not send (its age is unknown)', async () => {
  await outbox.updateCard({ tenantKey: TENANT, key: 'x:v1' }, 'om_elsewhere', { v: 1 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_elsewhere', rateKey: 'msg:om_elsewhere', payload: { type: 'card', card: { v: 1 } } }]);
});

it('patches a card sent exactly 13 days ago, re-sends one a millisecond older to the chat it was sent to', async () => {
  await sent('on-the-day', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_day13', 13);
  await outbox.updateCard({ tenantKey: TENANT, key: 'on-the-day:v2' }, 'om_day13', { v: 2 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_day13', rateKey: 'msg:om_day13', payload: { type: 'card', card: { v: 2 } } }]);
  await ds.getRepository(OutboxMessage).update({ status: 'pending' }, { status: 'sent' });

  await sent('a-moment-older', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_older', 13 + 1 / DAY);
  await outbox.updateCard({ tenantKey: TENANT, key: 'a-moment-older:v2' }, 'om_older', { v: 2 });
  expect(await queued()).toEqual([
    { operation: 'send_chat', target: 'oc_centre', rateKey: 'chat:oc_centre', payload: { type: 'text', text: CARD_REPOSTED_NOTICE } },
    { operation: 'send_chat', target: 'oc_centre', rateKey: 'chat:oc_centre', payload: { type: 'card', card: { v: 2 } } },
  ]);
});

it('re-sends two old cards each with its own notice', async () => {
  await sent('first', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_first', 20);
  await sent('second', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_second', 20);
  await outbox.updateCard({ tenantKey: TENANT, key: 'first:v2' }, 'om_first', { v: 'first' });
  await outbox.updateCard({ tenantKey: TENANT, key: 'second:v2' }, 'om_second', { v: 'second' });
  expect((await queued()).map((r) => r.payload)).toEqual([
    { type: 'text', text: CARD_REPOSTED_NOTICE },
    { type: 'card', card: { v: 'first' } },
    { type: 'text', text: CARD_REPOSTED_NOTICE },
    { type: 'card', card: { v: 'second' } },
  ]);
});

it('gives a re-post already being sent the newest card for its retry, and queues a patch of it behind it', async () => {
  await sent('progress', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_old', 14);
  await repost('om_old', 'sending', null);
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v3' }, 'om_old', { v: 3 });
  // Its sender may have read the older card: once it is sent, the card it got is patched.
  expect(await queued()).toEqual([
    { operation: 'update_sent', target: idempotencyKeyOf(TENANT, 'repost:om_old'), rateKey: 'chat:oc_centre', payload: { type: 'card', card: { v: 3 } } },
  ]);
  const row = await ds.getRepository(OutboxMessage).findOneByOrFail({ idempotencyKey: idempotencyKeyOf(TENANT, 'repost:om_old') });
  expect(JSON.parse(row.payload)).toEqual({ type: 'card', card: { v: 3 } });
});

it('patches the old card when its re-post failed for good (rather than drop the update)', async () => {
  await sent('progress', 'send_chat', 'oc_centre', 'chat:oc_centre', 'om_old', 14);
  await repost('om_old', 'failed', null);
  await outbox.updateCard({ tenantKey: TENANT, key: 'progress:v3' }, 'om_old', { v: 3 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_old', rateKey: 'msg:om_old', payload: { type: 'card', card: { v: 3 } } }]);
});

it('follows at most 50 re-posts of a card (a loop in the data cannot hang an update)', async () => {
  // om_0 re-posted as om_1, om_1 as om_2, … om_50 as om_51: all delivered just now.
  for (let i = 0; i <= 50; i += 1) await repost(`om_${i}`, 'sent', `om_${i + 1}`);
  await outbox.updateCard({ tenantKey: TENANT, key: 'long-lived:v52' }, 'om_0', { v: 52 });
  expect(await queued()).toEqual([{ operation: 'update_card', target: 'om_50', rateKey: 'msg:om_50', payload: { type: 'card', card: { v: 52 } } }]);
});
