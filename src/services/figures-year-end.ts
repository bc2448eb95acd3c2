import { FIELD_LABELS } from '../domain/application-fields';
import { formatInstant } from '../domain/calendar';
import { industryLabel } from '../domain/industries';
import { NEED_LABELS } from '../domain/need-rules';
import type { Region } from '../domain/regions';
import { circularRows, circularTotals } from './figures-circular';
import { HELD_STATUSES, needCode, ratiosOf, reportStateOf, REPORT_STATE_WORDS, taskCode, topicsText, type YearData } from './figures-data';
import { regionsOf } from './report-service';
import { buildWorkbook, type CellInput, type SheetColumn, type SheetSpec } from './sheet-writing';

/**
 * The year-end figures for the 落实情况报告 (the 2021 notice asks every 盟市 for the year's
 * 工作抓手、有效措施和实际成效 by 12 月 9 日): the activities held, the totals, the needs and how
 * they were matched, the experts engaged, the report tasks answered. One structure, written
 * both as a .docx (figures-docx.ts, tables ready to paste into the report) and as an .xlsx.
 */

export interface FigureTable {
  /** Section heading, e.g. 一、活动开展情况. */
  heading: string;
  /** A sentence summing the section up, above its table. */
  lead: string;
  /** The spreadsheet's sheet name. */
  sheet: string;
  columns: SheetColumn[];
  rows: CellInput[][];
}

export interface YearEndFigures {
  year: number;
  /** A 盟市, or 全区. */
  scope: Region | '全区';
  /** When the figures were taken, as people read it. */
  asOf: string;
  title: string;
  tables: FigureTable[];
}

const NA = null;

export function yearEndFigures(data: YearData, scope: Region | '全区', nowMs: number, timezone: string): YearEndFigures {
  const all = scope === '全区';
  const regionCol: SheetColumn[] = all ? [{ header: '盟市', width: 12 }] : [];
  const region = (r: string | null): CellInput[] => (all ? [r] : []);

  const held = data.apps.filter((a) => HELD_STATUSES.includes(a.status)).sort((a, b) => (a.startDate ?? '').localeCompare(b.startDate ?? '') || a.id - b.id);
  const activities: FigureTable = {
    heading: '一、活动开展情况',
    lead: `${data.year}年共举办企业创新能力提升行动活动 ${held.length} 场（按活动评估总结的实际数统计参加人数和比例；未提交总结的活动标注“未总结”）。`,
    sheet: '活动开展情况',
    columns: [
      { header: '序号', width: 6, kind: 'number' },
      ...regionCol,
      { header: FIELD_LABELS.start_date, width: 12, kind: 'date' },
      { header: FIELD_LABELS.end_date, width: 12, kind: 'date' },
      { header: FIELD_LABELS.venue, width: 28 },
      { header: FIELD_LABELS.topics, width: 40 },
      { header: '参加人数', width: 10, kind: 'number' },
      { header: '第（2）（3）类人员占比', width: 14, kind: 'percent' },
      { header: '十大产业企业占比', width: 14, kind: 'percent' },
    ],
    rows: held.map((a, i) => {
      const s = data.summaries.get(a.id);
      const r = s ? ratiosOf(s) : undefined;
      return [i + 1, ...region(a.region), a.startDate, a.endDate, a.venue, topicsText(a), s ? s.headcount : '未总结', r ? r.core : NA, r ? r.keyIndustry : NA];
    }),
  };

  const rows = circularRows(data, nowMs).filter((r) => all || r.region === scope);
  const t = circularTotals(rows);
  let enterprises = 0;
  let keyIndustry = 0;
  let core = 0;
  for (const s of data.summaries.values()) {
    if (!data.apps.some((a) => a.id === s.applicationId)) continue;
    enterprises += s.enterpriseCount;
    keyIndustry += s.keyIndustryCount;
    core += s.coreCount;
  }
  const totals: FigureTable = {
    heading: '二、总体情况',
    lead: `提交活动申请 ${t.filed} 份，通过审核 ${t.approved} 份，举办活动 ${t.held} 场，参加 ${t.participants} 人次。`,
    sheet: '总体情况',
    columns: [
      { header: '项目', width: 36 },
      { header: '数量', width: 10, kind: 'number' },
    ],
    rows: [
      ['提交活动申请（份）', t.filed],
      ['通过审核（份）', t.approved],
      ['举办活动（场）', t.held],
      ['提交活动评估总结（份）', t.summarised],
      ['参加人数（人次）', t.participants],
      ['其中第（2）（3）类人员（人次）', core],
      ['参与企业（家次）', enterprises],
      ['其中自治区十大产业企业（家次）', keyIndustry],
      ['第（2）（3）类人员占比达到 80% 以上的活动（场）', t.coreMet],
      ['十大产业企业占比达到 60% 以上的活动（场）', t.keyIndustryMet],
    ],
  };

  const needs: FigureTable = {
    heading: '三、企业需求征集与对接情况',
    lead: `征集企业需求 ${t.needsFiled} 项，已对接专家 ${t.needsMatched} 项，已解决 ${t.needsSolved} 项。`,
    sheet: '企业需求对接',
    columns: [
      { header: '需求编号', width: 14 },
      ...regionCol,
      { header: NEED_LABELS.enterprise_name, width: 28 },
      { header: NEED_LABELS.industry, width: 14 },
      { header: NEED_LABELS.need_type, width: 10 },
      { header: '状态', width: 8 },
      { header: '对接专家', width: 12 },
      { header: '对接说明', width: 30 },
    ],
    rows: data.needs.map((n) => {
      const e = n.expertId !== null ? data.experts.get(n.expertId) : undefined;
      return [needCode(n), ...region(n.region), n.enterpriseName, industryLabel(n.industry), n.needType, n.status, e?.name ?? NA, n.matchNote];
    }),
  };

  const engaged = new Map<number, number>();
  for (const n of data.needs) if (n.expertId !== null) engaged.set(n.expertId, (engaged.get(n.expertId) ?? 0) + 1);
  const experts: FigureTable = {
    heading: '四、专家参与情况',
    lead: `共有 ${engaged.size} 位专家参与企业需求对接。`,
    sheet: '参与专家',
    columns: [
      { header: '专家姓名', width: 12 },
      { header: '工作单位', width: 28 },
      { header: '对接需求数', width: 10, kind: 'number' },
    ],
    rows: [...engaged].map(([id, count]) => {
      const e = data.experts.get(id);
      return [e?.name ?? `专家 ${id}`, e?.organisation ?? NA, count];
    }),
  };

  const reports: FigureTable = all
    ? {
        heading: '五、报送任务完成情况',
        lead: `共发起报送任务 ${data.tasks.length} 项：按时提交 ${t.reportsOnTime} 次，逾期提交 ${t.reportsLate} 次，截止后未提交 ${t.reportsMissing} 次。`,
        sheet: '报送任务',
        columns: [
          { header: '任务编号', width: 14 },
          { header: '任务名称', width: 30 },
          { header: '截止时间', width: 17 },
          { header: '按时提交', width: 10, kind: 'number' },
          { header: '逾期提交', width: 10, kind: 'number' },
          { header: '未提交', width: 10, kind: 'number' },
        ],
        rows: data.tasks.map((task) => {
          const states = regionsOf(task).map((r) => reportStateOf(task, r, data.submissions, nowMs));
          return [taskCode(task), task.title, formatInstant(task.deadlineAt, timezone), states.filter((s) => s === 'on-time').length, states.filter((s) => s === 'late').length, states.filter((s) => s === 'missing').length];
        }),
      }
    : {
        heading: '五、报送任务完成情况',
        lead: `中心发起的报送任务 ${data.tasks.length} 项：按时提交 ${t.reportsOnTime} 项，逾期提交 ${t.reportsLate} 项，截止后未提交 ${t.reportsMissing} 项。`,
        sheet: '报送任务',
        columns: [
          { header: '任务编号', width: 14 },
          { header: '任务名称', width: 30 },
          { header: '截止时间', width: 17 },
          { header: '提交情况', width: 12 },
          { header: '提交时间', width: 17 },
        ],
        rows: data.tasks.map((task) => {
          const sub = data.submissions.find((s) => s.taskId === task.id && s.region === scope);
          return [taskCode(task), task.title, formatInstant(task.deadlineAt, timezone), REPORT_STATE_WORDS[reportStateOf(task, scope, data.submissions, nowMs)], sub ? formatInstant(sub.submittedAt, timezone) : NA];
        }),
      };

  return {
    year: data.year,
    scope,
    asOf: formatInstant(nowMs, timezone),
    title: `${scope}${data.year}年企业创新能力提升行动落实情况数据`,
    tables: [activities, totals, needs, experts, reports],
  };
}

/** The same figures as an .xlsx: one sheet per table. */
export function yearEndWorkbook(f: YearEndFigures): Promise<Buffer> {
  const sheets: SheetSpec[] = f.tables.map((t) => ({ name: t.sheet, columns: t.columns, rows: t.rows }));
  return buildWorkbook(sheets);
}

export const yearEndFileName = (f: YearEndFigures, ext: 'docx' | 'xlsx') => `${f.scope}${f.year}年落实情况数据.${ext}`;

