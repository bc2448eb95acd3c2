import { createDataSource } from '../../src/db/data-source';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { FakeFeishu } from '../helpers/fake-feishu';
import { Harness, startHarness } from '../helpers/bot-harness';
import { messageEvent, newId } from '../helpers/events';
import { TestClock } from '../helpers/test-clock';

/**
 * "A repeated delivery is handled once, a message is sent once" holds through several layers:
 * the inbox's dedup storage, the outbox's keys, claims and leases (inbox and outbox), and
 * Feishu's `uuid`. Each test here takes one layer alone, with the others out of the way (the
 * fake's uuid dedup off, the inbox's record deleted, the workers stopped), so that removing that
 * layer fails its test. On SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set.
 */

const PG_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;
const DATABASES: Array<{ name: string; env: Record<string, string>; reset?: () => Promise<void> }> = [{ name: 'SQLite', env: {} }];
if (PG_URL) {
  DATABASES.push({
    name: 'PostgreSQL',
    env: { DATABASE_URL: PG_URL },
    async reset() {
      const ds = createDataSource(PG_URL);
      await ds.initialize();
      try {
        await ds.query('DROP SCHEMA IF EXISTS public CASCADE');
        await ds.query('CREATE SCHEMA public');
      } finally {
        await ds.destroy();
      }
    },
  });
}

describe.each(DATABASES)('on $name', (db) => {
  let fake: FakeFeishu;
  const open: Harness[] = [];
  /** A bot on the shared database and fake (several may run at once, like instances). */
  const start = async (opts: Parameters<typeof startHarness>[0] = {}): Promise<Harness> => {
    const h = await startHarness({ fake, dbDir: open[0]?.dbDir, ...opts, env: { ...db.env, ...opts.env } });
    open.push(h);
    return h;
  };

  beforeEach(async () => {
    await db.reset?.();
    fake = await new FakeFeishu().start();
    // Feishu's uuid rule out of the way: every send the bot makes shows up as a delivery.
    fake.dedupByUuid = false;
  });
  afterEach(async () => {
    for (const h of open.reverse()) await h.close();
    open.length = 0;
    await fake.stop();
    if (fake.violations.length) throw new Error(fake.violations.join('\n'));
  });

  const replies = () => fake.delivered.filter((m) => m.kind === 'reply');
  const inboxRows = (h: Harness) => h.bot.ds.getRepository(InboundEvent).find({ order: { id: 'ASC' } });
  const outboxRows = (h: Harness) => h.bot.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });

  it('inbox: stores one message delivered under three event ids once (nothing processes it meanwhile)', async () => {
    const h = await start();
    await h.bot.inbox.stop(); // processing out of the way: only the storage layer acts
    const messageId = newId('om_');
    for (let i = 0; i < 3; i += 1) {
      expect((await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p', messageId }))).status).toBe(200);
    }
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', evt);
    await h.post('/feishu/events', evt); // the same event id twice
    const rows = await inboxRows(h);
    expect(rows.map((r) => r.dedupKey)).toEqual([`msg:${messageId}`, `msg:${evt.event.message.message_id}`]);
  });

  it('outbox keys: handling the same message again queues its reply once (the inbox record gone, uuid dedup off)', async () => {
    const h = await start();
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', evt);
    await fake.waitFor(() => replies().length === 1, 'the first reply');
    // The inbox forgets it (as after its 48 h prune), so the handler runs a second time.
    await h.bot.ds.getRepository(InboundEvent).clear();
    await h.post('/feishu/events', { ...evt, header: { ...evt.header, event_id: newId('') } });
    // A later message, answered after the repeat was handled (the inbox works in order of arrival).
    const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', marker);
    await fake.waitFor(() => replies().some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
    await fake.waitFor(async () => (await inboxRows(h)).every((r) => r.status === 'done'), 'the repeat handled');
    expect(replies().filter((m) => m.parentId === evt.event.message.message_id)).toHaveLength(1);
    expect((await outboxRows(h)).filter((r) => r.target === evt.event.message.message_id)).toHaveLength(1);
  });

  it('uuid: a message whose answer was lost is resent under the same uuid (so Feishu keeps one)', async () => {
    const h = await start();
    fake.failures.push({ status: 200, deliverThenDelayMs: 3000 }); // delivered, but the answer comes after the 2 s timeout
    await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'lost-answer' }, 'oc_chat_1', { type: 'text', text: '只发一次' });
    await fake.waitFor(() => fake.messageCalls().length >= 2, 'the resend');
    const [first, second] = fake.messageCalls();
    expect(second.body.uuid).toBe(first.body.uuid);
    expect(first.body.uuid).toMatch(/^[\w-]{1,50}$/);
  });

  it('outbox claims: two instances starting on the same queue send each message once', async () => {
    const a = await start();
    const b = await start();
    await a.bot.outbox.stop();
    await b.bot.outbox.stop();
    for (let i = 0; i < 20; i += 1) await a.bot.outbox.sendToChat({ tenantKey: 't', key: `m${i}` }, `oc_chat_${i}`, { type: 'text', text: `第 ${i} 条` });
    a.bot.outbox.start();
    b.bot.outbox.start();
    await fake.waitFor(async () => (await outboxRows(a)).every((r) => r.status === 'sent'), 'every message sent');
    expect(fake.delivered).toHaveLength(20);
    expect(new Set(fake.delivered.map((m) => m.receiveId)).size).toBe(20);
  });

  it('outbox leases: a message another instance is sending is left alone until its lease runs out', async () => {
    const clock = new TestClock(Date.now());
    const h = await start({ clock });
    await h.bot.outbox.stop();
    await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'held' }, 'oc_held_chat', { type: 'text', text: '被别的实例占用' });
    // Another instance claimed it a moment ago and is still within its lease.
    await h.bot.ds.getRepository(OutboxMessage).update({ target: 'oc_held_chat' }, { status: 'sending', leaseUntil: clock.now() + 60_000, attempts: 1 });
    h.bot.outbox.start();
    // A second later (well within the lease) the worker's next pass looks for expired claims
    // first (at most once per poll interval), then sends the marker: after the marker, that
    // look has happened.
    clock.advance(1000);
    await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'marker' }, 'oc_marker_chat', { type: 'text', text: '标记' });
    await fake.waitFor(() => fake.delivered.some((m) => m.receiveId === 'oc_marker_chat'), 'the marker');
    expect((await outboxRows(h)).find((r) => r.target === 'oc_held_chat')!.status).toBe('sending');
    expect(fake.delivered.filter((m) => m.receiveId === 'oc_held_chat')).toHaveLength(0);
    // The other instance died: once its lease has run out, this one sends the message, once.
    clock.advance(61_000);
    await fake.waitFor(() => fake.delivered.some((m) => m.receiveId === 'oc_held_chat'), 'the message after the lease');
    expect(fake.delivered.filter((m) => m.receiveId === 'oc_held_chat')).toHaveLength(1);
  });

  it('inbox claims: two instances starting on the same recorded events process each once', async () => {
    const a = await start();
    const b = await start();
    await a.bot.inbox.stop();
    await b.bot.inbox.stop();
    for (let i = 0; i < 10; i += 1) await a.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    a.bot.inbox.start();
    b.bot.inbox.start();
    await fake.waitFor(async () => (await inboxRows(a)).every((r) => r.status === 'done'), 'every event processed');
    // Each event was claimed (and so processed) by one instance: one attempt each.
    expect((await inboxRows(a)).map((r) => r.attempts)).toEqual(Array(10).fill(1));
  });
});
