import {
  draftDeadlineCard,
  overdueSummariesCard,
  reviewNudgeCard,
  upcomingActivitiesCard,
  upcomingActivityCard,
} from '../../cards/reminder-cards';
import { regionStatusChart } from '../../cards/digest-chart';
import { DIGEST_LIST_MAX, weeklyCard, type WeeklyCardView } from '../../cards/weekly-cards';
import type { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import type { Application } from '../../src/db/entities/application.entity';
import type { ApplicationStatus } from '../../src/domain/application-status';
import { REGIONS, type Region } from '../../src/domain/regions';
import { DEFAULT_REMINDER_SCHEDULE } from '../../src/jobs/schedule-config';
import { DIGEST_STATUSES, weeklyFigures, type WeeklyFigures, type WeeklyInput } from '../../src/jobs/weekly-data';
import { buttons, byTag, bytes, callbackValue, expectEscaped, expectValidCard, MAX_CARD_BYTES, markdownContents, type Node } from '../helpers/card-checks';
import { cardOutline } from '../helpers/card-outline';
import { visibleText } from '../helpers/card-text';
import { makeApp as makeApplication } from '../helpers/factories';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The digest's day: Monday 2027-06-14, whose local midnight in Shanghai is 2027-06-13T16:00Z. */
const TODAY = '2027-06-14';
const DAY_START = Date.UTC(2027, 5, 13, 16);
/** The window: [2027-06-07 00:00 Shanghai, 2027-06-14 00:00 Shanghai). */
const WEEK_START = DAY_START - 7 * DAY;

/** User text with markdown specials, a mention of everybody and a link. */
// 30 characters: list entries cut user text at 30, and this one must be shown (escaped) whole.
const NASTY_ORG = '**包**<at id=all></at>[x](y)_~#';
const NASTY_VENUE = '厅<at id=all></at>[图](h://e)`c`';

/** The digest and reminders mention nobody: no `<at` at all in their markdown. */
const NO_MENTIONS = ['<at'];

// ---------------------------------------------------------------------------------------------
// Applications

/** An application submitted at the window's first instant, waiting for review. */
function makeApp(over: Partial<Application> = {}): Application {
  return makeApplication({
    formToken: null,
    codeSeq: 7,
    startDate: '2027-07-10',
    endDate: '2027-07-11',
    needs: '稀土新材料中试放大的工艺问题',
    topics: JSON.stringify(['lecture-4']),
    submittedAt: WEEK_START,
    createdAt: WEEK_START - HOUR,
    updatedAt: WEEK_START,
    ...over,
  });
}

/** An application with id and code sequence `id`. */
const appNo = (id: number, status: ApplicationStatus, region: string | null, over: Partial<Application> = {}): Application =>
  makeApp({ id, codeSeq: id, status, region, orgName: `${region ?? '某地'}某某公司${id}`, ...over });

let nextEventId = 1;
const ev = (applicationId: number, action: string, at: number): ApplicationEvent => ({
  id: nextEventId++,
  applicationId,
  action,
  fromStatus: null,
  toStatus: '待审核',
  actorOpenId: 'ou_someone',
  reason: null,
  at,
});

/*
 * The hand-built tenant, as of Monday 2027-06-14:
 *   1 包头 待审核 (submitted at the window's first instant)      10 包头 草稿 (not counted)
 *   2 包头 已通过, starts today → upcoming                        11 呼和浩特 已撤回 (not counted)
 *   3 呼和浩特 已通过, starts today + 14 → upcoming (last day)   12 乌海 已退回 (submitted, returned)
 *   4 呼和浩特 已通过, starts today + 15 → not upcoming          13 赤峰 已通过, starts 06-20 like 6 → after 6
 *   5 包头 已通过, started yesterday → not upcoming               14 通辽 未通过 (rejected this week)
 *   6 赤峰 已通过, starts 06-20 → upcoming                         15 not one of the 14 regions, 待审核
 *   7 赤峰 已举办, ended 06-03: held 06-04, + 10 = today → overdue
 *   8 赤峰 已举办, ended 06-04: held 06-05, + 10 = tomorrow → not yet overdue
 *   9 包头 已总结, ended long ago → never overdue
 */
const APPS: Application[] = [
  appNo(1, '待审核', '包头市'),
  appNo(2, '已通过', '包头市', { startDate: '2027-06-14', endDate: '2027-06-15' }),
  appNo(3, '已通过', '呼和浩特市', { startDate: '2027-06-28', endDate: '2027-06-28' }),
  appNo(4, '已通过', '呼和浩特市', { startDate: '2027-06-29', endDate: '2027-06-30' }),
  appNo(5, '已通过', '包头市', { startDate: '2027-06-13', endDate: '2027-06-14' }),
  appNo(13, '已通过', '赤峰市', { startDate: '2027-06-20', endDate: '2027-06-20' }),
  appNo(6, '已通过', '赤峰市', { startDate: '2027-06-20', endDate: '2027-06-21' }),
  appNo(7, '已举办', '赤峰市', { startDate: '2027-06-02', endDate: '2027-06-03' }),
  appNo(8, '已举办', '赤峰市', { startDate: '2027-06-04', endDate: '2027-06-04' }),
  appNo(9, '已总结', '包头市', { startDate: '2027-05-01', endDate: '2027-05-01' }),
  appNo(10, '草稿', null, { codeYear: null, codeSeq: null, startDate: '2027-06-20', endDate: null, submittedAt: null }),
  appNo(11, '已撤回', '呼和浩特市', { startDate: '2027-06-20', endDate: '2027-06-21' }),
  appNo(12, '已退回', '乌海市'),
  appNo(14, '未通过', '通辽市'),
  appNo(15, '待审核', '火星市'),
];

const EVENTS: ApplicationEvent[] = [
  ev(1, 'submit', WEEK_START), // first instant of the window: in
  ev(12, 'submit', DAY_START - 1), // last instant of the window: in
  ev(2, 'submit', WEEK_START - 1), // the instant before: out
  ev(3, 'submit', DAY_START), // today: out
  ev(2, 'approve', WEEK_START + 2 * DAY),
  ev(12, 'return', WEEK_START + 3 * DAY),
  ev(12, 'resubmit', WEEK_START + 4 * DAY), // not a new submission
  ev(14, 'reject', WEEK_START + 5 * DAY),
  ev(6, 'approve', WEEK_START - DAY), // last week: out
  ev(3, 'approve', DAY_START + HOUR), // today: out
  ev(2, 'attach', WEEK_START + 3 * DAY), // not a decision
  ev(7, 'hold', WEEK_START + 6 * DAY), // not a decision
  ev(99, 'submit', WEEK_START + DAY), // an application not in the set (another region's): ignored
  ev(99, 'approve', WEEK_START + DAY),
];

const input = (over: Partial<WeeklyInput> = {}): WeeklyInput => ({
  apps: APPS,
  events: EVENTS,
  dayStartMs: DAY_START,
  today: TODAY,
  upcomingDays: DEFAULT_REMINDER_SCHEDULE.digestUpcomingDays,
  overdueDays: DEFAULT_REMINDER_SCHEDULE.summaryOverdueDaysAfter,
  ...over,
});

/** As the weekly job does for a region's group: its applications and their events. */
function regionInput(region: Region): WeeklyInput {
  const apps = APPS.filter((a) => a.region === region);
  const ids = new Set(apps.map((a) => a.id));
  return input({ apps, events: EVENTS.filter((e) => ids.has(e.applicationId)) });
}

const ids = (apps: Application[]) => apps.map((a) => a.id);
const zero = () => Object.fromEntries(DIGEST_STATUSES.map((s) => [s, 0]));

// ---------------------------------------------------------------------------------------------
// The figures

describe('weeklyFigures', () => {
  const f = weeklyFigures(input());

  it('labels the past seven days, both ends included', () => {
    expect(f.from).toBe('2027-06-07');
    expect(f.to).toBe('2027-06-13');
    // Across a month and a year end.
    expect(weeklyFigures(input({ today: '2027-03-01', dayStartMs: Date.UTC(2027, 1, 28, 16) }))).toMatchObject({ from: '2027-02-22', to: '2027-02-28' });
    expect(weeklyFigures(input({ today: '2028-01-03', dayStartMs: Date.UTC(2028, 0, 2, 16) }))).toMatchObject({ from: '2027-12-27', to: '2028-01-02' });
  });

  it('counts every status but 草稿 and 已撤回', () => {
    expect(f.counts).toEqual({ 待审核: 2, 已退回: 1, 已通过: 6, 已举办: 2, 已总结: 1, 未通过: 1 });
    expect(f.counts).not.toHaveProperty('草稿');
    expect(f.counts).not.toHaveProperty('已撤回');
  });

  it('counts by region; an unknown region is in the totals only', () => {
    expect(Object.keys(f.byRegion)).toEqual([...REGIONS]);
    const expected: Record<string, Record<string, number>> = Object.fromEntries(REGIONS.map((r) => [r, zero()]));
    Object.assign(expected['包头市'], { 待审核: 1, 已通过: 2, 已总结: 1 });
    Object.assign(expected['呼和浩特市'], { 已通过: 2 });
    Object.assign(expected['赤峰市'], { 已通过: 2, 已举办: 2 });
    Object.assign(expected['乌海市'], { 已退回: 1 });
    Object.assign(expected['通辽市'], { 未通过: 1 });
    expect(f.byRegion).toEqual(expected);
    const regionTotal = REGIONS.reduce((n, r) => n + DIGEST_STATUSES.reduce((m, s) => m + f.byRegion[r][s], 0), 0);
    expect(regionTotal).toBe(12); // 13 counted, one of them outside the 14 regions
  });

  it('lists the submissions in [day start − 7 days, day start), in event order', () => {
    expect(ids(f.submitted)).toEqual([1, 12]);
  });

  it('counts an application reviewed twice in the week once, with its latest decision', () => {
    const twice = [...EVENTS, ev(12, 'approve', WEEK_START + 5 * DAY + HOUR)];
    const g = weeklyFigures(input({ events: twice }));
    expect(g.decided.map((d) => [d.app.id, d.action])).toEqual([
      [2, 'approve'],
      [12, 'approve'],
      [14, 'reject'],
    ]);
  });

  it('lists the decisions (approve, return, reject) of the window, with their action', () => {
    expect(f.decided.map((d) => [d.app.id, d.action])).toEqual([
      [2, 'approve'],
      [12, 'return'],
      [14, 'reject'],
    ]);
  });

  it('lists 已通过 activities starting today … today + 14, by start date then id', () => {
    expect(ids(f.upcoming)).toEqual([2, 6, 13, 3]);
  });

  it('lists 已举办 activities whose summary is overdue (end + 1 + 10 ≤ today), never 已总结', () => {
    expect(ids(f.overdue)).toEqual([7]);
    // A day later, 8 is overdue too; 9 (已总结) never.
    const tomorrow = weeklyFigures(input({ today: '2027-06-15', dayStartMs: DAY_START + DAY }));
    expect(ids(tomorrow.overdue)).toEqual([7, 8]);
    const much = weeklyFigures(input({ today: '2028-06-15', dayStartMs: DAY_START + 367 * DAY }));
    expect(ids(much.overdue)).not.toContain(9);
  });

  it('follows the upcoming and overdue settings', () => {
    const g = weeklyFigures(input({ upcomingDays: 15, overdueDays: 9 }));
    expect(ids(g.upcoming)).toEqual([2, 6, 13, 3, 4]);
    expect(ids(g.overdue)).toEqual([7, 8]);
  });

  it('never counts as overdue an 已举办 application without an end date', () => {
    const odd = appNo(70, '已举办', '包头市', { endDate: null });
    expect(weeklyFigures(input({ apps: [odd], today: '2099-01-01', dayStartMs: Date.UTC(2098, 11, 31, 16) })).overdue).toEqual([]);
  });

  it('is empty for a region without applications', () => {
    const g = weeklyFigures(regionInput('阿拉善盟'));
    expect(g).toMatchObject({ from: '2027-06-07', to: '2027-06-13', submitted: [], decided: [], upcoming: [], overdue: [] });
    expect(g.counts).toEqual(zero());
  });

  it('computes a region’s figures from its own applications', () => {
    const g = weeklyFigures(regionInput('包头市'));
    expect(g.counts).toEqual({ ...zero(), 待审核: 1, 已通过: 2, 已总结: 1 });
    expect(ids(g.submitted)).toEqual([1]);
    expect(g.decided.map((d) => [d.app.id, d.action])).toEqual([[2, 'approve']]);
    expect(ids(g.upcoming)).toEqual([2]);
    expect(g.overdue).toEqual([]);
  });

  it('does not change its input', () => {
    const apps = APPS.map((a) => ({ ...a }));
    weeklyFigures(input({ apps }));
    expect(apps).toEqual(APPS);
  });
});

// ---------------------------------------------------------------------------------------------
// The digest card

const FIGURES = weeklyFigures(input());
const REGION_VIEW: WeeklyCardView = { scope: '「包头市」', figures: weeklyFigures(regionInput('包头市')) };
const PROVINCE_CHART: WeeklyCardView = { scope: '全区', figures: FIGURES, chart: regionStatusChart(FIGURES.byRegion) };
const PROVINCE_NO_CHART: WeeklyCardView = { scope: '全区', figures: FIGURES, chartProblem: '（本周图表未能生成，各项数字见上文。）' };

/** Figures with `n` entries in every list. */
function bigFigures(n: number, over: Partial<Application> = {}): WeeklyFigures {
  const apps = Array.from({ length: n }, (_, i) => appNo(1000 + i, '已通过', REGIONS[i % REGIONS.length], over));
  return {
    ...FIGURES,
    submitted: apps,
    decided: apps.map((a) => ({ app: a, action: 'approve' })),
    upcoming: apps,
    overdue: apps,
  };
}

describe('weeklyCard', () => {
  it.each<[string, WeeklyCardView]>([
    ['region digest', REGION_VIEW],
    ['province digest without chart', PROVINCE_NO_CHART],
  ])('%s is a valid card (snapshot)', (_name, view) => {
    const c = weeklyCard(view);
    expectValidCard(c);
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('province digest with its chart is a valid card', () => {
    expectValidCard(weeklyCard(PROVINCE_CHART));
  });

  it('is titled by scope with the week as subtitle', () => {
    const c = weeklyCard(REGION_VIEW) as Node;
    expect(c.header.title.content).toBe('每周小结 · 「包头市」');
    expect(c.header.subtitle.content).toBe('2027-06-07 至 2027-06-13');
    expect(c.config.summary.content).toBe('每周小结 · 「包头市」：4 份申请');
  });

  it('shows the counts, the total and every list', () => {
    const c = weeklyCard(PROVINCE_CHART) as Node;
    const text = visibleText(c);
    expect(text).toContain('**全区申请情况**（共 13 份）');
    expect(text).toContain('待审核 2　已退回 1　已通过 6　已举办 2　已总结 1　未通过 1');
    expect(text).toContain('过去一周（2027-06-07 至 2027-06-13）新提交 2 份');
    expect(text).toContain('过去一周审核 3 份');
    expect(text).toContain('**SQ2027-0002** 包头市某某公司2 · 包头市：通过');
    expect(text).toContain('**SQ2027-0012** 乌海市某某公司12 · 乌海市：退回修改');
    expect(text).toContain('**SQ2027-0014** 通辽市某某公司14 · 通辽市：不予受理');
    expect(text).toContain('未来 14 天举办的活动 4 项');
    expect(text).toContain('- 2027-06-14 **SQ2027-0002**');
    expect(text).toContain('活动评估总结逾期 1 项');
    expect(text).toContain('**SQ2027-0007** 赤峰市某某公司7 · 赤峰市（2027-06-03 结束）');
    expect(text).not.toContain('草稿');
    expect(text).not.toContain('已撤回');
  });

  it('shows the chart right after the counts, with every 盟市’s figures', () => {
    const c = weeklyCard(PROVINCE_CHART) as Node;
    const charts = byTag(c, 'chart');
    expect(charts).toHaveLength(1);
    expect(c.body.elements[1]).toBe(charts[0]);
    const values: Array<{ region: string; status: string; count: number }> = charts[0].chart_spec.data[0].values;
    const of = (region: string) => Object.fromEntries(values.filter((v) => v.region === region).map((v) => [v.status, v.count]));
    expect(of('包头市')).toEqual({ 待审核: 1, 已退回: 0, 已通过: 2, 已举办: 0, 已总结: 1 });
    expect(of('赤峰市')).toEqual({ 待审核: 0, 已退回: 0, 已通过: 2, 已举办: 2, 已总结: 0 });
    expect(of('乌海市')).toMatchObject({ 已退回: 1 });
    expect(byTag(c, 'img')).toEqual([]);
  });

  it('says why there is no chart, as a note', () => {
    const c = weeklyCard(PROVINCE_NO_CHART) as Node;
    expect(byTag(c, 'chart')).toEqual([]);
    expect(byTag(c, 'markdown').filter((m) => m.text_size === 'notation').map((m) => m.content)).toContain('（本周图表未能生成，各项数字见上文。）');
  });

  it('has neither chart nor problem note for a region', () => {
    const c = weeklyCard(REGION_VIEW) as Node;
    expect(byTag(c, 'chart')).toEqual([]);
    expect(visibleText(c)).not.toContain('图表');
  });

  it('says 无 for empty lists', () => {
    const text = visibleText(weeklyCard({ scope: '「阿拉善盟」', figures: weeklyFigures(regionInput('阿拉善盟')) }));
    expect(text).toContain('（共 0 份）');
    expect(text).toContain('新提交 0 份**\n无');
    expect(text).toContain('审核 0 份**\n无');
    expect(text).toContain('活动 0 项**\n无');
    expect(text).toContain('逾期 0 项**\n无');
  });

  it(`lists ${DIGEST_LIST_MAX} entries and then 还有 N 项`, () => {
    const exact = visibleText(weeklyCard({ scope: '全区', figures: bigFigures(DIGEST_LIST_MAX) }));
    expect(exact).not.toContain('还有');
    const eleven = visibleText(weeklyCard({ scope: '全区', figures: bigFigures(DIGEST_LIST_MAX + 1) }));
    expect(eleven.match(/- 还有 1 项，发送「查询」查看/g)).toHaveLength(4);

    const c = weeklyCard({ scope: '全区', figures: bigFigures(25) }) as Node;
    for (const block of markdownContents(c).filter((m) => m.startsWith('**过去一周') || m.startsWith('**未来') || m.startsWith('**活动评估'))) {
      const lines = block.split('\n').slice(1);
      expect(lines).toHaveLength(DIGEST_LIST_MAX + 1);
      expect(lines[DIGEST_LIST_MAX]).toBe('- 还有 15 项，发送「查询」查看');
      expect(block).toContain('25 ');
    }
  });

  it('copes with missing columns (no organisation, region or venue)', () => {
    const bare = appNo(80, '已通过', null, { orgName: null, venue: null, startDate: '2027-06-15' });
    const text = visibleText(weeklyCard({ scope: '全区', figures: { ...FIGURES, submitted: [bare], decided: [{ app: bare, action: 'approve' }], upcoming: [bare], overdue: [bare] } }));
    expect(text).toContain('- **SQ2027-0080** \n');
    expect(text).toContain('- **SQ2027-0080** ：通过');
    expect(text).toContain('- 2027-06-15 **SQ2027-0080**  · \n');
    expect(text).not.toContain('null');
    expect(text).not.toContain('undefined');
  });

  it('escapes user text (organisation, venue)', () => {
    const c = weeklyCard({ scope: '全区', figures: bigFigures(3, { orgName: NASTY_ORG, venue: NASTY_VENUE }) }) as Node;
    expectValidCard(c);
    expectEscaped(c, NASTY_ORG, NO_MENTIONS);
    expectEscaped(c, NASTY_VENUE, NO_MENTIONS);
  });

  /** 500 applications whose every list is long, the organisations and venues as given. */
  function digestOf500(orgName: string, venue: string) {
    const apps = Array.from({ length: 500 }, (_, i) =>
      appNo(2000 + i, (['待审核', '已通过', '已举办', '已退回'] as const)[i % 4], REGIONS[i % REGIONS.length], {
        orgName,
        venue,
        startDate: '2027-06-20',
        endDate: '2027-06-01',
      }),
    );
    const events = apps.flatMap((a, i) => [ev(a.id, 'submit', WEEK_START + i), ev(a.id, 'approve', WEEK_START + DAY + i)]);
    const figures = weeklyFigures(input({ apps, events }));
    expect(figures.submitted).toHaveLength(500);
    expect(figures.decided).toHaveLength(500);
    expect(figures.upcoming).toHaveLength(125);
    expect(figures.overdue).toHaveLength(125);
    return weeklyCard({ scope: '全区', figures, chart: regionStatusChart(figures.byRegion) });
  }

  it('stays under 30 KB with 500 applications whose names and venues are as long as allowed (100 characters)', () => {
    const c = digestOf500('内蒙古'.repeat(34).slice(0, 100), '包头稀土高新区（A-1 号楼）'.repeat(10).slice(0, 100));
    expectValidCard(c);
    expect(bytes(c)).toBeLessThan(MAX_CARD_BYTES);
  });

  // Regression: escaped specials take six bytes each; list entries' user text is now cut to 30
  // characters, so ten 100-character names per list cannot take the card past 30 KB.
  it('stays under 30 KB even when the 100-character names and venues are all markdown specials', () => {
    const c = digestOf500('~'.repeat(100), '|'.repeat(100));
    expect(bytes(c)).toBeLessThan(MAX_CARD_BYTES);
  });
});

// ---------------------------------------------------------------------------------------------
// Reminder cards

const DRAFT = makeApp({
  id: 30,
  status: '草稿',
  codeYear: null,
  codeSeq: null,
  startDate: '2027-06-20',
  endDate: '2027-06-21',
  orgName: NASTY_ORG,
  venue: NASTY_VENUE,
  headcount: null,
  submittedAt: null,
});
const APPROVED = makeApp({ id: 40, codeSeq: 40, status: '已通过', startDate: '2027-06-20', endDate: '2027-06-21', orgName: NASTY_ORG, contactName: '李四**<at id=all></at>**', mobile: '13900139000' });
const WAITING = makeApp({ id: 50, codeSeq: 50, status: '待审核', startDate: '2027-06-25', endDate: '2027-06-25', orgName: NASTY_ORG });

describe('draftDeadlineCard', () => {
  it.each([3, 0])('with %i days left is a valid card (snapshot)', (daysLeft) => {
    const c = draftDeadlineCard(DRAFT, '2027-06-10', daysLeft);
    expectValidCard(c);
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('3 days before: orange, says the days left, the start and the deadline', () => {
    const c = draftDeadlineCard(DRAFT, '2027-06-10', 3) as Node;
    expect(c.header.title.content).toBe('申请截止提醒 · 还剩 3 天');
    expect(c.header.template).toBe('orange');
    const text = visibleText(c);
    expect(text).toContain('**2027-06-20**');
    expect(text).toContain('最晚 **2027-06-10**，还剩 **3 天**');
    expect(c.config.summary.content).toBe('申请草稿将于 2027-06-10 截止提交');
  });

  it('on the day: red, 今天是最后一天', () => {
    const c = draftDeadlineCard(DRAFT, '2027-06-10', 0) as Node;
    expect(c.header.title.content).toBe('申请今天截止');
    expect(c.header.template).toBe('red');
    expect(visibleText(c)).toContain('最晚 **2027-06-10**，**今天是最后一天**');
  });

  it('has one 继续填写 button that resumes this draft', () => {
    const bs = buttons(draftDeadlineCard(DRAFT, '2027-06-10', 3) as Node);
    expect(bs).toHaveLength(1);
    expect(bs[0].text.content).toBe('继续填写');
    expect(bs[0].type).toBe('primary');
    expect(callbackValue(bs[0])).toEqual({ action: 'application.resume', id: 30 });
  });

  it('escapes the draft’s text', () => {
    const c = draftDeadlineCard(DRAFT, '2027-06-10', 3) as Node;
    expectEscaped(c, NASTY_ORG, NO_MENTIONS);
    expectEscaped(c, NASTY_VENUE, NO_MENTIONS);
  });
});

describe('upcomingActivityCard', () => {
  it('3 days before is a valid card (snapshot)', () => {
    const c = upcomingActivityCard(APPROVED, 3);
    expectValidCard(c);
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('names the code, the start and the contact; orange the day before', () => {
    const three = upcomingActivityCard(APPROVED, 3) as Node;
    expect(three.header.title.content).toBe('活动提醒 · 3 天后开始');
    expect(three.header.template).toBe('blue');
    expect(three.header.subtitle).toEqual({ tag: 'plain_text', content: NASTY_ORG }); // plain text: not rendered
    expect(visibleText(three)).toContain('**SQ2027-0040** 将于 **2027-06-20** 开始');
    expect(visibleText(three)).toContain('**联系人**：李四**<at id=all></at>** 13900139000');
    const one = upcomingActivityCard(APPROVED, 1) as Node;
    expect(one.header.title.content).toBe('活动提醒 · 明天开始');
    expect(one.header.template).toBe('orange');
    expect(buttons(one)).toEqual([]);
  });

  it('escapes the organisation and the contact', () => {
    const c = upcomingActivityCard(APPROVED, 3) as Node;
    expectEscaped(c, NASTY_ORG, NO_MENTIONS);
    expectEscaped(c, '李四**<at id=all></at>**', NO_MENTIONS);
  });
});

describe('reminder cards with missing columns', () => {
  it('never show null or undefined', () => {
    const bare = makeApp({ id: 90, codeSeq: 90, orgName: null, region: null, venue: null, contactName: null, mobile: null, headcount: null });
    for (const c of [upcomingActivityCard(bare, 1), reviewNudgeCard(bare, '2027-06-03', 2), overdueSummariesCard([bare], 10), upcomingActivitiesCard({ apps: [bare], who: '全区', from: '2027-06-14', until: '2027-07-13', days: 30 })]) {
      expectValidCard(c);
      expect(JSON.stringify(c)).not.toMatch(/null|undefined/);
    }
  });
});

describe('reviewNudgeCard', () => {
  it('is a valid card (snapshot)', () => {
    const c = reviewNudgeCard(WAITING, '2027-06-03', 2);
    expectValidCard(c);
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('names the code, the working days, the submission day and the start', () => {
    const c = reviewNudgeCard(WAITING, '2027-06-03', 2) as Node;
    expect(c.header.title.content).toBe('催办 · SQ2027-0050 等待审核已超过 2 个工作日');
    const text = visibleText(c);
    expect(text).toContain('于 2027-06-03 提交');
    expect(text).toContain('**2027-06-25**');
    expect(text).toContain('「待审」');
    expectEscaped(c, NASTY_ORG, NO_MENTIONS);
  });
});

describe('overdueSummariesCard', () => {
  const apps = Array.from({ length: 25 }, (_, i) => appNo(100 + i, '已举办', REGIONS[i % REGIONS.length], { endDate: '2027-06-01', orgName: i === 0 ? NASTY_ORG : `某某公司${i}` }));

  it('lists 20 and then 还有 5 项', () => {
    const c = overdueSummariesCard(apps, 10) as Node;
    expectValidCard(c);
    expect(c.header.title.content).toBe('活动评估总结逾期 · 25 项');
    expect(c.header.template).toBe('red');
    const list = markdownContents(c).find((m) => m.startsWith('- '))!;
    const lines = list.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('- 还有 5 项，发送「查询」查看');
    expect(visibleText(c)).toContain('结束已超过 10 天');
    expect(visibleText(c)).toContain('**SQ2027-0119** 某某公司19 · 鄂尔多斯市 · 2027-06-01 结束');
    expect(visibleText(c)).not.toContain('SQ2027-0120');
    expectEscaped(c, NASTY_ORG, ['<at id=all']);
    // Issue 13 item 6: each line names its filer; that is the only mention, and nobody else's.
    const mentions = list.match(/<at [^>]*>/g) ?? [];
    expect(mentions).toHaveLength(20);
    expect(new Set(mentions)).toEqual(new Set([`<at id=${apps[0].filerOpenId}>`]));
  });

  it('stays under 30 KB with the longest, most escaped names', () => {
    const many = Array.from({ length: 200 }, (_, i) => appNo(400 + i, '已举办', '鄂尔多斯市', { orgName: '~'.repeat(100), endDate: '2027-06-01' }));
    expectValidCard(overdueSummariesCard(many, 10) as Node);
  });

  it('with few is a valid card (snapshot)', () => {
    const c = overdueSummariesCard(apps.slice(0, 2), 10);
    expectValidCard(c);
    expect(visibleText(c)).not.toContain('还有');
    expect(cardOutline(c)).toMatchSnapshot();
  });
});

describe('upcomingActivitiesCard', () => {
  const view = { who: '包头市', from: '2027-06-14', until: '2027-07-13', days: 30 };

  it('says when there is nothing (snapshot)', () => {
    const c = upcomingActivitiesCard({ ...view, apps: [] });
    expectValidCard(c);
    expect(visibleText(c)).toContain('2027-06-14 至 2027-07-13 之间，包头市没有将要开始的已通过审核的活动。');
    expect(visibleText(upcomingActivitiesCard({ ...view, who: '您', apps: [] }))).toContain('之间，您没有将要开始的已通过审核的活动。');
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('lists the activities with their dates (snapshot)', () => {
    const apps = [
      appNo(2, '已通过', '包头市', { startDate: '2027-06-14', endDate: '2027-06-15', venue: NASTY_VENUE }),
      appNo(5, '已通过', '包头市', { startDate: '2027-06-20', endDate: '2027-06-20', headcount: null, orgName: NASTY_ORG }),
    ];
    const c = upcomingActivitiesCard({ ...view, apps }) as Node;
    expectValidCard(c);
    expect(c.header.title.content).toBe('近期活动 · 未来 30 天');
    const text = visibleText(c);
    expect(text).toContain('包头市有 2 项已通过审核的活动将于 2027-06-14 至 2027-07-13 之间开始：');
    expect(text).toContain('- **2027-06-14 至 2027-06-15** SQ2027-0002');
    expect(text).toContain('- **2027-06-20** SQ2027-0005'); // one day: no range
    expect(text).toContain('（? 人）');
    expectEscaped(c, NASTY_ORG, NO_MENTIONS);
    expectEscaped(c, NASTY_VENUE, NO_MENTIONS);
    expect(cardOutline(c)).toMatchSnapshot();
  });

  it('stays under 30 KB with 20 shown of the longest, most escaped text', () => {
    const apps = Array.from({ length: 60 }, (_, i) => appNo(300 + i, '已通过', '包头市', { orgName: '~'.repeat(100), venue: '|'.repeat(100), headcount: 2000 }));
    const c = upcomingActivitiesCard({ ...view, apps });
    expectValidCard(c);
  });

  it('lists 20 and then 还有 N 项', () => {
    const apps = Array.from({ length: 23 }, (_, i) => appNo(200 + i, '已通过', '包头市', { startDate: '2027-06-20' }));
    const c = upcomingActivitiesCard({ ...view, apps });
    expectValidCard(c);
    expect(visibleText(c)).toContain('- 还有 3 项，发送「查询」查看');
    expect(visibleText(c)).toContain('有 23 项已通过审核的活动');
  });
});
