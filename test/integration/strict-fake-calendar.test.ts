import { FeishuPlatform } from '../../src/platform/feishu/feishu-platform';
import { CODE_INVALID_PARAM, FakeFeishu } from '../helpers/fake-feishu';
import { FakeCalendar } from '../helpers/fake-feishu-calendar';
import { platformFor, refusal } from '../helpers/sdk-platform';

/**
 * The fake's calendar and urgent_app endpoints (issue 13) refuse what Feishu refuses, driven
 * through the real SDK client, so that the calendar sync and the escalation are tested against
 * the shapes Feishu checks.
 */

const CALENDAR = 'feishu.cn_centre0000000000000000@group.calendar.feishu.cn';
const EVENT = { summary: 'SQ2027-0001 包头市', description: '', location: '包头', startSeconds: 1812243600, endSeconds: 1812362400, timezone: 'Asia/Shanghai' };

let fake: FakeFeishu;
let calendar: FakeCalendar;
let platform: FeishuPlatform;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  calendar = new FakeCalendar([CALENDAR]).install(fake);
  platform = platformFor(fake);
});
afterEach(async () => {
  await fake.stop();
});

it.each([
  ['a calendar the app may not write to', () => platform.calendar().createEvent('feishu.cn_other@group.calendar.feishu.cn', EVENT, 'k1'), 'may write to'],
  ['an event that ends before it starts', () => platform.calendar().createEvent(CALENDAR, { ...EVENT, endSeconds: EVENT.startSeconds - 1 }, 'k2'), 'after start_time'],
  ['an empty title', () => platform.calendar().createEvent(CALENDAR, { ...EVENT, summary: ' ' }, 'k3'), 'summary'],
  ['an update of an event that does not exist', () => platform.calendar().updateEvent(CALENDAR, 'nope_0', EVENT), 'does not exist'],
  ['an attendee that is not an open_id', () => platform.calendar().createEvent(CALENDAR, EVENT, 'k4').then((id) => platform.calendar().addAttendees(CALENDAR, id, ['staff123'])), 'open_id'],
  ['an urgent notice on a message the bot never sent', () => platform.urgentApp('om_never_sent', ['ou_a']), 'did not send'],
])('refuses %s with a parameter error and records it', async (_what, call, reason) => {
  const err = await refusal(call());
  expect(err.info.code).toBe(CODE_INVALID_PARAM);
  expect(err.info.retryable).toBe(false);
  expect(fake.violations).toHaveLength(1);
  expect(fake.violations[0]).toContain(reason);
});

it('returns the first event for a repeated idempotency_key, and refuses changes to a deleted one', async () => {
  const first = await platform.calendar().createEvent(CALENDAR, EVENT, 'same-key');
  const again = await platform.calendar().createEvent(CALENDAR, { ...EVENT, summary: '另一个标题' }, 'same-key');
  expect(again).toBe(first);
  expect(calendar.events).toHaveLength(1);
  expect(calendar.events[0].summary).toBe(EVENT.summary);
  await platform.calendar().deleteEvent(CALENDAR, first);
  expect(calendar.live()).toEqual([]);
  const err = await refusal(platform.calendar().deleteEvent(CALENDAR, first));
  expect(err.info.code).toBe(CODE_INVALID_PARAM);
  expect(fake.violations).toEqual([expect.stringContaining('was deleted')]);
});

it('buzzes only the person a private message went to', async () => {
  const sent = await platform.sendToUser('ou_filer', { type: 'text', text: '请尽快提交' }, 'u1');
  await platform.urgentApp(sent.messageId, ['ou_filer']);
  expect(fake.urgents).toEqual([{ messageId: sent.messageId, userIds: ['ou_filer'] }]);
  const err = await refusal(platform.urgentApp(sent.messageId, ['ou_somebody_else']));
  expect(err.info.code).toBe(CODE_INVALID_PARAM);
  expect(fake.violations).toEqual([expect.stringContaining('not in the private chat')]);
});
