import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { waitUntilIdle } from '../helpers/idle';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, nodesOf, validForm, YEAR } from '../helpers/application-driver';
import { runJob } from '../helpers/job-process';
import { BAOTOU_CHAT, CENTRE_CHAT, CHIFENG_CHAT, shanghai, startCentre } from '../helpers/ledger-flow';

// Each `npm run job` here is its own node process (a few seconds each on a busy 2-core machine).
jest.setTimeout(90_000);

/**
 * The scheduled jobs as operators and cron run them: `npm run job -- <name> --now <ISO-8601>`
 * beside the running bot, on the same database, against the fake Open API. Each occasion at the
 * right time, to the right chats, once; catch-up after downtime; Shanghai's calendar.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

/** 09:00 in Shanghai on a date of the campaign year, as an ISO instant. */
const at9 = shanghai;

async function approved(overrides: Record<string, string> = {}) {
  const review = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
  const before = review().length;
  await d.file(FILER, overrides);
  await h.fake.waitFor(() => review().length > before, 'the review card');
  const card = review()[review().length - 1];
  const answer = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  expect(answer.toast.type).toBe('success');
}

const cardsTo = (where: 'chat' | 'user', id: string, text: string) =>
  (where === 'chat' ? d.toChat(id) : d.toUser(id)).filter((m) => visibleText(m.content).includes(text));

async function job(name: string, now: string) {
  const out = await runJob(h, [name, '--now', now]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  return out.stdout;
}

describe('reminders for an approved activity (10–11 June)', () => {
  beforeEach(() => approved());

  it('reminds the region group and the filer 3 days and 1 day before, once each, even when run twice', async () => {
    expect(await job('reminders', at9('06-06', 23))).toContain('0 queued');
    const out = await job('reminders', at9('06-07'));
    // The region's group, the filer, and the centre's group (with the expert team, issue 11 item 6).
    expect(out).toContain('3 queued');
    expect(out).toContain('delivered 3');
    expect(cardsTo('chat', BAOTOU_CHAT, '3 天后开始')).toHaveLength(1);
    expect(cardsTo('chat', CENTRE_CHAT, '3 天后开始')).toHaveLength(1);
    expect(cardsTo('user', FILER, '3 天后开始')).toHaveLength(1);
    expect(cardsTo('chat', CHIFENG_CHAT, '活动提醒')).toHaveLength(0);
    const text = visibleText(cardsTo('chat', BAOTOU_CHAT, '3 天后开始')[0].content);
    for (const expected of [`SQ${YEAR}-0001`, '包头市科学技术协会', `${YEAR}-06-10 至 ${YEAR}-06-11`, '包头稀土高新区创新中心报告厅', '100 人']) expect(text).toContain(expected);

    expect(await job('reminders', at9('06-07', 15))).toContain('0 queued');
    await job('reminders', at9('06-09'));
    expect(cardsTo('chat', BAOTOU_CHAT, '明天开始')).toHaveLength(1);
    expect(cardsTo('chat', BAOTOU_CHAT, '3 天后开始')).toHaveLength(1);
  });

  it('goes by the calendar in Shanghai: 16:30 UTC on 6 June is already 7 June there, but not yet 09:00', async () => {
    expect(await job('reminders', `${YEAR}-06-06T16:30:00Z`)).toContain('0 queued');
    expect(await job('reminders', `${YEAR}-06-07T00:59:00Z`)).toContain('0 queued');
    expect(await job('reminders', `${YEAR}-06-07T01:00:00Z`)).toContain('3 queued');
  });

  it('after downtime sends only the latest reminder that is still due', async () => {
    const out = await job('reminders', at9('06-09', 10));
    expect(out).toContain('3 queued, 2 skipped');
    expect(cardsTo('chat', BAOTOU_CHAT, '明天开始')).toHaveLength(1);
    expect(cardsTo('chat', BAOTOU_CHAT, '3 天后开始')).toHaveLength(0);
    expect(await h.bot.ds.query("SELECT occasion, outcome FROM job_occasions ORDER BY occasion")).toEqual([
      { occasion: 'before-1', outcome: 'sent' },
      { occasion: 'before-3', outcome: 'skipped' },
      { occasion: `centre-before-1@${YEAR}-06-10`, outcome: 'sent' },
      { occasion: `centre-before-3@${YEAR}-06-10`, outcome: 'skipped' },
    ]);
  });

  it('after downtime skips reminders for an activity that has already begun', async () => {
    expect(await job('reminders', at9('06-10', 10))).toContain('0 queued, 4 skipped');
    expect(cardsTo('chat', BAOTOU_CHAT, '天后开始')).toHaveLength(0);
  });

  it('marks it held the day after, asks for the summary, reminds after 3 and 7 days, then tells the centre it is overdue', async () => {
    await job('reminders', at9('06-12'));
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '已举办' }]);
    const request = cardsTo('user', FILER, '活动评估总结');
    expect(request).toHaveLength(1);
    expect(hasButton(request[0].content, '提交总结')).toBe(true);
    expect(await h.bot.ds.query("SELECT actor_open_id, to_status FROM application_events WHERE action = 'hold'")).toEqual([{ actor_open_id: 'system', to_status: '已举办' }]);

    await job('reminders', at9('06-15'));
    expect(cardsTo('user', FILER, '活动已结束 3 天')).toHaveLength(1);
    await job('reminders', at9('06-19'));
    expect(cardsTo('user', FILER, '活动已结束 7 天')).toHaveLength(1);
    await job('reminders', at9('06-22'));
    const overdue = cardsTo('chat', CENTRE_CHAT, '活动评估总结逾期');
    expect(overdue).toHaveLength(1);
    expect(visibleText(overdue[0].content)).toContain(`SQ${YEAR}-0001`);
    await job('reminders', at9('06-23'));
    expect(cardsTo('chat', CENTRE_CHAT, '活动评估总结逾期')).toHaveLength(1);
  });

  it('takes the summary: bad values come back with reasons, a good one sets 已总结 and tells the centre', async () => {
    await job('reminders', at9('06-12'));
    const submit = buttonValue(cardsTo('user', FILER, '活动评估总结')[0].content, '提交总结');
    const bad = await d.click(submit, FILER, { actual_headcount: '90', actual_core_count: '100', satisfaction: '5', outcomes: '' });
    expect(bad.toast.type).toBe('warning');
    expect(nodesOf(bad.card.data).find((n) => n.name === 'actual_headcount').default_value).toBe('90');
    expect(visibleText(bad.card.data)).toContain('⚠');
    const good = await d.click(submit, FILER, {
      actual_headcount: '90',
      actual_core_count: '70',
      actual_enterprise_count: '20',
      actual_key_industry_count: '15',
      satisfaction: '5',
      outcomes: '解决了两项工艺难题',
      followup_needs: '',
    });
    expect(good.toast).toEqual({ type: 'success', content: `已提交 SQ${YEAR}-0001 的活动评估总结` });
    expect(visibleText(good.card.data)).toContain('未达标'); // 70 of 90 is 77.7 %
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '已总结' }]);
    await h.fake.waitFor(() => cardsTo('chat', CENTRE_CHAT, '活动评估总结已提交').length === 1, 'the centre told');
    // No more chasing once it is filed.
    await job('reminders', at9('06-22'));
    expect(cardsTo('chat', CENTRE_CHAT, '逾期')).toHaveLength(0);
    // Photos sent afterwards are kept with the activity.
    const [reply] = await d.ask('', { senderOpenId: FILER, chatId: 'oc_p2p_filer', messageType: 'image' });
    expect(reply.content.text).toBe(`已收到，作为 SQ${YEAR}-0001 的活动照片或签到表保存（共 1 个文件）。`);
  });

  it('retries a failed send and delivers it exactly once', async () => {
    h.fake.failures.push({ status: 500 }, { status: 200, deliverThenDelayMs: 3000 });
    await job('reminders', at9('06-07'));
    await h.fake.waitFor(() => cardsTo('chat', BAOTOU_CHAT, '3 天后开始').length === 1 && cardsTo('user', FILER, '3 天后开始').length === 1, 'both reminders');
    // The slow answer's retry included: nothing is left queued that could still arrive.
    await waitUntilIdle(h, 20_000);
    expect(cardsTo('chat', BAOTOU_CHAT, '3 天后开始')).toHaveLength(1);
    expect(cardsTo('user', FILER, '3 天后开始')).toHaveLength(1);
  });
});

describe('other reminders', () => {
  it('reminds the filer of a draft 3 days before its last filing day and on the day', async () => {
    const submit = await d.openForm(FILER);
    // start 20 June → last filing day 10 June; the mobile is wrong, so it stays a draft.
    await d.click(submit, FILER, validForm({ start_date: `${YEAR}-06-20 +0800`, end_date: `${YEAR}-06-21 +0800`, mobile: '123' }));
    await job('reminders', at9('06-07'));
    const first = cardsTo('user', FILER, '还剩 3 天');
    expect(first).toHaveLength(1);
    expect(buttonValue(first[0].content, '继续填写')).toMatchObject({ action: 'application.resume' });
    await job('reminders', at9('06-10'));
    expect(cardsTo('user', FILER, '今天是最后一天')).toHaveLength(1);
    expect(await job('reminders', at9('06-11'))).toContain('0 queued');
  });

  it('nudges the centre when an application waits more than 2 working days', async () => {
    await d.file(FILER);
    const submitted = DateTime.now().setZone('Asia/Shanghai');
    // Find the first instant at which more than two whole working days have passed.
    let day = submitted.startOf('day');
    for (let counted = 0; counted <= 2; ) {
      day = day.plus({ days: 1 });
      if (day.weekday <= 5) counted += 1;
    }
    const before = day.minus({ days: 1 }).set({ hour: 23 }).toUTC().toISO()!;
    expect(await job('reminders', before)).toContain('0 queued');
    await job('reminders', day.set({ hour: 9 }).toUTC().toISO()!);
    const nudges = cardsTo('chat', CENTRE_CHAT, '催办');
    expect(nudges).toHaveLength(1);
    expect(visibleText(nudges[0].content)).toContain(`SQ${YEAR}-0001`);
  });
});

describe('weekly summary', () => {
  /** The first Monday on or after 7 June of the campaign year, 09:00 in Shanghai. */
  const monday = () => {
    let d0 = DateTime.fromISO(`${YEAR}-06-07`, { zone: 'Asia/Shanghai' });
    while (d0.weekday !== 1) d0 = d0.plus({ days: 1 });
    return d0.set({ hour: 9 });
  };

  it('sends each bound group its summary and the centre the digest with a chart, once a week', async () => {
    await approved();
    await approved({ org_name: '赤峰市科协', region: '赤峰市', start_date: `${YEAR}-06-15 +0800`, end_date: `${YEAR}-06-15 +0800` });
    expect(await job('weekly-summary', monday().minus({ minutes: 1 }).toUTC().toISO()!)).toContain('0 queued');
    const out = await job('weekly-summary', monday().toUTC().toISO()!);
    expect(out).toContain('3 queued');
    const centre = cardsTo('chat', CENTRE_CHAT, '每周小结 · 全区');
    expect(centre).toHaveLength(1);
    // The chart is the card's own `chart` component with the figures: nothing drawn or uploaded.
    const charts = nodesOf(centre[0].content).filter((n) => n.tag === 'chart');
    expect(charts).toHaveLength(1);
    const figures: Array<{ region: string; status: string; count: number }> = charts[0].chart_spec.data[0].values;
    expect(figures.filter((f) => f.count > 0)).toEqual([
      { region: '包头市', status: '已通过', count: 1 },
      { region: '赤峰市', status: '已通过', count: 1 },
    ]);
    expect(h.fake.calls.some((c) => c.path === '/open-apis/im/v1/images')).toBe(false);
    expect(visibleText(centre[0].content)).toContain('已通过 2');
    const baotou = cardsTo('chat', BAOTOU_CHAT, '每周小结 · 包头市');
    expect(baotou).toHaveLength(1);
    expect(visibleText(baotou[0].content)).toContain('已通过 1');
    expect(visibleText(baotou[0].content)).not.toContain('赤峰市科协');
    expect(cardsTo('chat', CHIFENG_CHAT, '每周小结 · 赤峰市')).toHaveLength(1);
    // Again that week (a rerun, or the hourly cron): nothing new. The next week: again.
    expect(await job('weekly-summary', monday().plus({ days: 2 }).toUTC().toISO()!)).toContain('0 queued');
    expect(await job('weekly-summary', monday().plus({ days: 7 }).toUTC().toISO()!)).toContain('3 queued');
  });
});

describe('the job command', () => {
  it('refuses an unknown job or a bad --now with exit code 2 and a clear message', async () => {
    const unknown = await runJob(h, ['remind']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown job 'remind'");
    const badNow = await runJob(h, ['reminders', '--now', 'next tuesday']);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toContain("--now: 'next tuesday' is not an ISO-8601 instant");
  });

  it('records every run, and does nothing while another instance holds the job', async () => {
    await job('reminders', at9('06-07'));
    const runs = await h.bot.ds.query('SELECT job, status, sent FROM job_runs');
    expect(runs).toEqual([{ job: 'reminders', status: 'done', sent: 0 }]);
    await h.bot.ds.query(`UPDATE job_locks SET holder = 'other-instance', lease_until = ${Date.now() + 60_000}`);
    const locked = await runJob(h, ['reminders', '--now', at9('06-07')]);
    expect(locked.code).toBe(3);
    expect(locked.stdout).toContain('another instance is running this job');
  });
});
