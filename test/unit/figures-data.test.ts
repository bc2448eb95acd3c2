import type { DataSource } from 'typeorm';
import { ActivitySummary } from '../../src/db/entities/activity-summary.entity';
import { Application } from '../../src/db/entities/application.entity';
import { Expert } from '../../src/db/entities/expert.entity';
import { Need } from '../../src/db/entities/need.entity';
import type { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import type { ReportTask } from '../../src/db/entities/report-task.entity';
import { ApplicationService } from '../../src/services/application-service';
import { ExpertService } from '../../src/services/expert-service';
import {
  appCode,
  APPROVED_STATUSES,
  decisionOf,
  HELD_STATUSES,
  isEmpty,
  loadYearData,
  needCode,
  ofRegion,
  ratiosOf,
  REPORT_STATE_WORDS,
  reportStateOf,
  taskCode,
  topicsText,
  type YearData,
} from '../../src/services/figures-data';
import { NeedService } from '../../src/services/need-service';
import { ReportService, type NewTask } from '../../src/services/report-service';
import { SummaryService } from '../../src/services/summary-service';
import { makeApp, makeNeed, T0 } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The data the centre's figures are computed from (src/services/figures-data.ts): loadYearData
 * on a real SQLite file through the real services (one campaign year of one tenant, drafts and
 * other years left out, everything by code, report submissions counted as the progress card
 * counts them), ofRegion narrowing every list to one 盟市, and the small rules the exports, the
 * monthly 通报 and the year-end figures share: codes, decisions, topics, the two ratios at their
 * exact thresholds, a report's state at its deadline.
 */

const TENANT = 'tenant_1';
const OTHER_TENANT = 'tenant_2';
const YEAR = 2027;
const HOUR = 3_600_000;
/** 2027-12-09 17:00 in Shanghai. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);

let ds: DataSource;
let now: number;
let reports: ReportService;
let deps: Parameters<typeof loadYearData>[0];
let tokens = 0;

/** An application row as the services leave it (id, code and status given). */
async function addApp(id: number, over: Partial<Application>): Promise<void> {
  await ds.getRepository(Application).insert(makeApp({ id, formToken: `app-form-${id}`, ...over }));
}

async function addSummary(applicationId: number, over: Partial<ActivitySummary> = {}): Promise<void> {
  await ds.getRepository(ActivitySummary).insert({
    applicationId, headcount: 100, coreCount: 85, enterpriseCount: 20, keyIndustryCount: 15, satisfaction: 95,
    outcomes: '对接技术难题 3 项', followupNeeds: '无', filedBy: 'ou_filer', filedAt: T0, ...over,
  });
}

async function addNeed(id: number, over: Partial<Need>): Promise<void> {
  await ds.getRepository(Need).insert(makeNeed({ id, formToken: `need-form-${id}`, ...over }));
}

async function addExpert(name: string, over: Partial<Expert> = {}): Promise<void> {
  await ds.getRepository(Expert).insert({
    tenantKey: TENANT, name, organisation: '内蒙古大学', fields: '["new-materials"]', contact: '13900000000', openId: null,
    addedBy: 'ou_admin', createdAt: T0, updatedAt: T0, deletedAt: null, ...over,
  });
}

async function addTask(task: Partial<NewTask> & { year?: number; tenantKey?: string } = {}): Promise<ReportTask> {
  const { year = YEAR, tenantKey = TENANT, ...rest } = task;
  const r = await reports.create({
    tenantKey, formToken: `task-form-${++tokens}`, year, createdBy: 'ou_admin',
    task: { title: '年度落实情况报告', description: '请报送', deadlineAt: DEADLINE, regions: ['包头市', '赤峰市'], expects: 'text', ...rest },
  });
  // Tasks made later are newer: ReportService.recent lists them newest first.
  now += 1000;
  return r.task;
}

/** A 盟市's submission at `at` (its text), and the files sent for it at the given instants. */
async function submit(task: ReportTask, region: string, at: number, fileTimes: number[] = []): Promise<ReportSubmission> {
  now = at;
  const { submission } = await reports.submit(task, region, `${region}的报告`, `ou_${region}`);
  for (const [i, fileAt] of fileTimes.entries()) {
    now = fileAt;
    await reports.addFile(submission, { kind: 'file', key: `file_${submission.id}_${i}`, name: '报告.pdf', messageId: `om_${submission.id}_${i}` }, `ou_${region}`);
  }
  return submission;
}

const ids = (rows: ReadonlyArray<{ id: number }>): number[] => rows.map((r) => r.id);

describe('loadYearData', () => {
  beforeEach(async () => {
    ds = await openTempDatabase('figures-data-');
    now = DEADLINE - 24 * HOUR;
    const applications = new ApplicationService(ds, () => now);
    reports = new ReportService(ds, () => now);
    deps = { applications, summaries: new SummaryService(ds, applications, () => now), needs: new NeedService(ds, () => now), experts: new ExpertService(ds, () => now), reports };
  });

  afterEach(async () => {
    await closeTempDatabase(ds);
  });

  it('takes the tenant’s applications of the year filed, by code; not drafts, other years or other tenants', async () => {
    await addApp(1, { codeSeq: 3, status: '已通过' });
    await addApp(2, { codeYear: null, codeSeq: null, status: '草稿' });
    await addApp(3, { codeSeq: 1, status: '待审核' });
    await addApp(4, { codeYear: 2026, codeSeq: 2, status: '已总结' });
    await addApp(5, { codeSeq: 4, status: '已撤回' });
    await addApp(6, { codeSeq: 2, status: '已取消' });
    await addApp(7, { codeSeq: 5, status: '已通过', tenantKey: OTHER_TENANT });
    await addApp(8, { codeYear: null, codeSeq: null, status: '已撤回' });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data.year).toBe(YEAR);
    expect(data.apps.map(appCode)).toEqual(['SQ2027-0001', 'SQ2027-0002', 'SQ2027-0003', 'SQ2027-0004']);
    expect(ids(data.apps)).toEqual([3, 6, 1, 5]);
    expect((await loadYearData(deps, TENANT, 2026)).apps.map(appCode)).toEqual(['SQ2026-0002']);
  });

  it('sorts by code whatever order the rows were made in', async () => {
    const seqs = [7, 2, 9, 1, 5, 3, 8, 4, 6];
    for (const [i, codeSeq] of seqs.entries()) await addApp(i + 1, { codeSeq, status: '待审核' });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data.apps.map((a) => a.codeSeq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the summaries of the 已总结 applications, by application id; one summarised without a summary yet has none', async () => {
    await addApp(1, { codeSeq: 1, status: '已总结' });
    await addApp(2, { codeSeq: 2, status: '已举办' });
    await addApp(3, { codeSeq: 3, status: '已总结' });
    await addApp(4, { codeYear: 2026, codeSeq: 4, status: '已总结' });
    await addSummary(1, { headcount: 130 });
    await addSummary(4, { headcount: 90 });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect([...data.summaries.keys()]).toEqual([1]);
    expect(data.summaries.get(1)).toMatchObject({ applicationId: 1, headcount: 130, coreCount: 85 });
  });

  it('takes the needs of the year by code, and the tenant’s experts by id', async () => {
    await addNeed(1, { codeSeq: 3 });
    await addNeed(2, { codeYear: 2026, codeSeq: 1 });
    await addNeed(3, { codeSeq: 1, status: '已解决' });
    await addNeed(4, { codeSeq: 2, tenantKey: OTHER_TENANT });
    await addNeed(5, { codeSeq: 4, status: '已关闭' });
    await addExpert('李四');
    await addExpert('王五', { deletedAt: T0 });
    await addExpert('赵六', { tenantKey: OTHER_TENANT });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data.needs.map(needCode)).toEqual(['XQ2027-0001', 'XQ2027-0003', 'XQ2027-0004']);
    expect(ids(data.needs)).toEqual([3, 1, 5]);
    expect([...data.experts.values()].map((e) => e.name)).toEqual(['李四']);
    const [[id, expert]] = [...data.experts.entries()];
    expect(expert.id).toBe(id);
  });

  it('takes the report tasks of the year by code (not newest first), not other years’ or tenants’', async () => {
    await addTask({ title: '一' });
    await addTask({ title: '去年', year: 2026 });
    await addTask({ title: '二' });
    await addTask({ title: '别家', tenantKey: OTHER_TENANT });
    await addTask({ title: '三' });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data.tasks.map((t) => [taskCode(t), t.title])).toEqual([
      ['BS2027-0001', '一'],
      ['BS2027-0002', '二'],
      ['BS2027-0004', '三'],
    ]);
  });

  it('counts a submission as the progress card does: text alone to a task asking for files is not one yet; completed by a file after the deadline it is late', async () => {
    const text = await addTask({ title: '文字', expects: 'text', regions: ['包头市', '赤峰市', '通辽市'] });
    const files = await addTask({ title: '附件', expects: 'file', regions: ['包头市', '赤峰市', '通辽市', '乌海市'] });
    const other = await addTask({ title: '去年', year: 2026, regions: ['包头市'] });
    await submit(text, '包头市', DEADLINE - HOUR);
    await submit(text, '赤峰市', DEADLINE + HOUR);
    await submit(files, '包头市', DEADLINE - 2 * HOUR, [DEADLINE - HOUR, DEADLINE + HOUR]);
    await submit(files, '赤峰市', DEADLINE - 2 * HOUR, [DEADLINE + HOUR]);
    await submit(files, '通辽市', DEADLINE - 2 * HOUR);
    await submit(files, '乌海市', DEADLINE + 2 * HOUR, [DEADLINE + 3 * HOUR]);
    await submit(other, '包头市', DEADLINE);
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data.submissions.map((s) => [s.taskId, s.region, s.late])).toEqual([
      [text.id, '包头市', false],
      [text.id, '赤峰市', true],
      [files.id, '包头市', false],
      [files.id, '赤峰市', true],
      [files.id, '乌海市', true],
    ]);
    // The stored row is left as it was: only the figures count it late.
    expect((await reports.submissionOf(files.id, '赤峰市'))?.late).toBe(false);
  });

  it('is empty for a year with nothing', async () => {
    await addApp(1, { codeYear: 2026, codeSeq: 1 });
    const data = await loadYearData(deps, TENANT, YEAR);
    expect(data).toMatchObject({ year: YEAR, apps: [], needs: [], tasks: [], submissions: [] });
    expect(data.summaries.size).toBe(0);
    expect(isEmpty(data)).toBe(true);
  });
});

function task(id: number, regions: string[], over: Partial<ReportTask> = {}): ReportTask {
  return {
    id, tenantKey: TENANT, formToken: `t${id}`, codeYear: YEAR, codeSeq: id, title: `任务${id}`, description: '', deadlineAt: DEADLINE,
    regions: JSON.stringify(regions), expects: 'text', createdBy: 'ou_admin', progressKeys: '[]', version: 1, createdAt: T0, originPlatform: 'feishu', originTenant: TENANT,
    ...over,
  };
}

function sub(id: number, taskId: number, region: string, late = false): ReportSubmission {
  return { id, taskId, region, text: '报告', submittedBy: 'ou_x', submittedAt: T0, late, times: 1, originPlatform: 'feishu', originTenant: TENANT };
}

function yearData(over: Partial<YearData> = {}): YearData {
  return { year: YEAR, apps: [], summaries: new Map(), needs: [], experts: new Map(), tasks: [], submissions: [], ...over };
}

describe('ofRegion', () => {
  const data = yearData({
    apps: [makeApp({ id: 1, region: '包头市' }), makeApp({ id: 2, region: '赤峰市' }), makeApp({ id: 3, region: '包头市' })],
    needs: [makeNeed({ id: 11, region: '赤峰市' }), makeNeed({ id: 12, region: '包头市' }), makeNeed({ id: 13, region: '通辽市' })],
    tasks: [task(21, ['包头市', '赤峰市']), task(22, ['赤峰市']), task(23, ['通辽市', '包头市']), task(24, [])],
    submissions: [
      sub(31, 21, '包头市'),
      sub(32, 21, '赤峰市'),
      sub(33, 22, '包头市'), // to a task that did not ask 包头市
      sub(34, 22, '赤峰市'),
      sub(35, 23, '包头市', true),
    ],
  });

  it('narrows applications, needs, the tasks that asked the 盟市 and its submissions to them', () => {
    const baotou = ofRegion(data, '包头市');
    expect(ids(baotou.apps)).toEqual([1, 3]);
    expect(ids(baotou.needs)).toEqual([12]);
    expect(ids(baotou.tasks)).toEqual([21, 23]);
    expect(ids(baotou.submissions)).toEqual([31, 35]);
  });

  it('keeps the year, the summaries and the experts as they are', () => {
    const summaries = new Map([[1, { applicationId: 1 } as ActivitySummary]]);
    const experts = new Map([[5, { id: 5, name: '李四' } as Expert]]);
    const narrowed = ofRegion({ ...data, summaries, experts }, '赤峰市');
    expect(narrowed.year).toBe(YEAR);
    expect(narrowed.summaries).toBe(summaries);
    expect(narrowed.experts).toBe(experts);
    expect(ids(narrowed.apps)).toEqual([2]);
    expect(ids(narrowed.needs)).toEqual([11]);
    expect(ids(narrowed.tasks)).toEqual([21, 22]);
    expect(ids(narrowed.submissions)).toEqual([32, 34]);
  });

  it('leaves nothing for a 盟市 with nothing', () => {
    const wuhai = ofRegion(data, '乌海市');
    expect(wuhai).toMatchObject({ apps: [], needs: [], tasks: [], submissions: [] });
    expect(isEmpty(wuhai)).toBe(true);
  });
});

describe('isEmpty', () => {
  it('is true only with no applications, no needs and no tasks', () => {
    expect(isEmpty(yearData())).toBe(true);
    expect(isEmpty(yearData({ apps: [makeApp()] }))).toBe(false);
    expect(isEmpty(yearData({ needs: [makeNeed()] }))).toBe(false);
    expect(isEmpty(yearData({ tasks: [task(1, ['包头市'])] }))).toBe(false);
    expect(isEmpty(yearData({ apps: [makeApp()], needs: [makeNeed()], tasks: [task(1, ['包头市'])] }))).toBe(false);
  });

  it('does not count experts, summaries or submissions alone', () => {
    expect(isEmpty(yearData({ experts: new Map([[1, {} as Expert]]), summaries: new Map([[1, {} as ActivitySummary]]), submissions: [sub(1, 1, '包头市')] }))).toBe(true);
  });
});

describe('codes', () => {
  it('writes SQ/XQ/BS with the year and four digits; an application without a code has none', () => {
    expect(appCode(makeApp({ codeYear: 2027, codeSeq: 12 }))).toBe('SQ2027-0012');
    expect(appCode(makeApp({ codeYear: null, codeSeq: null, status: '草稿' }))).toBe('');
    expect(needCode(makeNeed({ codeYear: 2027, codeSeq: 305 }))).toBe('XQ2027-0305');
    expect(taskCode(task(1, [], { codeYear: 2028, codeSeq: 7 }))).toBe('BS2028-0007');
  });
});

describe('decisionOf', () => {
  it.each([
    ['已通过', '通过'],
    ['已举办', '通过'],
    ['已总结', '通过'],
    ['已退回', '退回修改'],
    ['未通过', '不予受理'],
    ['待审核', ''],
    ['草稿', ''],
    ['已撤回', ''],
    ['已取消', ''],
  ])('reads %s as %j', (status, words) => {
    expect(decisionOf(makeApp({ status: status as Application['status'] }))).toBe(words);
  });

  it('counts as approved 已通过 and after, as held 已举办 and after', () => {
    expect(APPROVED_STATUSES).toEqual(['已通过', '已举办', '已总结']);
    expect(HELD_STATUSES).toEqual(['已举办', '已总结']);
  });
});

describe('topicsText', () => {
  it('names the activities as the menu does, 、-separated, in the order chosen', () => {
    expect(topicsText(makeApp({ topics: JSON.stringify(['exchange-1', 'lecture-4']) }))).toBe('互动交流 1. “科创会客厅”科技成果推介与对接、专题讲座 4. 科技政策落地宣讲解读');
    expect(topicsText(makeApp({ topics: JSON.stringify(['lecture-4']) }))).toBe('专题讲座 4. 科技政策落地宣讲解读');
  });

  it('leaves out values not in the menu, and reads a missing or broken list as none', () => {
    expect(topicsText(makeApp({ topics: JSON.stringify(['lecture-4', 'lecture-99', 4, null, 'exchange-1']) }))).toBe('专题讲座 4. 科技政策落地宣讲解读、互动交流 1. “科创会客厅”科技成果推介与对接');
    expect(topicsText(makeApp({ topics: JSON.stringify(['nope']) }))).toBe('');
    expect(topicsText(makeApp({ topics: null }))).toBe('');
    expect(topicsText(makeApp({ topics: '' }))).toBe('');
    expect(topicsText(makeApp({ topics: '["lecture-4"' }))).toBe('');
    expect(topicsText(makeApp({ topics: '"lecture-4"' }))).toBe('');
    expect(topicsText(makeApp({ topics: '{"0":"lecture-4"}' }))).toBe('');
  });
});

describe('ratiosOf', () => {
  const figures = (headcount: number, coreCount: number, enterpriseCount: number, keyIndustryCount: number) => ({ headcount, coreCount, enterpriseCount, keyIndustryCount });

  it('measures the core audience against 80 % and the key industries against 60 %, exactly at the threshold met', () => {
    expect(ratiosOf(figures(100, 80, 20, 12))).toEqual({ core: 0.8, coreMet: true, keyIndustry: 0.6, keyIndustryMet: true });
    expect(ratiosOf(figures(5, 4, 5, 3))).toEqual({ core: 0.8, coreMet: true, keyIndustry: 0.6, keyIndustryMet: true });
  });

  it('is not met just under: 79.99 % is not 80 %, 59.99 % not 60 %', () => {
    expect(ratiosOf(figures(10_000, 7_999, 10_000, 5_999))).toEqual({ core: 0.7999, coreMet: false, keyIndustry: 0.5999, keyIndustryMet: false });
    expect(ratiosOf(figures(100, 79, 100, 59))).toEqual({ core: 0.79, coreMet: false, keyIndustry: 0.59, keyIndustryMet: false });
  });

  it('is met above, up to everyone', () => {
    expect(ratiosOf(figures(120, 100, 20, 15))).toEqual({ core: 100 / 120, coreMet: true, keyIndustry: 0.75, keyIndustryMet: true });
    expect(ratiosOf(figures(3, 3, 7, 7))).toEqual({ core: 1, coreMet: true, keyIndustry: 1, keyIndustryMet: true });
  });

  it('has no ratio, and nothing met, without a denominator', () => {
    expect(ratiosOf(figures(0, 0, 0, 0))).toEqual({ core: null, coreMet: false, keyIndustry: null, keyIndustryMet: false });
    expect(ratiosOf(figures(0, 0, 10, 1))).toEqual({ core: null, coreMet: false, keyIndustry: 0.1, keyIndustryMet: false });
    expect(ratiosOf(figures(50, 10, 0, 0))).toEqual({ core: 0.2, coreMet: false, keyIndustry: null, keyIndustryMet: false });
  });
});

describe('reportStateOf', () => {
  const t = task(1, ['包头市', '赤峰市']);

  it('is 按时提交 or 逾期提交 once the 盟市 has submitted, whatever the time', () => {
    expect(reportStateOf(t, '包头市', [sub(1, 1, '包头市')], DEADLINE - HOUR)).toBe('on-time');
    expect(reportStateOf(t, '包头市', [sub(1, 1, '包头市')], DEADLINE + HOUR)).toBe('on-time');
    expect(reportStateOf(t, '包头市', [sub(1, 1, '包头市', true)], DEADLINE + HOUR)).toBe('late');
    expect(reportStateOf(t, '包头市', [sub(1, 1, '包头市', true)], DEADLINE - HOUR)).toBe('late');
  });

  it('without a submission: open until the deadline, missing from the deadline instant on', () => {
    expect(reportStateOf(t, '包头市', [], DEADLINE - 1)).toBe('open');
    expect(reportStateOf(t, '包头市', [], DEADLINE)).toBe('missing');
    expect(reportStateOf(t, '包头市', [], DEADLINE + 1)).toBe('missing');
  });

  it('counts only this task’s submission from this 盟市', () => {
    const others = [sub(1, 2, '包头市', true), sub(2, 1, '赤峰市', true), sub(3, 2, '包头市')];
    expect(reportStateOf(t, '包头市', others, DEADLINE - 1)).toBe('open');
    expect(reportStateOf(t, '包头市', others, DEADLINE)).toBe('missing');
    expect(reportStateOf(t, '包头市', [...others, sub(4, 1, '包头市')], DEADLINE)).toBe('on-time');
    expect(reportStateOf(t, '赤峰市', others, DEADLINE)).toBe('late');
  });

  it('has the words the figures print', () => {
    expect(REPORT_STATE_WORDS).toEqual({ 'on-time': '按时提交', late: '逾期提交', missing: '未提交', open: '未到截止时间' });
  });
});
