import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { buttonValue, Driver, hasButton } from '../helpers/application-driver';
import { visibleText } from '../helpers/card-text';
import { TestClock } from '../helpers/test-clock';

/**
 * The bot's clock set to chosen instants (createBot's `now`; requests are signed with the same
 * clock), in two time zones. Each instant is chosen so that computing "today" or a deadline in
 * any other zone than SCHEDULE_TIMEZONE (UTC, the machine's, or a hard-coded Shanghai) gives
 * a different answer, and fails here.
 */

interface Zone {
  timezone: string;
  /**
   * Just after local midnight in Shanghai (still the previous day in UTC and Los Angeles), or
   * just before local midnight in Los Angeles (already the next day in UTC and Shanghai).
   */
  filedAt: string;
  /** The local date at `filedAt`. */
  today: string;
  /** today + 9 and today + 10 days. */
  tooEarly: string;
  earliest: string;
  /** One hour before and one hour after the end of 2027-06-10 in the zone. */
  beforeDeadline: string;
  afterDeadline: string;
}

const ZONES: Zone[] = [
  {
    timezone: 'Asia/Shanghai',
    filedAt: '2027-06-01T00:30:00+08:00',
    today: '2027-06-01',
    tooEarly: '2027-06-10',
    earliest: '2027-06-11',
    beforeDeadline: '2027-06-10T22:59:00+08:00',
    afterDeadline: '2027-06-11T00:59:00+08:00',
  },
  {
    timezone: 'America/Los_Angeles',
    filedAt: '2027-05-31T23:30:00-07:00',
    today: '2027-05-31',
    tooEarly: '2027-06-09',
    earliest: '2027-06-10',
    beforeDeadline: '2027-06-10T22:59:00-07:00',
    afterDeadline: '2027-06-11T00:59:00-07:00',
  },
];

const FILER = 'ou_filer_clock_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_clock_0000000000001';
const BAOTOU_CHAT = 'oc_baotou_group_clock_0000000000001';
const STAFF = 'ou_staff_baotou_clock_000000000001';

describe.each(ZONES)('in $timezone', (zone) => {
  let h: Harness;
  let d: Driver;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock(zone.filedAt);
    h = await startHarness({ clock, env: { SCHEDULE_TIMEZONE: zone.timezone, CAMPAIGN_YEAR: '2027' } });
    d = new Driver(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it(`applies the 10-day rule to today's date in the zone (${zone.today})`, async () => {
    const early = await d.file(FILER, { start_date: `${zone.tooEarly} +0800`, end_date: `${zone.tooEarly} +0800` });
    expect(early.toast).toEqual({ type: 'warning', content: '有 1 项需要修改，请查看表单中的红色提示' });
    expect(visibleText(early.card.data)).toContain(`活动开始日期需在提交之日起至少 10 天之后（最早可选 ${zone.earliest}）`);

    const onTime = await d.file(FILER, { start_date: `${zone.earliest} +0800`, end_date: `${zone.earliest} +0800` });
    expect(onTime.toast).toEqual({ type: 'success', content: '已提交，编号 SQ2027-0001' });
  });

  it('marks a report late only after the end of its deadline day in the zone', async () => {
    await d.bindAll({ [CENTRE_CHAT]: '中心', [BAOTOU_CHAT]: '包头市' });
    const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    const published = await d.click(
      buttonValue(form.content, '发布报送任务'),
      ADMIN_OPEN_ID,
      // A bare date: the deadline is the end of that day in SCHEDULE_TIMEZONE.
      { title: '年度落实情况报告', description: '请报送本盟市落实情况报告', deadline: '2027-06-10', regions: ['包头市'], expects: 'text' },
      { chatId: 'oc_p2p_admin', messageId: form.messageId },
    );
    expect(published.toast.content).toBe('已发布 BS2027-0001，已发送到 1 个盟市工作群');
    await h.fake.waitFor(() => d.toChat(BAOTOU_CHAT).some((m) => hasButton(m.content, '提交')), 'the task in the group');
    const task = d.toChat(BAOTOU_CHAT).find((m) => hasButton(m.content, '提交'))!;

    const submitAt = async (instant: string, text: string) => {
      clock.set(instant);
      // Each 提交 in the group issues a new one-use form privately: wait for this one.
      const formsBefore = d.toUser(STAFF).filter((m) => hasButton(m.content, '提交')).length;
      await d.click(buttonValue(task.content, '提交'), STAFF, undefined, { chatId: BAOTOU_CHAT, messageId: task.messageId });
      await h.fake.waitFor(() => d.toUser(STAFF).filter((m) => hasButton(m.content, '提交')).length > formsBefore, 'the private form');
      const privateForm = d.toUser(STAFF).filter((m) => hasButton(m.content, '提交')).pop()!;
      return d.click(buttonValue(privateForm.content, '提交'), STAFF, { text });
    };

    expect((await submitAt(zone.beforeDeadline, '包头市落实情况：第一稿')).toast).toEqual({ type: 'success', content: '已提交 BS2027-0001' });
    expect((await submitAt(zone.afterDeadline, '包头市落实情况：第二稿')).toast).toEqual({ type: 'warning', content: '已提交，截止时间已过，标记为逾期' });
  });
});

it('refuses a request signed on the real clock when the bot runs on a shifted one', async () => {
  const clock = new TestClock('2027-06-01T00:30:00+08:00');
  const h = await startHarness({ clock });
  try {
    const real = await h.post('/feishu/events', { schema: '2.0', header: {}, event: {} }, { now: Date.now });
    expect(real.status).toBe(401);
    const d = new Driver(h);
    const [reply] = await d.ask('帮助');
    expect(visibleText(reply.content)).toContain('申请');
  } finally {
    await h.close();
  }
});
