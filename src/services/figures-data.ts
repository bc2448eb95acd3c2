import type { HandlerDeps } from '../../handlers/types';
import type { ActivitySummary } from '../db/entities/activity-summary.entity';
import type { Application } from '../db/entities/application.entity';
import type { Expert } from '../db/entities/expert.entity';
import type { Need } from '../db/entities/need.entity';
import type { ReportSubmission } from '../db/entities/report-submission.entity';
import type { ReportTask } from '../db/entities/report-task.entity';
import { DEFAULT_APPLICATION_RULES } from '../domain/application-rule-config';
import { findActivity, activityLabel, type ActivityOption } from '../domain/activity-menu';
import { formatCode } from '../domain/codes';
import type { Region } from '../domain/regions';
import { topicsOf } from './application-record';
import { needsFile, regionsOf, submissionState } from './report-service';

/**
 * Everything the centre's figures are computed from (the 导出 exports, the monthly 通报, the
 * year-end figures), read through the services' own queries: one campaign year of one tenant.
 * A year is hundreds of applications and needs, so it is read whole and counted in memory.
 */
export interface YearData {
  year: number;
  /** Applications filed (submitted at least once) in the campaign year, by code. */
  apps: Application[];
  summaries: ReadonlyMap<number, ActivitySummary>;
  needs: Need[];
  experts: ReadonlyMap<number, Expert>;
  tasks: ReportTask[];
  submissions: ReportSubmission[];
}

const ALL = 1_000_000;

export async function loadYearData(deps: Pick<HandlerDeps, 'applications' | 'summaries' | 'needs' | 'experts' | 'reports'>, tenantKey: string, year: number): Promise<YearData> {
  // Filed ones only: the code is given on the first submission, so a draft (or one withdrawn as a draft) has none.
  const apps = (await deps.applications.ofTenant(tenantKey)).filter((a) => a.codeYear === year);
  apps.sort((a, b) => (a.codeSeq ?? 0) - (b.codeSeq ?? 0));
  const summaries = new Map<number, ActivitySummary>();
  for (const app of apps) {
    // Stryker disable next-line ConditionalExpression: 'false' (look up every application's summary) only costs queries: a summary exists only for 已总结 (SummaryService.file moves the application there first, and no transition leaves 已总结). ('true', no summaries, fails figures-data.test.ts but shares the mutator.)
    if (app.status !== '已总结') continue;
    const summary = await deps.summaries.get(app.id);
    if (summary) summaries.set(app.id, summary);
  }
  const needs = (await deps.needs.list({ tenantKey }, 0, ALL)).items.filter((n) => n.codeYear === year).sort((a, b) => a.codeSeq - b.codeSeq);
  const experts = new Map((await deps.experts.list(tenantKey)).map((e) => [e.id, e]));
  const tasks = (await deps.reports.recent(tenantKey, ALL)).filter((t) => t.codeYear === year).sort((a, b) => a.codeSeq - b.codeSeq);
  const submissions: ReportSubmission[] = [];
  for (const task of tasks) {
    // The same rule as the progress card (issue 11 item 8): a text alone to a task that asks for
    // files is not a submission yet (待补附件); one completed by a file after the deadline is late.
    const subs = await deps.reports.submissionsOf(task.id);
    const files = needsFile(task) ? await deps.reports.filesOf(subs.map((s) => s.id)) : [];
    for (const sub of subs) {
      const state = submissionState(task, sub, files);
      if (state === 'awaiting') continue;
      submissions.push(state === 'late' && !sub.late ? { ...sub, late: true } : sub);
    }
  }
  return { year, apps, summaries, needs, experts, tasks, submissions };
}

/** The same data narrowed to one 盟市 (report tasks: those that asked it). */
export function ofRegion(data: YearData, region: Region): YearData {
  const tasks = data.tasks.filter((t) => regionsOf(t).includes(region));
  return {
    ...data,
    apps: data.apps.filter((a) => a.region === region),
    needs: data.needs.filter((n) => n.region === region),
    tasks,
    submissions: data.submissions.filter((s) => s.region === region && tasks.some((t) => t.id === s.taskId)),
  };
}

/** Whether there is anything at all to report. */
export function isEmpty(data: YearData): boolean {
  return data.apps.length === 0 && data.needs.length === 0 && data.tasks.length === 0;
}

export const appCode = (a: Application): string => (a.codeYear && a.codeSeq ? formatCode('SQ', a.codeYear, a.codeSeq) : '');
export const needCode = (n: Need): string => formatCode('XQ', n.codeYear, n.codeSeq);
export const taskCode = (t: ReportTask): string => formatCode('BS', t.codeYear, t.codeSeq);

export const APPROVED_STATUSES: readonly string[] = ['已通过', '已举办', '已总结'];
export const HELD_STATUSES: readonly string[] = ['已举办', '已总结'];

/** The review decision in the words of the review card's buttons; '' while undecided. */
export function decisionOf(a: Application): string {
  if (APPROVED_STATUSES.includes(a.status)) return '通过';
  if (a.status === '已退回') return '退回修改';
  if (a.status === '未通过') return '不予受理';
  return '';
}

/** The activity content (活动内容) as the menu names it, '、'-separated; values not in the menu left out. */
export function topicsText(a: Application): string {
  return topicsOf(a)
    .map((v) => findActivity(v))
    .filter((o): o is ActivityOption => o !== undefined)
    .map(activityLabel)
    .join('、');
}

/** The notice's two ratios measured on a summary's actual figures (null: no denominator). */
export interface Ratios {
  core: number | null;
  coreMet: boolean;
  keyIndustry: number | null;
  keyIndustryMet: boolean;
}

export function ratiosOf(s: Pick<ActivitySummary, 'headcount' | 'coreCount' | 'enterpriseCount' | 'keyIndustryCount'>): Ratios {
  const rules = DEFAULT_APPLICATION_RULES;
  return {
    core: s.headcount > 0 ? s.coreCount / s.headcount : null,
    // Integer arithmetic, as the summary rules measure it: 79.99 % is not 80 %.
    coreMet: s.headcount > 0 && s.coreCount * 100 >= s.headcount * rules.corePercent,
    keyIndustry: s.enterpriseCount > 0 ? s.keyIndustryCount / s.enterpriseCount : null,
    keyIndustryMet: s.enterpriseCount > 0 && s.keyIndustryCount * 100 >= s.enterpriseCount * rules.keyIndustryPercent,
  };
}

/** How a report task stands for one 盟市 at an instant. */
export type ReportState = 'on-time' | 'late' | 'missing' | 'open';

export function reportStateOf(task: ReportTask, region: string, submissions: readonly ReportSubmission[], nowMs: number): ReportState {
  const sub = submissions.find((s) => s.taskId === task.id && s.region === region);
  if (sub) return sub.late ? 'late' : 'on-time';
  return task.deadlineAt <= nowMs ? 'missing' : 'open';
}

export const REPORT_STATE_WORDS: Readonly<Record<ReportState, string>> = { 'on-time': '按时提交', late: '逾期提交', missing: '未提交', open: '未到截止时间' };

