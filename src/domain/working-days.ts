import data from 'chinese-days/dist/chinese-days.json';
import { requireDate } from './calendar';

/**
 * Working days as China counts them: Monday to Friday, except the official holidays, plus the
 * 调休 weekend days that are worked instead (e.g. Saturday 2026-10-10 after the National Day
 * week). The dates come from the maintained `chinese-days` package, which follows the State
 * Council's yearly 节假日安排 notice.
 *
 * Its data is read directly (a map keyed by 'YYYY-MM-DD') rather than through `isWorkday()`:
 * that function parses the date with the machine's local time zone, and our dates are calendar
 * dates that must not move with the machine.
 *
 * A year the package does not cover yet (the State Council publishes the next year's
 * arrangement in November or December) falls back to Monday–Friday; callers that count working
 * days check `isYearCovered` and log a warning when they fell back (update the package then).
 */

const holidays: Readonly<Record<string, string>> = data.holidays;
const workdays: Readonly<Record<string, string>> = data.workdays;

/** The years the package's data covers, e.g. { first: 2004, last: 2026 } for chinese-days 1.5.7. */
export const COVERED_YEARS: { readonly first: number; readonly last: number } = (() => {
  const years = [...Object.keys(holidays), ...Object.keys(workdays)].map((d) => Number(d.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
})();

export function isYearCovered(year: number): boolean {
  return year >= COVERED_YEARS.first && year <= COVERED_YEARS.last;
}

/** Monday–Friday, for a calendar date 'YYYY-MM-DD'. */
export function isWeekday(date: string): boolean {
  return requireDate('date', date).weekday <= 5;
}

/** Is `date` ('YYYY-MM-DD') a working day in mainland China? */
export function isChineseWorkingDay(date: string): boolean {
  const weekday = isWeekday(date);
  // A year the package does not cover has no dates in it: Monday–Friday then.
  if (Object.hasOwn(holidays, date)) return false;
  if (Object.hasOwn(workdays, date)) return true;
  return weekday;
}

export type WorkingDayTest = (date: string) => boolean;
