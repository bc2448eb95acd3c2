import type { Application } from '../db/entities/application.entity';
import type { FormValue } from '../domain/application-fields';
import type { ApplicationRules, ApplicationRulesOverride } from '../domain/application-rule-config';
import { applicationToFormValues, checkApplicationForm } from '../domain/application-rules';
import { MAX_REASON_LENGTH, reasonError } from '../domain/application-status';
import { checkedOf, type ChangeValues } from '../services/application-record';
import type { FieldErrors, FormSpec } from './form-spec';

/**
 * 申请改期 (issue 11 item 1), described once: the new dates, venue and head count of an approved
 * activity and a note, checked with the filing rules except the lead time (the new start may be
 * any day from tomorrow on). The Feishu change card (cards/change-cards.ts) is rendered from it
 * and the DingTalk wizard walks it (`改期 <编号>`).
 */

export const CHANGE_FIELDS = ['start_date', 'end_date', 'venue', 'headcount', 'note'] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];
export type ChangeErrors = Partial<Record<ChangeField, string>>;

/** What a change is checked against: the approved application and the filing rules of its year. */
export interface ChangeContext {
  app: Application;
  /** Today's date 'YYYY-MM-DD' in SCHEDULE_TIMEZONE. */
  today: string;
  campaignYear: number;
  /** SETTINGS' rules (the override; unset: the notice's). */
  rules?: ApplicationRulesOverride;
  timezone: string;
}

export function changeFormSpec(rules: ApplicationRules): FormSpec<ChangeContext> {
  return {
    id: 'change',
    title: '申请改期',
    fields: [
      { name: 'start_date', label: '新的开始日期', placeholder: '请选择开始日期', input: { kind: 'date' } },
      { name: 'end_date', label: '新的结束日期', placeholder: '请选择结束日期', input: { kind: 'date' } },
      { name: 'venue', label: '活动地点', placeholder: '活动地点', input: { kind: 'text', maxLength: rules.maxLength.venue } },
      { name: 'headcount', label: '活动人数', placeholder: '活动总人数（只填数字）', input: { kind: 'text', maxLength: 6 } },
      { name: 'note', label: '改期说明', optional: true, placeholder: '如：场地调整、天气原因', input: { kind: 'text', maxLength: MAX_REASON_LENGTH, multiline: { rows: 2, maxRows: 6 } } },
    ],
    check: (values, ctx) => {
      const checked = checkChangeForm(values, ctx);
      return checked.ok ? {} : (checked.errors as FieldErrors);
    },
  };
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/**
 * Checks a change with the filing rules, except the lead time: the new start may be any day
 * from tomorrow on (within the season, 1–3 days). The other values stay as approved.
 */
export function checkChangeForm(form: FormValue | Record<string, unknown>, ctx: ChangeContext): { ok: true; values: ChangeValues; note: string | null } | { ok: false; errors: ChangeErrors } {
  const { app } = ctx;
  const checked = checkedOf(app);
  if (!checked) return { ok: false, errors: { start_date: '这份申请缺少原有内容，无法改期。' } };
  const merged = { ...applicationToFormValues(checked, ctx.timezone) } as Record<string, string | string[]>;
  for (const field of ['start_date', 'end_date', 'venue', 'headcount'] as const) merged[field] = typeof form[field] === 'string' ? (form[field] as string) : '';
  const rules = { ...ctx.rules, leadDays: 1 };
  const result = checkApplicationForm(merged, { today: ctx.today, campaignYear: ctx.campaignYear, rules });
  const errors: ChangeErrors = {};
  const note = text(form.note);
  const noteProblem = reasonError('request_change', note);
  if (noteProblem) errors.note = noteProblem.replace('审核意见', '改期说明');
  if (!result.ok) {
    for (const [field, message] of Object.entries(result.errors)) {
      if (field === 'start_date' || field === 'end_date' || field === 'venue' || field === 'headcount') errors[field] ??= message;
      // The counts that were approved no longer fit the new head count.
      else errors.headcount ??= `按新的活动人数，${message}`;
    }
  }
  if (!result.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const a = result.application;
  const values = { startDate: a.startDate, endDate: a.endDate, venue: a.venue, headcount: a.headcount };
  if (values.startDate === app.startDate && values.endDate === app.endDate && values.venue === app.venue && values.headcount === app.headcount) {
    return { ok: false, errors: { start_date: '与原安排相同，没有需要改的内容。' } };
  }
  return { ok: true, values, note: note || null };
}
