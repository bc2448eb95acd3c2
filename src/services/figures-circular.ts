import { REGIONS, type Region } from '../domain/regions';
import { APPROVED_STATUSES, HELD_STATUSES, ratiosOf, reportStateOf, type YearData } from './figures-data';
import { regionsOf } from './report-service';
import type { SheetColumn, SheetSpec } from './sheet-writing';

/**
 * The monthly 通报's figures: per 盟市, the season so far. Pure: computed from a YearData and
 * the instant it is as of (which report deadlines have passed).
 */

export interface CircularFigures {
  /** Applications filed (submitted) in the campaign year, approved (通过, then held or summarised), held, summarised. */
  filed: number;
  approved: number;
  held: number;
  summarised: number;
  /** Actual participants, from the evaluation summaries. */
  participants: number;
  /** Summarised activities that met the notice's 80 % rule (groups (2)+(3)) and its 60 % rule (key-industry enterprises). */
  coreMet: number;
  keyIndustryMet: number;
  needsFiled: number;
  /** Needs that got an expert (已对接, 跟进中, 已解决, or closed after matching). */
  needsMatched: number;
  needsSolved: number;
  /** Report tasks addressed to the 盟市: submitted by the deadline, after it, missing after it. */
  reportsOnTime: number;
  reportsLate: number;
  reportsMissing: number;
}

export interface CircularRow extends CircularFigures {
  region: Region;
}

const zero = (): CircularFigures => ({
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
});

/** One row per 盟市, in the notice's order, zeros included. */
export function circularRows(data: YearData, nowMs: number): CircularRow[] {
  const rows = new Map<Region, CircularRow>(REGIONS.map((region) => [region, { region, ...zero() }]));
  for (const a of data.apps) {
    const row = a.region ? rows.get(a.region as Region) : undefined;
    if (!row) continue;
    row.filed += 1;
    if (APPROVED_STATUSES.includes(a.status)) row.approved += 1;
    if (HELD_STATUSES.includes(a.status)) row.held += 1;
    const s = data.summaries.get(a.id);
    if (a.status === '已总结') row.summarised += 1;
    if (s) {
      const r = ratiosOf(s);
      row.participants += s.headcount;
      if (r.coreMet) row.coreMet += 1;
      if (r.keyIndustryMet) row.keyIndustryMet += 1;
    }
  }
  for (const n of data.needs) {
    const row = rows.get(n.region as Region);
    if (!row) continue;
    row.needsFiled += 1;
    if (n.expertId !== null || ['已对接', '跟进中', '已解决'].includes(n.status)) row.needsMatched += 1;
    if (n.status === '已解决') row.needsSolved += 1;
  }
  for (const task of data.tasks) {
    const asked = regionsOf(task);
    for (const row of rows.values()) {
      if (!asked.includes(row.region)) continue;
      const state = reportStateOf(task, row.region, data.submissions, nowMs);
      if (state === 'on-time') row.reportsOnTime += 1;
      else if (state === 'late') row.reportsLate += 1;
      else if (state === 'missing') row.reportsMissing += 1;
    }
  }
  return [...rows.values()];
}

export function circularTotals(rows: readonly CircularRow[]): CircularFigures {
  const total = zero();
  for (const row of rows) for (const key of Object.keys(total) as Array<keyof CircularFigures>) total[key] += row[key];
  return total;
}

/**
 * Each 盟市's place: by activities held, then summarised, then approved, then filed (more is
 * better); equal figures share a place (1, 2, 2, 4 …).
 */
export function circularRanks(rows: readonly CircularRow[]): Map<Region, number> {
  const key = (r: CircularRow) => [r.held, r.summarised, r.approved, r.filed];
  const better = (a: CircularRow, b: CircularRow) => {
    const ka = key(a);
    const kb = key(b);
    // Stryker disable next-line EqualityOperator: i <= ka.length only adds a step where both keys are undefined (equal, so it returns nothing); >= equals > where ka[i] !== kb[i]
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] > kb[i];
    return false;
  };
  return new Map(rows.map((r) => [r.region, 1 + rows.filter((o) => better(o, r)).length]));
}

/** The columns of the 通报 table, in the card's and the spreadsheet's order. */
export const CIRCULAR_COLUMNS: ReadonlyArray<{ key: keyof CircularFigures; header: string }> = [
  { key: 'filed', header: '申请' },
  { key: 'approved', header: '通过' },
  { key: 'held', header: '举办' },
  { key: 'summarised', header: '总结' },
  { key: 'participants', header: '参加人数' },
  { key: 'coreMet', header: '达到80%要求' },
  { key: 'keyIndustryMet', header: '达到60%要求' },
  { key: 'needsFiled', header: '企业需求' },
  { key: 'needsMatched', header: '已对接' },
  { key: 'needsSolved', header: '已解决' },
  { key: 'reportsOnTime', header: '按时报送' },
  { key: 'reportsLate', header: '逾期报送' },
  { key: 'reportsMissing', header: '未报送' },
];

export function circularSheet(rows: readonly CircularRow[], ranks: ReadonlyMap<Region, number>): SheetSpec {
  const columns: SheetColumn[] = [
    { header: '盟市', width: 12 },
    ...CIRCULAR_COLUMNS.map((c) => ({ header: c.header, width: Math.max(8, c.header.length * 2 + 2), kind: 'number' as const })),
    { header: '名次（按举办活动数）', width: 12, kind: 'number' },
  ];
  const totals = circularTotals(rows);
  return {
    name: '通报',
    columns,
    rows: [
      ...rows.map((r) => [r.region, ...CIRCULAR_COLUMNS.map((c) => r[c.key]), ranks.get(r.region)]),
      ['合计', ...CIRCULAR_COLUMNS.map((c) => totals[c.key]), null],
    ],
  };
}
