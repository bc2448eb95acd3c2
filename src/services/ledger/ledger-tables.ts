import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { ActivitySummary } from '../../db/entities/activity-summary.entity';
import { Application } from '../../db/entities/application.entity';
import { Expert } from '../../db/entities/expert.entity';
import type { LedgerEntity } from '../../db/entities/ledger-entry.entity';
import { Need } from '../../db/entities/need.entity';
import { ReportFile } from '../../db/entities/report-file.entity';
import { ReportSubmission } from '../../db/entities/report-submission.entity';
import { ReportTask } from '../../db/entities/report-task.entity';
import { industryLabel } from '../../domain/industries';
import type { FieldSpec, FieldValue } from '../../platform/feishu/bitable-client';
import { appCode, decisionOf, needCode, taskCode } from '../figures-data';
import { STATE_WORDS, submissionState } from '../report-service';
import { teamOf } from '../application-record';

/**
 * The 台账's three tables in the centre's Base, their columns, and how a row is read from the
 * database (issue 13 item 1). Each table's first field is its primary field. Dates are Bitable
 * date fields (milliseconds); ratios are percentages with one decimal.
 */

export interface LedgerTable {
  entity: LedgerEntity;
  name: string;
  fields: readonly FieldSpec[];
  /** The record's fields as of now; null when there is nothing to record (a draft, a deleted row). */
  read(em: EntityManager, entityId: number, opts: { timezone: string; changedAt: number }): Promise<Record<string, FieldValue> | null>;
}

const DATE = { date_formatter: 'yyyy/MM/dd', auto_fill: false };
const INSTANT = { date_formatter: 'yyyy/MM/dd HH:mm', auto_fill: false };
const COUNT = { formatter: '0' };
const PERCENT = { formatter: '0.0' };

const text = (name: string): FieldSpec => ({ name, type: 'text' });
const select = (name: string): FieldSpec => ({ name, type: 'singleSelect' });
const count = (name: string): FieldSpec => ({ name, type: 'number', property: COUNT });
const percent = (name: string): FieldSpec => ({ name, type: 'number', property: PERCENT });
const date = (name: string): FieldSpec => ({ name, type: 'dateTime', property: DATE });
const instant = (name: string): FieldSpec => ({ name, type: 'dateTime', property: INSTANT });
const flag = (name: string): FieldSpec => ({ name, type: 'checkbox' });

/** A 'YYYY-MM-DD' day as Bitable stores a date: its midnight in SCHEDULE_TIMEZONE, in ms. */
function dayMs(day: string | null, timezone: string): number | null {
  if (!day) return null;
  const dt = DateTime.fromISO(day, { zone: timezone });
  return dt.isValid ? dt.toMillis() : null;
}

/** part / whole as a percentage with one decimal; null without a whole. */
function pct(part: number | null, whole: number | null): number | null {
  if (part === null || !whole) return null;
  return Math.round((part * 1000) / whole) / 10;
}

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

export const APPLICATION_TABLE: LedgerTable = {
  entity: 'application',
  name: '活动申请台账',
  fields: [
    text('编号'),
    select('所在盟市'),
    text('申请单位'),
    select('活动类别'),
    date('活动开始日期'),
    date('活动结束日期'),
    text('活动地点'),
    count('计划人数'),
    percent('计划第（2）（3）类人员占比（%）'),
    percent('计划十大产业企业占比（%）'),
    count('实际人数'),
    percent('实际第（2）（3）类人员占比（%）'),
    percent('实际十大产业企业占比（%）'),
    select('状态'),
    select('审核结论'),
    text('审核意见'),
    instant('审核时间'),
    flag('已收盖章扫描件'),
    flag('已提交总结'),
    text('专家'),
    text('专家团队'),
    instant('提交时间'),
    instant('最近更新'),
  ],
  async read(em, id, { timezone, changedAt }) {
    const a = await em.getRepository(Application).findOneBy({ id });
    if (!a || a.status === '草稿' || !appCode(a)) return null;
    const s = await em.getRepository(ActivitySummary).findOneBy({ applicationId: id });
    // The experts of the needs linked to it (each once; a need without one adds none).
    const experts = await em
      .getRepository(Expert)
      .createQueryBuilder('e')
      .where('e.id IN (SELECT n.expert_id FROM needs n WHERE n.application_id = :id)', { id })
      .getMany();
    return {
      编号: appCode(a),
      所在盟市: a.region,
      申请单位: a.orgName,
      活动类别: a.kind,
      活动开始日期: dayMs(a.startDate, timezone),
      活动结束日期: dayMs(a.endDate, timezone),
      活动地点: a.venue,
      计划人数: a.headcount,
      '计划第（2）（3）类人员占比（%）': pct(a.coreCount, a.headcount),
      '计划十大产业企业占比（%）': pct(a.keyIndustryCount, a.enterpriseCount),
      实际人数: orNull(s?.headcount),
      '实际第（2）（3）类人员占比（%）': s ? pct(s.coreCount, s.headcount) : null,
      '实际十大产业企业占比（%）': s ? pct(s.keyIndustryCount, s.enterpriseCount) : null,
      状态: a.status,
      审核结论: decisionOf(a) || null,
      审核意见: a.decisionReason,
      审核时间: a.decidedAt,
      已收盖章扫描件: a.attachedAt !== null,
      已提交总结: s !== null,
      专家: experts.map((e) => e.name).join('、') || null,
      专家团队: teamText(a),
      提交时间: a.submittedAt,
      最近更新: changedAt,
    };
  },
};

export const NEED_TABLE: LedgerTable = {
  entity: 'need',
  name: '企业需求台账',
  fields: [
    text('编号'),
    text('企业名称'),
    select('所在盟市'),
    select('行业'),
    select('需求类型'),
    select('状态'),
    text('对接专家'),
    text('专家单位'),
    text('关联活动'),
    instant('提交时间'),
    instant('最近更新'),
  ],
  async read(em, id, { changedAt }) {
    const n = await em.getRepository(Need).findOneBy({ id });
    if (!n) return null;
    const expert = n.expertId !== null ? await em.getRepository(Expert).findOneBy({ id: n.expertId }) : null;
    const app = n.applicationId !== null ? await em.getRepository(Application).findOneBy({ id: n.applicationId }) : null;
    return {
      编号: needCode(n),
      企业名称: n.enterpriseName,
      所在盟市: n.region,
      行业: industryLabel(n.industry),
      需求类型: n.needType,
      状态: n.status,
      对接专家: expert?.name ?? null,
      专家单位: expert?.organisation ?? null,
      关联活动: app ? appCode(app) || null : null,
      提交时间: n.createdAt,
      最近更新: changedAt,
    };
  },
};

export const REPORT_TABLE: LedgerTable = {
  entity: 'report',
  name: '报送台账',
  fields: [
    text('报送'),
    text('任务编号'),
    text('任务'),
    select('所在盟市'),
    select('状态'),
    instant('截止时间'),
    instant('提交时间'),
    count('提交次数'),
    count('附件数'),
    text('附件'),
    instant('最近更新'),
  ],
  async read(em, id, { changedAt }) {
    const sub = await em.getRepository(ReportSubmission).findOneBy({ id });
    if (!sub) return null;
    const task = await em.getRepository(ReportTask).findOneBy({ id: sub.taskId });
    if (!task) return null;
    const files = await em.getRepository(ReportFile).find({ where: { submissionId: sub.id }, order: { at: 'ASC', id: 'ASC' } });
    return {
      报送: `${taskCode(task)} · ${sub.region}`,
      任务编号: taskCode(task),
      任务: task.title,
      所在盟市: sub.region,
      状态: STATE_WORDS[submissionState(task, sub, files)],
      截止时间: task.deadlineAt,
      提交时间: sub.submittedAt,
      提交次数: sub.times,
      附件数: files.length,
      附件: files.map((f) => f.name ?? (f.kind === 'image' ? '图片' : '文件')).join('、') || null,
      最近更新: changedAt,
    };
  },
};

export const LEDGER_TABLES: readonly LedgerTable[] = [APPLICATION_TABLE, NEED_TABLE, REPORT_TABLE];

/** The expert team the centre assigned (names, then the travel note), as the cards show it. */
function teamText(a: Application): string | null {
  const team = teamOf(a);
  if (!team) return null;
  const names = team.experts.map((e) => e.name).join('、');
  return team.note ? `${names}（行程：${team.note}）` : names;
}
