import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { buttonValue, Driver } from '../helpers/application-driver';
import { visibleText } from '../helpers/card-text';
import { messageEvent } from '../helpers/events';
import { TestClock } from '../helpers/test-clock';

/** Claims of the README that had no test: 近期活动, the 48 h prune, dry-run mode, a 5xx when the event cannot be stored. */

let h: Harness;
afterEach(async () => {
  await h.close();
});

const FILER = 'ou_claims_filer_000000000000000001';

it('近期活动 lists approved activities starting within 30 days of today, and no others', async () => {
  const clock = new TestClock('2027-05-01T10:00:00+08:00');
  h = await startHarness({ clock, env: { CAMPAIGN_YEAR: '2027' } });
  const d = new Driver(h);
  const approve = async (start: string, org: string) => {
    const filed = await d.file(FILER, { org_name: org, start_date: `${start} +0800`, end_date: `${start} +0800` });
    expect(filed.toast.type).toBe('success');
    await h.fake.waitFor(() => d.toUser(ADMIN_OPEN_ID).some((m) => visibleText(m.content).includes(org) && visibleText(m.content).includes('通过')), 'the review card');
    const card = d.toUser(ADMIN_OPEN_ID).filter((m) => visibleText(m.content).includes(org)).pop()!;
    const decided = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, undefined, { messageId: card.messageId });
    expect(decided.toast.type).toBe('success');
  };
  await approve('2027-05-31', '三十天内科协'); // today + 30
  await approve('2027-06-01', '三十一天后科协'); // today + 31
  await d.file(FILER, { org_name: '待审核科协', start_date: '2027-05-20 +0800', end_date: '2027-05-20 +0800' }); // not approved

  const [reply] = await d.ask('近期活动', { senderOpenId: FILER, chatId: `oc_p2p_${FILER}` });
  const text = visibleText(reply.content);
  expect(text).toContain('三十天内科协');
  expect(text).not.toContain('三十一天后科协');
  expect(text).not.toContain('待审核科协');
  // Someone else's private 近期活动 shows only their own (none).
  const [other] = await d.ask('近期活动', { senderOpenId: 'ou_claims_other_00000000000000001', chatId: 'oc_p2p_claims_other' });
  expect(visibleText(other.content)).not.toContain('三十天内科协');
});

it('keeps a handled event 48 h (a redelivery meanwhile is recognised), then prunes it', async () => {
  const clock = new TestClock(Date.now());
  h = await startHarness({ clock });
  const d = new Driver(h);
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  const replies = () => d.repliesTo(evt.event.message.message_id);
  await h.post('/feishu/events', evt);
  await h.fake.waitFor(() => replies().length === 1, 'the reply');
  await h.fake.waitFor(async () => (await h.bot.ds.getRepository(InboundEvent).findOneBy({ eventId: evt.header.event_id }))?.status === 'done', 'the event done');

  clock.advance(47 * 3600_000);
  expect(await h.bot.inbox.prune(48 * 3600_000)).toBe(0);
  expect((await h.post('/feishu/events', { ...evt, header: { ...evt.header, event_id: `${evt.header.event_id}x` } })).status).toBe(200);
  expect(await h.bot.ds.getRepository(InboundEvent).count()).toBe(1);
  clock.advance(2 * 3600_000);
  expect(await h.bot.inbox.prune(48 * 3600_000)).toBe(1);
  expect(await h.bot.ds.getRepository(InboundEvent).count()).toBe(0);
});

it('answers 5xx (so Feishu retries) when the event cannot be stored, and handles the retry once storage is back', async () => {
  h = await startHarness();
  const d = new Driver(h);
  await h.bot.ds.query('ALTER TABLE inbound_events RENAME TO inbound_events_away');
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  const res = await h.post('/feishu/events', evt);
  expect(res.status).toBeGreaterThanOrEqual(500);
  await h.bot.ds.query('ALTER TABLE inbound_events_away RENAME TO inbound_events');
  expect((await h.post('/feishu/events', evt)).status).toBe(200);
  await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the reply to the retry');
});

it('runs in dry-run mode without credentials: accepts events, sends nothing, logs what it would have sent', async () => {
  h = await startHarness({ env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' } });
  expect(h.config.dryRun).toBe(true);
  const health = await fetch(`${h.url}/healthz`).then((r) => r.json());
  expect(health).toMatchObject({ status: 'ok', platform: 'dry-run' });
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect((await h.post('/feishu/events', evt)).status).toBe(200);
  await h.fake.waitFor(() => h.logs.some((l) => l.includes(evt.event.message.message_id) && l.includes('dry-run')), 'the logged reply');
  expect(h.fake.calls).toHaveLength(0);
});
