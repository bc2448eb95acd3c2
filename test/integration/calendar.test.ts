import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { FakeFeishu } from '../helpers/fake-feishu';
import { FakeCalendar } from '../helpers/fake-feishu-calendar';

jest.setTimeout(60_000);

/**
 * Issue 13 item 5 as the centre meets it: with FEISHU_CALENDAR_ID set, an approved activity
 * appears in that calendar (code and 盟市 in the title, its dates, venue and description, the
 * filer as attendee), moves when it is postponed, and goes when it is cancelled — through the
 * real HTTP surface and the SDK against the strict fake Open API, also when the calendar API
 * fails first or an answer is lost.
 */

const CALENDAR = 'feishu.cn_centre0000000000000000@group.calendar.feishu.cn';
const FILER = 'ou_filer_baotou_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const BAOTOU_CHAT = 'oc_baotou_group_000000000000000000001';
const CODE = `SQ${YEAR}-0001`;
const P2P = { chatId: `oc_p2p_${FILER}` };

let fake: FakeFeishu;
let calendar: FakeCalendar;
let h: Harness;
let d: Driver;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  calendar = new FakeCalendar([CALENDAR]).install(fake);
  h = await startHarness({
    fake,
    env: { CAMPAIGN_YEAR: String(YEAR), FEISHU_CALENDAR_ID: CALENDAR },
    bot: { calendar: { pollIntervalMs: 50, settleMs: 0, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 5 } } },
  });
  d = new Driver(h);
  await d.bindAll({ [CENTRE_CHAT]: '中心', [BAOTOU_CHAT]: '包头市' });
});
afterEach(async () => {
  await h.close();
  await fake.stop();
});

const reviewCards = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
const filerCard = (button: string) => d.toUser(FILER).filter((m) => m.msgType === 'interactive' && hasButton(m.content, button)).pop();
const seconds = (date: string, hour: number) => String(DateTime.fromISO(`${date}T00:00`, { zone: 'Asia/Shanghai' }).set({ hour }).toSeconds());
const calendarCalls = () => fake.calls.filter((c) => c.path.startsWith('/open-apis/calendar/'));
const entry = async () => (await h.bot.ds.query('SELECT status, event_id, last_error FROM calendar_entries'))[0];

async function fileAndApprove() {
  await d.file(FILER);
  await fake.waitFor(() => reviewCards().length > 0, 'the review card');
  const card = reviewCards()[0];
  const answer = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  expect(answer.toast.type).toBe('success');
}

/**
 * Waits until the sync has read the whole audit trail written so far (its cursor is past the
 * last application event: whatever an action asked of the calendar is queued by then) and every
 * calendar entry is synced (or failed). "Nothing changed in the calendar" is checked after this,
 * not after a sleep.
 */
async function settled() {
  await fake.waitFor(async () => {
    const [{ last }] = await h.bot.ds.query('SELECT COALESCE(MAX(id), 0) AS last FROM application_events');
    const [cursor] = await h.bot.ds.query("SELECT position FROM calendar_cursor WHERE name = 'application_events'");
    const rows = await h.bot.ds.query("SELECT COUNT(*) AS n FROM calendar_entries WHERE status IN ('pending','syncing')");
    return Number(cursor?.position ?? 0) >= Number(last) && Number(rows[0].n) === 0;
  }, 'the calendar synced');
}

it('an approved activity becomes one event with the filer as attendee, also when the calendar API fails twice first', async () => {
  calendar.failures.push({ status: 500 }, { status: 503 });
  await fileAndApprove();
  await fake.waitFor(() => calendar.live().length === 1 && calendar.live()[0].attendees.length === 1, 'the event with its attendee');
  await settled();
  const [event] = calendar.live();
  expect(event).toMatchObject({
    calendarId: CALENDAR,
    summary: `${CODE} 包头市 · 包头市科学技术协会`,
    location: '包头稀土高新区创新中心报告厅',
    start: { timestamp: seconds(`${YEAR}-06-10`, 9), timezone: 'Asia/Shanghai' },
    end: { timestamp: seconds(`${YEAR}-06-11`, 18), timezone: 'Asia/Shanghai' },
    attendees: [FILER],
  });
  expect(event.description).toContain('活动人数：100 人');
  expect(event.description).toContain(`查询 ${CODE}`);
  expect(event.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
  // Two failed creates, then one that made it: all under the same idempotency key.
  const creates = calendarCalls().filter((c) => c.method === 'POST' && c.path.endsWith('/events'));
  expect(creates).toHaveLength(3);
  expect(new Set(creates.map((c) => c.query.idempotency_key)).size).toBe(1);
  expect(await entry()).toMatchObject({ status: 'done', event_id: event.eventId, last_error: null });
});

it('a create whose answer was lost is retried under the same key and still makes one event', async () => {
  calendar.failures.push({ status: 502, afterApplying: true });
  await fileAndApprove();
  await fake.waitFor(() => calendar.live()[0]?.attendees.length === 1, 'the attendee added');
  await settled();
  expect(calendar.events).toHaveLength(1);
  expect(calendarCalls().filter((c) => c.method === 'POST' && c.path.endsWith('/events'))).toHaveLength(2);
});

it('moves with an agreed 改期 and is deleted when the activity is cancelled', async () => {
  await fileAndApprove();
  await fake.waitFor(() => calendar.live()[0]?.attendees.length === 1, 'the event');
  await settled();
  const eventId = calendar.live()[0].eventId;

  // 改期: requested by the filer, agreed by the centre.
  await fake.waitFor(() => filerCard('申请改期') !== undefined, 'the filer’s card with 申请改期');
  const opened = await d.click(buttonValue(filerCard('申请改期')!.content, '申请改期'), FILER, undefined, P2P);
  const asked = await d.click(buttonValue(opened.card.data, '提交改期申请'), FILER, {
    start_date: `${YEAR}-07-20 +0800`,
    end_date: `${YEAR}-07-21 +0800`,
    venue: '包头市科技馆多功能厅',
    headcount: '90',
    note: '场地冲突，推迟一个月',
  }, P2P);
  expect(asked.toast.type).toBe('success');
  // Until the centre agrees, the event stays as it is.
  await settled();
  expect(calendar.live()[0].start.timestamp).toBe(seconds(`${YEAR}-06-10`, 9));
  const changeCard = () => d.toChat(CENTRE_CHAT).find((m) => m.msgType === 'interactive' && hasButton(m.content, '同意改期'));
  await fake.waitFor(() => changeCard() !== undefined, 'the change review card');
  const agreed = await d.click(buttonValue(changeCard()!.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: changeCard()!.messageId });
  expect(agreed.toast.type).toBe('success');
  await fake.waitFor(() => calendar.live()[0]?.start.timestamp === seconds(`${YEAR}-07-20`, 9), 'the event moved');
  await settled();
  expect(calendar.live()).toHaveLength(1);
  expect(calendar.live()[0]).toMatchObject({ eventId, location: '包头市科技馆多功能厅', end: { timestamp: seconds(`${YEAR}-07-21`, 18) }, attendees: [FILER] });
  expect(calendar.live()[0].description).toContain('活动人数：90 人');
  const patch = calendarCalls().find((c) => c.method === 'PATCH')!;
  expect(decodeURIComponent(patch.path)).toBe(`/open-apis/calendar/v4/calendars/${CALENDAR}/events/${eventId}`);

  // 取消: the event goes.
  await d.ask(`取消 ${CODE} 企业停产`, { senderOpenId: FILER, ...P2P });
  await fake.waitFor(() => calendar.live().length === 0, 'the event deleted');
  await settled();
  expect(calendar.events).toHaveLength(1);
  expect(await entry()).toMatchObject({ status: 'done', event_id: null });
  const calls = calendarCalls().length;
  // A replayed 取消 (or anything else) changes nothing more in the calendar.
  await d.ask(`取消 ${CODE} 企业停产`, { senderOpenId: FILER, ...P2P });
  await settled();
  expect(calendarCalls()).toHaveLength(calls);
});

it('an application withdrawn before approval never reaches the calendar', async () => {
  const filed = await d.file(FILER);
  const answer = await d.click(buttonValue(filed.card.data, '撤回'), FILER, undefined, P2P);
  expect(answer.toast).toEqual({ type: 'success', content: `已撤回 ${CODE}` });
  expect(visibleText(answer.card.data)).toContain('这份申请已撤回');
  await settled();
  expect(calendarCalls()).toEqual([]);
  expect(calendar.events).toEqual([]);
});

it('invites the experts of the team the centre assigns, and follows changes to the team', async () => {
  const EXPERT = 'ou_expert_rare_earth_0000000000000001';
  await fileAndApprove();
  await fake.waitFor(() => calendar.live()[0]?.attendees.length === 1, 'the filer invited');
  // Two experts, one with a Feishu account: only that one can be invited.
  const ADMIN_P2P = { chatId: 'oc_p2p_admin' };
  for (const [name, openId] of [['张三', EXPERT], ['李四', '']]) {
    const added = await d.click({ action: 'expert.add', form: `calendar-team-${name === '张三' ? 'a' : 'b'}0000000000` }, ADMIN_OPEN_ID, { name, organisation: '内蒙古大学', fields: ['rare-earth'], contact: '13700001234', open_id: openId }, ADMIN_P2P);
    expect(added.toast.type).toBe('success');
  }
  const ids = (await h.bot.ds.query('SELECT id FROM experts ORDER BY id')).map((r: { id: number }) => String(r.id));
  const version = async () => (await h.bot.ds.query('SELECT version FROM applications WHERE id = 1'))[0].version;
  const assigned = await d.click({ action: 'team.save', id: 1, v: await version(), from: 'detail' }, ADMIN_OPEN_ID, { experts: ids, note: '' }, ADMIN_P2P);
  expect(assigned.toast.type).toBe('success');
  await fake.waitFor(() => calendar.live()[0]?.attendees.length === 2, 'the expert invited');
  await settled();
  expect(calendar.live()[0].attendees).toEqual([FILER, EXPERT]);

  // The team changes: only 李四 (no account) stays; 张三 is taken off the event.
  const changed = await d.click({ action: 'team.save', id: 1, v: await version(), from: 'detail' }, ADMIN_OPEN_ID, { experts: [ids[1]], note: '' }, ADMIN_P2P);
  expect(changed.toast.type).toBe('success');
  await fake.waitFor(() => calendar.live()[0]?.attendees.length === 1, 'the expert removed');
  await settled();
  expect(calendar.live()[0].attendees).toEqual([FILER]);
  const removal = calendarCalls().find((c) => c.path.endsWith('/attendees/batch_delete'))!;
  expect(removal.body.delete_ids).toEqual([{ type: 'user', user_id: EXPERT }]);
  expect(calendar.events).toHaveLength(1);
});
