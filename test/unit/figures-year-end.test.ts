import type { ActivitySummary } from '../../src/db/entities/activity-summary.entity';
import type { Expert } from '../../src/db/entities/expert.entity';
import type { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import type { ReportTask } from '../../src/db/entities/report-task.entity';
import type { Region } from '../../src/domain/regions';
import { ofRegion, type YearData } from '../../src/services/figures-data';
import { yearEndFigures, yearEndFileName, yearEndWorkbook, type FigureTable, type YearEndFigures } from '../../src/services/figures-year-end';
import { makeApp, makeNeed, T0 } from '../helpers/factories';
import { readWorkbook } from '../helpers/uploads';

/**
 * The year-end figures (落实情况数据) computed in process from a YearData built here, for the
 * whole region and for one 盟市 (narrowed as the job narrows it, with ofRegion): the title, the
 * five sections' headings, lead sentences, columns and exact rows (activities held in date
 * order, 未总结 where no summary, the totals from the summaries of the scope's own activities,
 * needs with their expert, experts by needs matched, report tasks per 盟市 or per task), the
 * file names and the workbook's sheets.
 */

const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = T0 + 30 * DAY;
const TOPICS = '专题讲座 4. 科技政策落地宣讲解读、互动交流 1. “科创会客厅”科技成果推介与对接';

function summary(applicationId: number, headcount: number, coreCount: number, enterpriseCount: number, keyIndustryCount: number): ActivitySummary {
  return { id: applicationId * 10, applicationId, headcount, coreCount, enterpriseCount, keyIndustryCount, satisfaction: 5, outcomes: '成效', followupNeeds: '', filedBy: 'ou_filer1', filedAt: T0, originPlatform: 'feishu', originTenant: 'tenant_1' };
}

function task(id: number, regions: Region[], deadlineAt: number): ReportTask {
  return { id, tenantKey: 'tenant_1', formToken: `tok_task_${id}`, codeYear: 2027, codeSeq: id, title: `报送${id}`, description: '请报送', deadlineAt, regions: JSON.stringify(regions), expects: 'text', createdBy: 'ou_admin', progressKeys: '[]', version: 1, createdAt: T0, originPlatform: 'feishu', originTenant: 'tenant_1' };
}

function submission(id: number, taskId: number, region: Region, late: boolean, submittedAt: number): ReportSubmission {
  return { id, taskId, region, text: '已报送', submittedBy: 'ou_region', submittedAt, late, times: 1, originPlatform: 'feishu', originTenant: 'tenant_1' };
}

/**
 * 包头市: held activities on 06-10 (summarised), 07-01 (not) and with no date, one still pending;
 * 赤峰市: one summarised on 06-10 too (a lower id, so first on that day). A summary of an
 * application not filed this year is left out of the totals. Needs matched to a known expert
 * (twice), to one no longer on record, and one waiting. Task 1 asks three 盟市 (on time, late,
 * missing), task 2 (包头市) is not due yet, task 3 (包头市) was answered late.
 */
function season(): YearData {
  const apps = [
    makeApp({ id: 1, codeSeq: 1, region: '包头市', status: '已举办', startDate: '2027-07-01', endDate: '2027-07-01', venue: '包头会场' }),
    makeApp({ id: 3, codeSeq: 3, region: '包头市', status: '已总结', startDate: '2027-06-10', endDate: '2027-06-11', venue: '包头报告厅' }),
    makeApp({ id: 2, codeSeq: 2, region: '赤峰市', status: '已总结', startDate: '2027-06-10', endDate: '2027-06-10', venue: '赤峰报告厅', topics: JSON.stringify(['exchange-1', 'nonsense']) }),
    makeApp({ id: 4, codeSeq: 4, region: '包头市', status: '待审核', startDate: '2027-05-01' }),
    makeApp({ id: 5, codeSeq: 5, region: '包头市', status: '已举办', startDate: null, endDate: null, venue: '待定' }),
  ];
  const summaries = new Map<number, ActivitySummary>([
    [2, summary(2, 100, 80, 10, 6)],
    [3, summary(3, 50, 30, 4, 1)],
    [99, summary(99, 1000, 1000, 1000, 1000)],
  ]);
  const needs = [
    makeNeed({ id: 1, codeSeq: 1, region: '包头市', enterpriseName: '包头甲公司', industry: 'rare-earth', needType: '技术攻关', status: '已对接', expertId: 5, matchNote: '已联系' }),
    makeNeed({ id: 2, codeSeq: 2, region: '赤峰市', enterpriseName: '赤峰乙公司', industry: 'new-energy', needType: '人才培训', status: '已解决', expertId: 5, matchNote: null }),
    makeNeed({ id: 3, codeSeq: 3, region: '包头市', enterpriseName: '包头丙公司', industry: 'rare-earth', needType: '技术攻关', status: '已对接', expertId: 8, matchNote: null }),
    makeNeed({ id: 4, codeSeq: 4, region: '包头市', enterpriseName: '包头丁公司', industry: 'rare-earth', needType: '技术攻关', status: '待对接', expertId: null, matchNote: null }),
  ];
  const experts = new Map<number, Expert>([[5, { id: 5, name: '李四', organisation: '内蒙古大学' } as Expert]]);
  const tasks = [task(1, ['包头市', '赤峰市', '通辽市'], NOW - DAY), task(2, ['包头市'], NOW + DAY), task(3, ['包头市'], NOW - 2 * DAY)];
  const submissions = [
    submission(1, 1, '包头市', false, T0),
    submission(2, 1, '赤峰市', true, NOW - HOUR),
    submission(3, 3, '包头市', true, NOW - DAY - HOUR),
  ];
  return { year: 2027, apps, summaries, needs, experts, tasks, submissions };
}

const table = (tables: FigureTable[], sheet: string): FigureTable => tables.find((t) => t.sheet === sheet)!;

describe('yearEndFigures for the whole region (全区)', () => {
  // Built per test, not in the describe body: Stryker activates a mutant only inside a test.
  let f: YearEndFigures;
  beforeEach(() => {
    f = yearEndFigures(season(), '全区', NOW, TZ);
  });

  it('is titled for 全区 and the year, as of the instant in the time zone, with five sections in order', () => {
    expect(f.year).toBe(2027);
    expect(f.scope).toBe('全区');
    expect(f.title).toBe('全区2027年企业创新能力提升行动落实情况数据');
    expect(f.asOf).toBe('2027-06-19 09:30');
    expect(f.tables.map((t) => [t.heading, t.sheet])).toEqual([
      ['一、活动开展情况', '活动开展情况'],
      ['二、总体情况', '总体情况'],
      ['三、企业需求征集与对接情况', '企业需求对接'],
      ['四、专家参与情况', '参与专家'],
      ['五、报送任务完成情况', '报送任务'],
    ]);
  });

  it('lists the held activities by start date then id, undated first, with the 盟市, actual participants and ratios, 未总结 without a summary', () => {
    const t = table(f.tables, '活动开展情况');
    expect(t.lead).toBe('2027年共举办企业创新能力提升行动活动 4 场（按活动评估总结的实际数统计参加人数和比例；未提交总结的活动标注“未总结”）。');
    expect(t.columns).toEqual([
      { header: '序号', width: 6, kind: 'number' },
      { header: '盟市', width: 12 },
      { header: '活动开始日期', width: 12, kind: 'date' },
      { header: '活动结束日期', width: 12, kind: 'date' },
      { header: '活动地点', width: 28 },
      { header: '活动内容', width: 40 },
      { header: '参加人数', width: 10, kind: 'number' },
      { header: '第（2）（3）类人员占比', width: 14, kind: 'percent' },
      { header: '十大产业企业占比', width: 14, kind: 'percent' },
    ]);
    expect(t.rows).toEqual([
      [1, '包头市', null, null, '待定', TOPICS, '未总结', null, null],
      [2, '赤峰市', '2027-06-10', '2027-06-10', '赤峰报告厅', '互动交流 1. “科创会客厅”科技成果推介与对接', 100, 0.8, 0.6],
      [3, '包头市', '2027-06-10', '2027-06-11', '包头报告厅', TOPICS, 50, 0.6, 0.25],
      [4, '包头市', '2027-07-01', '2027-07-01', '包头会场', TOPICS, '未总结', null, null],
    ]);
  });

  it('totals the year from the 通报 figures and the summaries of the year’s own activities', () => {
    const t = table(f.tables, '总体情况');
    expect(t.lead).toBe('提交活动申请 5 份，通过审核 4 份，举办活动 4 场，参加 150 人次。');
    expect(t.columns).toEqual([
      { header: '项目', width: 36 },
      { header: '数量', width: 10, kind: 'number' },
    ]);
    expect(t.rows).toEqual([
      ['提交活动申请（份）', 5],
      ['通过审核（份）', 4],
      ['举办活动（场）', 4],
      ['提交活动评估总结（份）', 2],
      ['参加人数（人次）', 150],
      ['其中第（2）（3）类人员（人次）', 110],
      ['参与企业（家次）', 14],
      ['其中自治区十大产业企业（家次）', 7],
      ['第（2）（3）类人员占比达到 80% 以上的活动（场）', 1],
      ['十大产业企业占比达到 60% 以上的活动（场）', 1],
    ]);
  });

  it('lists every need with its 盟市, industry label and expert (blank when no longer on record)', () => {
    const t = table(f.tables, '企业需求对接');
    expect(t.lead).toBe('征集企业需求 4 项，已对接专家 3 项，已解决 1 项。');
    expect(t.columns).toEqual([
      { header: '需求编号', width: 14 },
      { header: '盟市', width: 12 },
      { header: '企业名称', width: 28 },
      { header: '行业', width: 14 },
      { header: '需求类型', width: 10 },
      { header: '状态', width: 8 },
      { header: '对接专家', width: 12 },
      { header: '对接说明', width: 30 },
    ]);
    expect(t.rows).toEqual([
      ['XQ2027-0001', '包头市', '包头甲公司', '稀土及新材料', '技术攻关', '已对接', '李四', '已联系'],
      ['XQ2027-0002', '赤峰市', '赤峰乙公司', '新能源（风光氢储）', '人才培训', '已解决', '李四', null],
      ['XQ2027-0003', '包头市', '包头丙公司', '稀土及新材料', '技术攻关', '已对接', null, null],
      ['XQ2027-0004', '包头市', '包头丁公司', '稀土及新材料', '技术攻关', '待对接', null, null],
    ]);
  });

  it('counts each expert’s matched needs, naming one no longer on record by id', () => {
    const t = table(f.tables, '参与专家');
    expect(t.lead).toBe('共有 2 位专家参与企业需求对接。');
    expect(t.columns).toEqual([
      { header: '专家姓名', width: 12 },
      { header: '工作单位', width: 28 },
      { header: '对接需求数', width: 10, kind: 'number' },
    ]);
    expect(t.rows).toEqual([
      ['李四', '内蒙古大学', 2],
      ['专家 8', null, 1],
    ]);
  });

  it('gives each report task its on-time, late and missing 盟市 (none before the deadline)', () => {
    const t = table(f.tables, '报送任务');
    expect(t.lead).toBe('共发起报送任务 3 项：按时提交 1 次，逾期提交 2 次，截止后未提交 1 次。');
    expect(t.columns).toEqual([
      { header: '任务编号', width: 14 },
      { header: '任务名称', width: 30 },
      { header: '截止时间', width: 17 },
      { header: '按时提交', width: 10, kind: 'number' },
      { header: '逾期提交', width: 10, kind: 'number' },
      { header: '未提交', width: 10, kind: 'number' },
    ]);
    expect(t.rows).toEqual([
      ['BS2027-0001', '报送1', '2027-06-18 09:30', 1, 1, 1],
      ['BS2027-0002', '报送2', '2027-06-20 09:30', 0, 0, 0],
      ['BS2027-0003', '报送3', '2027-06-17 09:30', 0, 1, 0],
    ]);
  });

  it('puts undated activities first, by id, whichever order they come in', () => {
    const apps = [
      makeApp({ id: 12, region: '乌海市', status: '已举办', startDate: null, venue: '乙' }),
      makeApp({ id: 11, region: '乌海市', status: '已举办', startDate: '2027-06-01', venue: '丙' }),
      makeApp({ id: 10, region: '乌海市', status: '已举办', startDate: null, venue: '甲' }),
    ];
    const data: YearData = { year: 2027, apps, summaries: new Map(), needs: [], experts: new Map(), tasks: [], submissions: [] };
    expect(table(yearEndFigures(data, '全区', NOW, TZ).tables, '活动开展情况').rows.map((r) => r[4])).toEqual(['甲', '乙', '丙']);
  });

  it('is named after the scope and the year', () => {
    expect(yearEndFileName(f, 'docx')).toBe('全区2027年落实情况数据.docx');
    expect(yearEndFileName(f, 'xlsx')).toBe('全区2027年落实情况数据.xlsx');
  });
});

describe('yearEndFigures for one 盟市 (narrowed with ofRegion, as the job does)', () => {
  let f: YearEndFigures;
  beforeEach(() => {
    f = yearEndFigures(ofRegion(season(), '包头市'), '包头市', NOW, TZ);
  });

  it('is titled for the 盟市 and has no 盟市 column', () => {
    expect(f.scope).toBe('包头市');
    expect(f.title).toBe('包头市2027年企业创新能力提升行动落实情况数据');
    expect(yearEndFileName(f, 'xlsx')).toBe('包头市2027年落实情况数据.xlsx');
    for (const t of f.tables) expect(t.columns.map((c) => c.header)).not.toContain('盟市');
  });

  it('lists only its own activities and needs, without the 盟市 cell', () => {
    const activities = table(f.tables, '活动开展情况');
    expect(activities.lead).toBe('2027年共举办企业创新能力提升行动活动 3 场（按活动评估总结的实际数统计参加人数和比例；未提交总结的活动标注“未总结”）。');
    expect(activities.rows).toEqual([
      [1, null, null, '待定', TOPICS, '未总结', null, null],
      [2, '2027-06-10', '2027-06-11', '包头报告厅', TOPICS, 50, 0.6, 0.25],
      [3, '2027-07-01', '2027-07-01', '包头会场', TOPICS, '未总结', null, null],
    ]);
    expect(table(f.tables, '企业需求对接').rows).toEqual([
      ['XQ2027-0001', '包头甲公司', '稀土及新材料', '技术攻关', '已对接', '李四', '已联系'],
      ['XQ2027-0003', '包头丙公司', '稀土及新材料', '技术攻关', '已对接', null, null],
      ['XQ2027-0004', '包头丁公司', '稀土及新材料', '技术攻关', '待对接', null, null],
    ]);
    expect(table(f.tables, '参与专家').rows).toEqual([
      ['李四', '内蒙古大学', 1],
      ['专家 8', null, 1],
    ]);
  });

  it('totals only its own figures: other 盟市’ summaries and missing reports left out', () => {
    const t = table(f.tables, '总体情况');
    expect(t.lead).toBe('提交活动申请 4 份，通过审核 3 份，举办活动 3 场，参加 50 人次。');
    expect(t.rows.map((r) => r[1])).toEqual([4, 3, 3, 1, 50, 30, 4, 1, 0, 0]);
    expect(table(f.tables, '企业需求对接').lead).toBe('征集企业需求 3 项，已对接专家 2 项，已解决 0 项。');
  });

  it('gives each task asking it its own state and submission time', () => {
    const t = table(f.tables, '报送任务');
    expect(t.heading).toBe('五、报送任务完成情况');
    expect(t.lead).toBe('中心发起的报送任务 3 项：按时提交 1 项，逾期提交 1 项，截止后未提交 0 项。');
    expect(t.columns).toEqual([
      { header: '任务编号', width: 14 },
      { header: '任务名称', width: 30 },
      { header: '截止时间', width: 17 },
      { header: '提交情况', width: 12 },
      { header: '提交时间', width: 17 },
    ]);
    expect(t.rows).toEqual([
      ['BS2027-0001', '报送1', '2027-06-18 09:30', '按时提交', '2027-05-20 09:30'],
      ['BS2027-0002', '报送2', '2027-06-20 09:30', '未到截止时间', null],
      ['BS2027-0003', '报送3', '2027-06-17 09:30', '逾期提交', '2027-06-18 08:30'],
    ]);
  });

  it('shows the 盟市’s own submission time even when handed other 盟市’ submissions', () => {
    const data = ofRegion(season(), '包头市');
    const others = { ...data, submissions: [submission(9, 1, '赤峰市', true, NOW - HOUR), ...data.submissions] };
    const t = table(yearEndFigures(others, '包头市', NOW, TZ).tables, '报送任务');
    expect(t.rows[0]).toEqual(['BS2027-0001', '报送1', '2027-06-18 09:30', '按时提交', '2027-05-20 09:30']);
  });
});

describe('yearEndWorkbook', () => {
  it('writes one sheet per section, in order, with the headers and rows', async () => {
    const wb = await readWorkbook(await yearEndWorkbook(yearEndFigures(season(), '全区', NOW, TZ)));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['活动开展情况', '总体情况', '企业需求对接', '参与专家', '报送任务']);
    const experts = wb.getWorksheet('参与专家')!;
    expect([1, 2, 3].map((r) => (experts.getRow(r).values as unknown[]).slice(1))).toEqual([
      ['专家姓名', '工作单位', '对接需求数'],
      ['李四', '内蒙古大学', 2],
      ['专家 8', undefined, 1],
    ]);
  });
});
