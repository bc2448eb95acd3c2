import type { Application } from '../db/entities/application.entity';
import type { Need } from '../db/entities/need.entity';
import { FIELD_LABELS } from '../domain/application-fields';
import { industryLabel } from '../domain/industries';
import { NEED_LABELS } from '../domain/need-rules';
import { appCode, decisionOf, needCode, ratiosOf, topicsText, type YearData } from './figures-data';
import { buildWorkbook, localDateTime, type CellInput, type SheetColumn, type SheetSpec } from './sheet-writing';

/**
 * The 导出 exports, in the notice's columns: the 申请表's ten fields in the form's order and
 * wording (申请单位名称, 企业需求, 活动对象, 活动时间, 活动人数, 活动地点, 联系人, 手机号码,
 * 电子邮箱, 备注), then the code, status, decision and 审核意见, then the summary's actual
 * figures and the notice's two ratios. 活动时间 is the first day, as a date; the last day follows
 * the form's columns (活动结束日期), so both sort and filter as dates.
 */

/** The notice's form (附件: 申请表), its ten fields in its order and wording. */
export const NOTICE_FORM_COLUMNS: readonly SheetColumn[] = [
  { header: FIELD_LABELS.org_name, width: 28 },
  { header: FIELD_LABELS.needs, width: 36 },
  { header: FIELD_LABELS.audience, width: 30 },
  { header: '活动时间', width: 12, kind: 'date' },
  { header: FIELD_LABELS.headcount, width: 10, kind: 'number' },
  { header: FIELD_LABELS.venue, width: 28 },
  { header: FIELD_LABELS.contact_name, width: 10 },
  { header: FIELD_LABELS.mobile, width: 14 },
  { header: FIELD_LABELS.email, width: 24 },
  { header: FIELD_LABELS.remarks, width: 24 },
];

export const APPLICATION_EXPORT_COLUMNS: readonly SheetColumn[] = [
  ...NOTICE_FORM_COLUMNS,
  { header: '编号', width: 14 },
  { header: FIELD_LABELS.region, width: 12 },
  { header: '活动结束日期', width: 12, kind: 'date' },
  { header: FIELD_LABELS.topics, width: 36 },
  { header: '状态', width: 8 },
  { header: '审核结论', width: 10 },
  { header: '审核时间', width: 17, kind: 'datetime' },
  { header: '审核意见', width: 30 },
  { header: '实际参加人数', width: 12, kind: 'number' },
  { header: '第（2）（3）类人员人数（实际）', width: 16, kind: 'number' },
  { header: '第（2）（3）类人员占比', width: 14, kind: 'percent' },
  { header: '参与企业数（实际）', width: 12, kind: 'number' },
  { header: '自治区十大产业企业数（实际）', width: 16, kind: 'number' },
  { header: '十大产业企业占比', width: 14, kind: 'percent' },
  { header: '满意度', width: 8, kind: 'number' },
];

export function applicationRow(a: Application, data: Pick<YearData, 'summaries'>, timezone: string): CellInput[] {
  const s = data.summaries.get(a.id);
  const r = s ? ratiosOf(s) : undefined;
  return [
    a.orgName,
    a.needs,
    a.audience,
    a.startDate,
    a.headcount,
    a.venue,
    a.contactName,
    a.mobile,
    a.email,
    a.remarks,
    appCode(a),
    a.region,
    a.endDate,
    topicsText(a),
    a.status,
    decisionOf(a),
    a.decidedAt ? localDateTime(a.decidedAt, timezone) : null,
    a.decisionReason,
    s?.headcount,
    s?.coreCount,
    r?.core,
    s?.enterpriseCount,
    s?.keyIndustryCount,
    r?.keyIndustry,
    s?.satisfaction,
  ];
}

export const NEED_EXPORT_COLUMNS: readonly SheetColumn[] = [
  { header: '编号', width: 14 },
  { header: NEED_LABELS.enterprise_name, width: 28 },
  { header: NEED_LABELS.region, width: 12 },
  { header: NEED_LABELS.industry, width: 16 },
  { header: NEED_LABELS.need_type, width: 10 },
  { header: NEED_LABELS.description, width: 48 },
  { header: NEED_LABELS.contact_name, width: 10 },
  { header: NEED_LABELS.mobile, width: 14 },
  { header: '状态', width: 8 },
  { header: '对接专家', width: 12 },
  { header: '专家单位', width: 24 },
  { header: '对接说明', width: 36 },
  { header: '提交时间', width: 17, kind: 'datetime' },
  { header: '最近更新', width: 17, kind: 'datetime' },
];

export function needRow(n: Need, data: Pick<YearData, 'experts'>, timezone: string): CellInput[] {
  const expert = n.expertId !== null ? data.experts.get(n.expertId) : undefined;
  return [
    needCode(n),
    n.enterpriseName,
    n.region,
    industryLabel(n.industry),
    n.needType,
    n.description,
    n.contactName,
    n.mobile,
    n.status,
    expert?.name,
    expert?.organisation,
    n.matchNote,
    localDateTime(n.createdAt, timezone),
    localDateTime(n.updatedAt, timezone),
  ];
}

export function applicationSheet(apps: readonly Application[], data: Pick<YearData, 'summaries'>, timezone: string): SheetSpec {
  return { name: '活动申请', columns: APPLICATION_EXPORT_COLUMNS, rows: apps.map((a) => applicationRow(a, data, timezone)) };
}

export function needSheet(needs: readonly Need[], data: Pick<YearData, 'experts'>, timezone: string): SheetSpec {
  return { name: '企业需求', columns: NEED_EXPORT_COLUMNS, rows: needs.map((n) => needRow(n, data, timezone)) };
}

export async function applicationWorkbook(apps: readonly Application[], data: Pick<YearData, 'summaries'>, timezone: string): Promise<Buffer> {
  return buildWorkbook([applicationSheet(apps, data, timezone)]);
}

export async function needWorkbook(needs: readonly Need[], data: Pick<YearData, 'experts'>, timezone: string): Promise<Buffer> {
  return buildWorkbook([needSheet(needs, data, timezone)]);
}
