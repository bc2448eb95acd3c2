import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { FakeFeishu } from '../helpers/fake-feishu';
import { Harness, startHarness } from '../helpers/bot-harness';
import { messageEvent, newId } from '../helpers/events';
import { waitUntilIdle } from '../helpers/idle';

/** Deliveries repeat; sends fail. Each message is still answered exactly once. */

let h: Harness;
afterEach(async () => {
  await h.close();
});

const replies = (fake: FakeFeishu) => fake.delivered.filter((m) => m.kind === 'reply');

describe('repeated deliveries (FEISHU.md §1.6)', () => {
  it('answers one message delivered three times, and once more after a restart, exactly once', async () => {
    const fake = await new FakeFeishu().start();
    h = await startHarness({ fake });
    const messageId = newId('om_');
    // Feishu may repeat a message under a new event_id: dedup is by message_id.
    for (let i = 0; i < 3; i += 1) {
      const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p', messageId }));
      expect(res.status).toBe(200);
    }
    await fake.waitFor(() => replies(fake).length === 1, 'the first reply');

    await h.stopBot();
    const again = await startHarness({ fake, dbDir: h.dbDir });
    try {
      const res = await again.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p', messageId }));
      expect(res.status).toBe(200);
      // A later message's reply is the marker: anything the repeat caused would have come by now.
      const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
      await again.post('/feishu/events', marker);
      await fake.waitFor(() => replies(fake).some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
      expect(replies(fake).filter((m) => m.parentId === messageId)).toHaveLength(1);
    } finally {
      await again.close();
      await fake.stop();
    }
  });

  it('treats the same event_id delivered twice as one event', async () => {
    h = await startHarness();
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', evt);
    await h.post('/feishu/events', evt);
    await h.fake.waitFor(() => replies(h.fake).length === 1, 'the reply');
    const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', marker);
    await h.fake.waitFor(() => replies(h.fake).some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
    expect(replies(h.fake).filter((m) => m.parentId === evt.event.message.message_id)).toHaveLength(1);
  });

  it('processes an event recorded before a crash when the bot comes back', async () => {
    // The bot stops right after acknowledging: the event is recorded but not yet processed.
    const fake = await new FakeFeishu().start();
    h = await startHarness({ fake });
    await h.bot.inbox.stop();
    const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    expect(res.status).toBe(200);
    await h.stopBot();
    expect(replies(fake)).toHaveLength(0);

    const again = await startHarness({ fake, dbDir: h.dbDir });
    try {
      await fake.waitFor(() => replies(fake).length === 1, 'the reply after restart');
    } finally {
      await again.close();
      await fake.stop();
    }
  });
});

describe('outbound retries', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  const outbox = () => h.bot.ds.getRepository(OutboxMessage);

  it('delivers exactly once when the Open API first answers 500, then 429', async () => {
    h.fake.failures.push(
      { status: 500, body: { code: 500, msg: 'internal error' } },
      { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '1' } },
    );
    const started = Date.now();
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    await h.fake.waitFor(() => replies(h.fake).length === 1, 'the reply after retries');
    // The 429 asked for a one-second pause, and it was honoured.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.fake.messageCalls()).toHaveLength(3);
    // Every attempt carried the same idempotency key.
    expect(new Set(h.fake.messageCalls().map((c) => c.body.uuid)).size).toBe(1);
    await h.fake.waitFor(async () => (await outbox().findOneBy({}))?.status === 'sent', 'the message marked sent');
    expect((await outbox().findOneByOrFail({})).attempts).toBe(3);
  });

  it("retries the chat's own rate limit (HTTP 400, code 230020)", async () => {
    h.fake.failures.push({ status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit' } });
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    await h.fake.waitFor(() => replies(h.fake).length === 1, 'the reply after the chat limit');
    expect(h.fake.messageCalls()).toHaveLength(2);
  });

  it('does not deliver twice when the answer to a delivered message was lost', async () => {
    // Feishu delivers, but its answer comes after our 2 s timeout: we retry with the same uuid,
    // and Feishu (like the fake) sends nothing new for a uuid it has seen.
    h.fake.failures.push({ status: 200, deliverThenDelayMs: 3000 });
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    await h.fake.waitFor(async () => (await outbox().findOneBy({}))?.status === 'sent', 'the message marked sent');
    const calls = h.fake.messageCalls();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls.map((c) => c.body.uuid)).size).toBe(1);
    expect(replies(h.fake)).toHaveLength(1);
  });

  it('gives up at once on a permanent error and says why', async () => {
    h.fake.failures.push({ status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } });
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    await h.fake.waitFor(() => h.fake.messageCalls().length === 1, 'the failed attempt');
    await waitUntilIdle(h);
    const [row] = await outbox().find();
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('230002');
    expect(h.fake.messageCalls()).toHaveLength(1);
    expect(h.logs.join('')).toContain('send failed for good');
  });

  it('keeps one chat within 5 messages per second, in order', async () => {
    const chatId = 'oc_rate_limited_chat_000000000000001';
    for (let i = 0; i < 12; i += 1) {
      await h.bot.outbox.sendToChat({ tenantKey: 't', key: `burst-${i}` }, chatId, { type: 'text', text: `第 ${i + 1} 条` });
    }
    await h.fake.waitFor(() => h.fake.delivered.length === 12, 'all twelve messages');
    expect(h.fake.delivered.map((m) => m.content.text)).toEqual(Array.from({ length: 12 }, (_, i) => `第 ${i + 1} 条`));
    const stamps = h.fake.messageCalls().map((c) => c.at);
    // No one-second window holds more than five sends to the chat. Unthrottled, all twelve would
    // arrive within a few ms; the allowance covers network and scheduling jitter on a busy machine.
    for (let i = 5; i < stamps.length; i += 1) expect(stamps[i] - stamps[i - 5]).toBeGreaterThanOrEqual(800);
  });

  it('sends to different chats in parallel, not behind a slow one', async () => {
    h.fake.messageDelayMs = 500;
    for (let i = 0; i < 6; i += 1) {
      await h.bot.outbox.sendToChat({ tenantKey: 't', key: `fanout-${i}` }, `oc_chat_${i}_000000000000000000000`, { type: 'text', text: '通知' });
    }
    await h.fake.waitFor(() => h.fake.delivered.length === 6, 'six chats served');
    // Several chats' sends were under way at the same time.
    expect(h.fake.maxInFlight).toBeGreaterThan(1);
  });
});
