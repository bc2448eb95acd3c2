import { resolveApplicationRules, type ApplicationRulesOverride } from './application-rule-config';
import { isoOf, requireDate } from './calendar';

/**
 * The campaign season (the 2026 notice): which year a filing belongs to, and how early an
 * activity must be filed (the lead days, counted from the first submission for a resubmission).
 * Dates are calendar dates ('YYYY-MM-DD'), as in application-rules.ts.
 */

export interface EarlierSubmission {
  /** The calendar day of the first submission, in SCHEDULE_TIMEZONE. */
  firstSubmittedOn: string;
  /** The start date as submitted before this change. */
  startDate: string;
}

/**
 * The day the lead days count from. The notice asks for the form 10 days before the activity;
 * an application returned for corrections was on time when first filed, so a resubmission
 * counts from the first submission, unless it moves the activity earlier than before (then
 * the centre gets less time than it had, and the lead days count from today).
 */
export function leadDayOf(today: string, start: string | undefined, earlier: EarlierSubmission | undefined): string {
  if (!earlier || start === undefined || start < earlier.startDate) return today;
  // Stryker disable next-line EqualityOperator: when the two are equal either answer is the same day
  return earlier.firstSubmittedOn < today ? earlier.firstSubmittedOn : today;
}

/** The earliest start date a filing made on `today` may ask for. */
export function earliestStartDate(today: string, rules: ApplicationRulesOverride = {}): string {
  return isoOf(requireDate('today', today).plus({ days: resolveApplicationRules(rules).leadDays }));
}

/**
 * The campaign year a filing made on `today` belongs to, when CAMPAIGN_YEAR is not set: the
 * season that is running or the next one. A season (3 月 1 日–11 月 30 日) is over for filing
 * once no start date is left in it (today + lead days is past its last day: from 21 November
 * with the defaults); from then on, and through December, it is next year's.
 */
export function campaignYearOn(today: string, rules: ApplicationRulesOverride = {}): number {
  const r = resolveApplicationRules(rules);
  const year = requireDate('today', today).year;
  return earliestStartDate(today, rules) > `${year}-${r.window.end}` ? year + 1 : year;
}

/**
 * The first start date the rules allow a filing counted from `filedOn` in `campaignYear`:
 * filedOn + lead days, but not before the season opens; undefined when the season has no date
 * left. `filedOn` is today, or for a resubmission the first submission's day (see leadDayOf).
 */
export function firstAllowedStart(filedOn: string, campaignYear: number, rules: ApplicationRulesOverride = {}): string | undefined {
  const r = resolveApplicationRules(rules);
  const byLead = earliestStartDate(filedOn, rules);
  const opens = `${campaignYear}-${r.window.start}`;
  // Stryker disable next-line EqualityOperator: when the two are equal either answer is the same day
  const first = byLead < opens ? opens : byLead;
  return first > `${campaignYear}-${r.window.end}` ? undefined : first;
}

/** The last day on which an activity starting on `startDate` may still be filed (for reminders). */
export function filingDeadline(startDate: string, rules: ApplicationRulesOverride = {}): string {
  return isoOf(requireDate('startDate', startDate).minus({ days: resolveApplicationRules(rules).leadDays }));
}
