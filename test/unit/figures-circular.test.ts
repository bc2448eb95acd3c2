import type { ActivitySummary } from '../../src/db/entities/activity-summary.entity';
import type { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import type { ReportTask } from '../../src/db/entities/report-task.entity';
import { REGIONS, type Region } from '../../src/domain/regions';
import { CIRCULAR_COLUMNS, circularRanks, circularRows, circularSheet, circularTotals, type CircularFigures, type CircularRow } from '../../src/services/figures-circular';
import type { YearData } from '../../src/services/figures-data';
import { makeApp, makeNeed, T0 } from '../helpers/factories';

/**
 * The monthly 通报's figures computed in process from a YearData built here: the per-盟市 rows
 * (applications by status, the summaries' participants and 80 %/60 % rules, needs matched and
 * solved, report tasks on time / late / missing), the totals, the places and the spreadsheet.
 */

const DAY = 86_400_000;
const NOW = T0 + 30 * DAY;

function summary(applicationId: number, headcount: number, coreCount: number, enterpriseCount: number, keyIndustryCount: number): ActivitySummary {
  return {
    id: applicationId * 10,
    applicationId,
    headcount,
    coreCount,
    enterpriseCount,
    keyIndustryCount,
    satisfaction: 5,
    outcomes: '成效',
    followupNeeds: '',
    filedBy: 'ou_filer1',
    filedAt: T0,
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
  };
}

function task(id: number, regions: Region[], deadlineAt: number): ReportTask {
  return {
    id,
    tenantKey: 'tenant_1',
    formToken: `tok_task_${id}`,
    codeYear: 2027,
    codeSeq: id,
    title: `报送${id}`,
    description: '请报送',
    deadlineAt,
    regions: JSON.stringify(regions),
    expects: 'text',
    createdBy: 'ou_admin',
    progressKeys: '[]',
    version: 1,
    createdAt: T0,
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
  };
}

function submission(id: number, taskId: number, region: Region, late: boolean): ReportSubmission {
  return { id, taskId, region, text: '已报送', submittedBy: 'ou_region', submittedAt: T0, late, times: 1, originPlatform: 'feishu', originTenant: 'tenant_1' };
}

const ZERO: CircularFigures = {
  filed: 0,
  approved: 0,
  held: 0,
  summarised: 0,
  participants: 0,
  coreMet: 0,
  keyIndustryMet: 0,
  needsFiled: 0,
  needsMatched: 0,
  needsSolved: 0,
  reportsOnTime: 0,
  reportsLate: 0,
  reportsMissing: 0,
};

/**
 * 包头市: six applications in six states, two summarised (one exactly at 80 % and 60 %, one just
 * under both); six needs; three report tasks. 赤峰市: one summarised activity without
 * enterprises, one need solved, one late report. 通辽市: only a missing report. Applications and
 * needs of no known 盟市 are left out.
 */
function season(): YearData {
  const apps = [
    makeApp({ id: 1, region: '包头市', status: '待审核' }),
    makeApp({ id: 2, region: '包头市', status: '已通过' }),
    makeApp({ id: 3, region: '包头市', status: '已举办' }),
    makeApp({ id: 4, region: '包头市', status: '已总结' }),
    makeApp({ id: 5, region: '包头市', status: '已总结' }),
    makeApp({ id: 6, region: '包头市', status: '已退回' }),
    makeApp({ id: 7, region: '赤峰市', status: '已总结' }),
    makeApp({ id: 8, region: null, status: '已总结' }),
    makeApp({ id: 9, region: '北京市', status: '已举办' }),
  ];
  const summaries = new Map<number, ActivitySummary>([
    [4, summary(4, 100, 80, 10, 6)],
    [5, summary(5, 100, 79, 10, 5)],
    [7, summary(7, 50, 45, 0, 0)],
    [8, summary(8, 1000, 1000, 10, 10)],
  ]);
  const needs = [
    makeNeed({ id: 1, region: '包头市', status: '待对接', expertId: null }),
    // Matched by status even where the expert is no longer on record.
    makeNeed({ id: 2, region: '包头市', status: '已对接', expertId: null }),
    makeNeed({ id: 3, region: '包头市', status: '跟进中', expertId: null }),
    makeNeed({ id: 4, region: '包头市', status: '已解决', expertId: null }),
    // Closed after matching counts as matched; closed before it does not.
    makeNeed({ id: 5, region: '包头市', status: '已关闭', expertId: 5 }),
    makeNeed({ id: 6, region: '包头市', status: '已关闭', expertId: null }),
    makeNeed({ id: 7, region: '赤峰市', status: '已解决', expertId: 3 }),
    makeNeed({ id: 8, region: '外地', status: '已解决', expertId: 3 }),
  ];
  const tasks = [
    task(1, ['包头市', '赤峰市', '通辽市'], NOW - DAY),
    task(2, ['包头市', '赤峰市'], NOW + DAY),
    task(3, ['包头市'], NOW),
  ];
  const submissions = [submission(1, 1, '包头市', false), submission(2, 1, '赤峰市', true), submission(3, 2, '包头市', false)];
  return { year: 2027, apps, summaries, needs, experts: new Map(), tasks, submissions };
}

const expectedRow = (region: Region, figures: Partial<CircularFigures> = {}): CircularRow => ({ region, ...ZERO, ...figures });

const BAOTOU = { filed: 6, approved: 4, held: 3, summarised: 2, participants: 200, coreMet: 1, keyIndustryMet: 1, needsFiled: 6, needsMatched: 4, needsSolved: 1, reportsOnTime: 2, reportsLate: 0, reportsMissing: 1 };
const CHIFENG = { filed: 1, approved: 1, held: 1, summarised: 1, participants: 50, coreMet: 1, keyIndustryMet: 0, needsFiled: 1, needsMatched: 1, needsSolved: 1, reportsOnTime: 0, reportsLate: 1, reportsMissing: 0 };
const TONGLIAO = { reportsMissing: 1 };

describe('circularRows', () => {
  it('gives every 盟市 one row in the notice’s order, with exact counts and zeros for a 盟市 with nothing', () => {
    const rows = circularRows(season(), NOW);
    expect(rows).toEqual(
      REGIONS.map((region) => (region === '包头市' ? expectedRow(region, BAOTOU) : region === '赤峰市' ? expectedRow(region, CHIFENG) : region === '通辽市' ? expectedRow(region, TONGLIAO) : expectedRow(region))),
    );
  });

  it('counts a report as missing from its deadline on, and not before', () => {
    const data = { ...season(), apps: [], needs: [], submissions: [] };
    const before = circularRows(data, NOW - DAY - 1).find((r) => r.region === '包头市')!;
    expect([before.reportsOnTime, before.reportsLate, before.reportsMissing]).toEqual([0, 0, 0]);
    const at = circularRows(data, NOW - DAY).find((r) => r.region === '包头市')!;
    expect([at.reportsOnTime, at.reportsLate, at.reportsMissing]).toEqual([0, 0, 1]);
  });

  it('takes participants and the 80 %/60 % rules from the summary alone', () => {
    const data: YearData = { year: 2027, apps: [makeApp({ id: 1, region: '乌海市', status: '已总结' })], summaries: new Map([[1, summary(1, 30, 24, 5, 3)]]), needs: [], experts: new Map(), tasks: [], submissions: [] };
    expect(circularRows(data, NOW).find((r) => r.region === '乌海市')).toEqual(expectedRow('乌海市', { filed: 1, approved: 1, held: 1, summarised: 1, participants: 30, coreMet: 1, keyIndustryMet: 1 }));
  });
});

describe('circularTotals', () => {
  it('adds every column over the 盟市', () => {
    expect(circularTotals(circularRows(season(), NOW))).toEqual({
      filed: 7, approved: 5, held: 4, summarised: 3, participants: 250, coreMet: 2, keyIndustryMet: 1, needsFiled: 7, needsMatched: 5, needsSolved: 2, reportsOnTime: 2, reportsLate: 1, reportsMissing: 2,
    });
  });

  it('is all zeros for no rows', () => {
    expect(circularTotals([])).toEqual(ZERO);
  });
});

describe('circularRanks', () => {
  it('places the 盟市 with more activities first, the ones with nothing sharing the next place', () => {
    const ranks = circularRanks(circularRows(season(), NOW));
    expect([...ranks]).toEqual(REGIONS.map((region) => [region, region === '包头市' ? 1 : region === '赤峰市' ? 2 : 3]));
  });
});

describe('circularSheet', () => {
  it('has the 盟市, the thirteen figures in the card’s order and the place, widths fitting the headers', () => {
    const sheet = circularSheet([], new Map());
    expect(sheet.name).toBe('通报');
    expect(CIRCULAR_COLUMNS.map((c) => c.header)).toEqual(['申请', '通过', '举办', '总结', '参加人数', '达到80%要求', '达到60%要求', '企业需求', '已对接', '已解决', '按时报送', '逾期报送', '未报送']);
    expect(sheet.columns).toEqual([
      { header: '盟市', width: 12 },
      { header: '申请', width: 8, kind: 'number' },
      { header: '通过', width: 8, kind: 'number' },
      { header: '举办', width: 8, kind: 'number' },
      { header: '总结', width: 8, kind: 'number' },
      { header: '参加人数', width: 10, kind: 'number' },
      { header: '达到80%要求', width: 16, kind: 'number' },
      { header: '达到60%要求', width: 16, kind: 'number' },
      { header: '企业需求', width: 10, kind: 'number' },
      { header: '已对接', width: 8, kind: 'number' },
      { header: '已解决', width: 8, kind: 'number' },
      { header: '按时报送', width: 10, kind: 'number' },
      { header: '逾期报送', width: 10, kind: 'number' },
      { header: '未报送', width: 8, kind: 'number' },
      { header: '名次（按举办活动数）', width: 12, kind: 'number' },
    ]);
    expect(sheet.rows).toEqual([['合计', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null]]);
  });

  it('writes one row per 盟市 with its place, then the totals without a place', () => {
    const rows = circularRows(season(), NOW);
    const sheet = circularSheet(rows, circularRanks(rows));
    expect(sheet.rows).toHaveLength(REGIONS.length + 1);
    expect(sheet.rows[0]).toEqual(['呼和浩特市', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(sheet.rows[1]).toEqual(['包头市', 6, 4, 3, 2, 200, 1, 1, 6, 4, 1, 2, 0, 1, 1]);
    expect(sheet.rows[3]).toEqual(['赤峰市', 1, 1, 1, 1, 50, 1, 0, 1, 1, 1, 0, 1, 0, 2]);
    expect(sheet.rows[4]).toEqual(['通辽市', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3]);
    expect(sheet.rows[REGIONS.length]).toEqual(['合计', 7, 5, 4, 3, 250, 2, 1, 7, 5, 2, 2, 1, 2, null]);
  });
});
