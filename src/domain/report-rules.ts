import { DateTime } from 'luxon';
import type { FormValue } from './application-fields';
import { REGIONS, type Region } from './regions';

/**
 * The checks of a report task (发起报送) and of a 盟市's submission. Like every form, all of it
 * is checked on the server and each field gets one Chinese message.
 */

export const REPORT_TASK_FIELDS = ['title', 'description', 'deadline', 'regions', 'expects'] as const;
export type ReportTaskField = (typeof REPORT_TASK_FIELDS)[number];

export const REPORT_EXPECTS = { text: '文字说明', file: '附件（文件或图片）', both: '文字说明和附件' } as const;
export type ReportExpects = keyof typeof REPORT_EXPECTS;

/** text: a card input holds at most 1000 characters; longer material goes as a file. */
export const REPORT_LIMITS = Object.freeze({ title: 50, description: 1000, text: 1000 });

export interface CheckedReportTask {
  title: string;
  description: string;
  deadlineAt: number;
  regions: Region[];
  expects: ReportExpects;
}

export type ReportTaskCheck = { ok: true; task: CheckedReportTask } | { ok: false; errors: Partial<Record<ReportTaskField, string>> };

const str = (form: FormValue, field: string) => (typeof form[field] === 'string' ? (form[field] as string).trim() : '');
const len = (s: string) => [...s].length;

/**
 * A date-time picker's value ("2027-12-09 17:00 +0800": the offset is where the person picked
 * it, so it is applied), or a bare date, meaning the end of that day in `timezone`.
 */
export function parseDeadline(value: string, timezone: string): number | undefined {
  const v = value.trim();
  for (const offset of ['ZZZ', 'ZZ']) {
    // '+0800' (what Feishu's pickers send) or '+08:00'.
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, only the instant (toMillis) is read, the same in any zone.
    const withOffset = DateTime.fromFormat(v, `yyyy-MM-dd HH:mm ${offset}`, { setZone: true });
    if (withOffset.isValid) return withOffset.toMillis();
  }
  const local = DateTime.fromFormat(v, 'yyyy-MM-dd HH:mm', { zone: timezone });
  if (local.isValid) return local.toMillis();
  const day = DateTime.fromFormat(v.replace(/\s+[+-]\d{2}:?\d{2}$/, ''), 'yyyy-MM-dd', { zone: timezone });
  return day.isValid ? day.endOf('day').set({ millisecond: 0, second: 0 }).toMillis() : undefined;
}

export function checkReportTaskForm(form: FormValue, ctx: { now: number; timezone: string }): ReportTaskCheck {
  const errors: Partial<Record<ReportTaskField, string>> = {};
  const title = str(form, 'title');
  if (title === '') errors.title = `请填写任务名称（不超过 ${REPORT_LIMITS.title} 字）`;
  else if (len(title) > REPORT_LIMITS.title) errors.title = `任务名称不能超过 ${REPORT_LIMITS.title} 字（当前 ${len(title)} 字）`;

  const description = str(form, 'description');
  if (description === '') errors.description = '请写明要报送什么、有什么要求';
  else if (len(description) > REPORT_LIMITS.description) errors.description = `说明不能超过 ${REPORT_LIMITS.description} 字（当前 ${len(description)} 字）`;

  const deadlineText = str(form, 'deadline');
  const deadlineAt = deadlineText ? parseDeadline(deadlineText, ctx.timezone) : undefined;
  if (deadlineText === '') errors.deadline = '请选择截止时间';
  else if (deadlineAt === undefined) errors.deadline = '截止时间格式不正确，请重新选择';
  else if (deadlineAt <= ctx.now) errors.deadline = '截止时间需晚于现在';

  const raw = form.regions;
  // A list from the multi-select, or one value from a client that sends a single one; the filter
  // keeps only texts.
  const picked = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  const regions = REGIONS.filter((r) => picked.includes(r));
  if (picked.length === 0) errors.regions = '请至少选择一个盟市';
  else if (regions.length !== new Set(picked).size) errors.regions = '盟市中有无效的选项，请重新选择';

  const expects = str(form, 'expects') || 'both';
  if (!Object.hasOwn(REPORT_EXPECTS, expects)) errors.expects = '请选择报送内容的形式';

  const failing = REPORT_TASK_FIELDS.filter((f) => errors[f]);
  if (failing.length) return { ok: false, errors: Object.fromEntries(failing.map((f) => [f, errors[f]])) };
  return { ok: true, task: { title, description, deadlineAt: deadlineAt as number, regions, expects: expects as ReportExpects } };
}

/** A submission's text: required unless only files are expected. */
export function reportTextError(text: string, expects: ReportExpects): string | undefined {
  const t = text.trim();
  if (t === '' && expects !== 'file') return '请填写报送内容（文字说明）';
  if (len(t) > REPORT_LIMITS.text) return `报送内容不能超过 ${REPORT_LIMITS.text} 字（当前 ${len(t)} 字），较长的材料请作为文件发送`;
  return undefined;
}
