import { createDataSource } from '../../src/db/data-source';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { Harness, startHarness } from '../helpers/bot-harness';
import { messageEvent, TENANT_KEY } from '../helpers/events';
import { FakeFeishu } from '../helpers/fake-feishu';
import { waitUntilIdle } from '../helpers/idle';

/** Issue 14: one chat's backlog never starves another; an event that keeps killing its worker is set aside. */

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('fair outbox', () => {
  it('sends a private reply before a 700-message backlog in one group drains', async () => {
    h = await startHarness();
    // Queue everything while the sender is stopped, so the order of sends is decided by the scan alone.
    await h.bot.outbox.stop();
    const group = 'oc_noisy_group_000000000000000000001';
    for (let i = 0; i < 700; i += 1) {
      await h.bot.outbox.sendToChat({ tenantKey: TENANT_KEY, key: `backlog:${i}` }, group, { type: 'text', text: `第 ${i} 条` });
    }
    const person = 'ou_quiet_person_00000000000000000001';
    await h.bot.outbox.sendToUser({ tenantKey: TENANT_KEY, key: 'private-reply' }, person, { type: 'text', text: '您好' });
    h.bot.outbox.start();

    const sends = () => h.fake.delivered.filter((m) => m.kind === 'create');
    await h.fake.waitFor(() => sends().some((m) => m.receiveId === person), 'the private reply');
    const order = sends().map((m) => m.receiveId);
    // The group goes at 5 messages a second; the private reply is among the very first sends.
    expect(order.indexOf(person)).toBeLessThan(10);
    expect(order.filter((r) => r === group).length).toBeLessThan(700);
    // The group's own messages still go out in order.
    const groupTexts = sends().filter((m) => m.receiveId === group).map((m) => m.content.text);
    expect(groupTexts).toEqual(groupTexts.map((_, i) => `第 ${i} 条`));
  });
});

describe('poison inbox events', () => {
  const replyTexts = (fake: FakeFeishu, messageId: string) =>
    fake.delivered.filter((m) => m.kind === 'reply' && m.parentId === messageId).map((m) => m.content?.text ?? m.msgType);

  it('sets aside an event whose worker died three times, tells the sender, and still processes one that died once', async () => {
    const fake = await new FakeFeishu().start();
    h = await startHarness({ fake });
    // Recorded but not processed: the workers "die" before they finish.
    await h.bot.inbox.stop();
    const poison = messageEvent({ text: '帮助', chatType: 'p2p' });
    const unlucky = messageEvent({ text: '帮助', chatType: 'p2p' });
    expect((await h.post('/feishu/events', poison)).status).toBe(200);
    expect((await h.post('/feishu/events', unlucky)).status).toBe(200);
    await h.stopBot();

    // Claimed by workers whose leases ran out: the poison one twice before, plus the claim of
    // the process that just died; the unlucky one only by the process that just died.
    const ds = await createDataSource(`sqlite:${h.dbDir}/bot.sqlite`).initialize();
    const repo = ds.getRepository(InboundEvent);
    const past = Date.now() - 1000;
    await repo.update({ dedupKey: `msg:${poison.event.message.message_id}` }, { status: 'processing', attempts: 3, abandonedClaims: 2, leaseUntil: past });
    await repo.update({ dedupKey: `msg:${unlucky.event.message.message_id}` }, { status: 'processing', attempts: 1, abandonedClaims: 0, leaseUntil: past });
    await ds.destroy();

    const again = await startHarness({ fake, dbDir: h.dbDir });
    try {
      const poisonId = poison.event.message.message_id;
      const unluckyId = unlucky.event.message.message_id;
      await fake.waitFor(() => replyTexts(fake, poisonId).length > 0 && replyTexts(fake, unluckyId).length > 0, 'both answers');
      // Told politely, in Chinese; the command itself was not run again.
      expect(replyTexts(fake, poisonId)).toEqual([expect.stringContaining('多次处理都没能完成')]);
      // The one that died once is processed as usual (the help card).
      expect(replyTexts(fake, unluckyId)).toEqual(['interactive']);

      const rows = await again.bot.ds.getRepository(InboundEvent).find({ order: { id: 'ASC' } });
      expect(rows.map((r) => [r.status, r.abandonedClaims])).toEqual([
        ['failed', 3],
        ['done', 1],
      ]);
      expect(rows[0].lastError).toMatch(/set aside: processing stopped without finishing 3 times/);
      expect(again.logs.join('')).toMatch(/poison event set aside/);

      // Never retried: a later message, the marker, is answered, and the set-aside one is left alone.
      const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
      expect((await again.post('/feishu/events', marker)).status).toBe(200);
      await fake.waitFor(() => replyTexts(fake, marker.event.message.message_id).length > 0, 'the answer to the marker');
      await waitUntilIdle(again);
      expect(replyTexts(fake, poisonId)).toHaveLength(1);
      expect((await again.bot.ds.getRepository(InboundEvent).findOneByOrFail({ id: rows[0].id })).status).toBe('failed');
    } finally {
      await again.close();
      await fake.stop();
    }
  });
});
