import { DateTime } from 'luxon';

/**
 * Calendar dates as the forms carry them ('YYYY-MM-DD'), and Feishu's date picker format.
 * Whole days in UTC arithmetic: the machine's own time zone is never consulted.
 */

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function toDate(iso: string): DateTime | undefined {
  if (!DATE_RE.test(iso)) return undefined;
  const d = DateTime.fromISO(iso, { zone: 'utc' });
  return d.isValid ? d : undefined;
}

export function isoOf(d: DateTime): string {
  // Valid by construction: every DateTime here comes from toDate() and whole-day arithmetic.
  return d.toISODate() as string;
}

/**
 * The picked date of a Feishu date picker value ("2027-06-10 +0800"). The offset says where the
 * client was, not which day was picked, so it is dropped rather than applied. A bare
 * 'YYYY-MM-DD' is accepted too (prefilled values, other platforms).
 */
export function parseFeishuDate(value: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:\s+[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  return m && toDate(m[1]) ? m[1] : undefined;
}

/**
 * A date picker's initial value for a prefilled form. `offsetOrZone` is either a fixed offset
 * ('+0800', '+08:00') or an IANA zone ('Asia/Shanghai'), whose offset on that date is used.
 */
export function formatFeishuDate(date: string, offsetOrZone: string): string {
  const day = toDate(date);
  if (!day) throw new RangeError(`formatFeishuDate: expected 'YYYY-MM-DD', got '${date}'`);
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(offsetOrZone);
  if (fixed) return `${date} ${fixed[1]}${fixed[2]}${fixed[3]}`;
  const zoned = DateTime.fromISO(date, { zone: offsetOrZone });
  if (!zoned.isValid) throw new RangeError(`formatFeishuDate: unknown offset or time zone '${offsetOrZone}'`);
  return `${date} ${zoned.toFormat('ZZZ')}`;
}

/** The calendar date of an instant in a time zone: how callers get `ApplicationContext.today`. */
export function localDate(now: Date, timezone: string): string {
  const d = DateTime.fromJSDate(now, { zone: timezone });
  if (!d.isValid) throw new RangeError(`localDate: unknown time zone '${timezone}'`);
  return isoOf(d);
}

export function requireDate(name: string, iso: string): DateTime {
  const d = toDate(iso);
  if (!d) throw new RangeError(`${name}: expected 'YYYY-MM-DD', got '${iso}'`);
  return d;
}

/** An instant as people read it in a time zone: '2027-06-10 14:05'. */
export function formatInstant(ms: number, timezone: string): string {
  return DateTime.fromMillis(ms, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm');
}

/**
 * The year records are numbered and figures are counted in: CAMPAIGN_YEAR when set, else the
 * calendar year of `now` in the time zone (a year-end report or export in December belongs to
 * the season just ended, not to the next one that filings already point at).
 */
export function calendarYearOf(settings: { campaignYear?: number; timezone: string }, now: Date): number {
  return settings.campaignYear ?? Number(localDate(now, settings.timezone).slice(0, 4));
}
