import { DateTime } from 'luxon';
import type { Application } from '../db/entities/application.entity';
import { filingDeadline } from '../domain/application-rules';
import type { ApplicationRulesOverride } from '../domain/application-rule-config';
import { isoOf, localDate, requireDate } from '../domain/calendar';
import { isChineseWorkingDay, type WorkingDayTest } from '../domain/working-days';
import type { ReminderSchedule } from './schedule-config';

/**
 * Which occasions an application has, when each falls due, and until when it is still worth
 * sending. Pure: the reminders job decides with these and the ledger of what was done.
 */
export interface PlannedOccasion {
  /** Unique per application, e.g. 'before-3'. */
  occasion: string;
  /** Occasions of one series replace each other: after downtime only the latest due one is sent. */
  series: string;
  /** The calendar day it falls due, at the schedule's hour. */
  due: string;
  /** The first day on which it is no longer worth sending (exclusive); none: always worth it. */
  usefulUntil?: string;
}

const addDays = (date: string, days: number) => isoOf(requireDate('date', date).plus({ days }));

export function draftOccasions(app: Application, s: ReminderSchedule, rules?: ApplicationRulesOverride): PlannedOccasion[] {
  if (!app.startDate) return [];
  const deadline = filingDeadline(app.startDate, rules);
  return s.draftDeadlineDaysBefore.map((n) => ({
    occasion: `draft-deadline-${n}`,
    series: 'draft-deadline',
    due: addDays(deadline, -n),
    usefulUntil: addDays(deadline, 1),
  }));
}

export function upcomingOccasions(app: Application, s: ReminderSchedule): PlannedOccasion[] {
  if (!app.startDate) return [];
  // After an approved date change the occasions are those of the new dates: keyed apart from the
  // old ones (already sent or skipped), so the new dates are reminded and the old ones never fire.
  const dates = app.dateChanges > 0 ? `@${app.startDate}` : '';
  return s.activityDaysBefore.map((n) => ({ occasion: `before-${n}${dates}`, series: 'before', due: addDays(app.startDate!, -n), usefulUntil: app.startDate! }));
}

/**
 * The centre's 活动提醒 with the expert team and the venue (issue 11, item 6). Keyed by the
 * start date from the start, so that after a date change the new dates are reminded and the
 * old ones never fire.
 */
export function centreOccasions(app: Application, s: ReminderSchedule): PlannedOccasion[] {
  if (!app.startDate) return [];
  return s.activityDaysBefore.map((n) => ({ occasion: `centre-before-${n}@${app.startDate}`, series: 'centre-before', due: addDays(app.startDate!, -n), usefulUntil: app.startDate! }));
}

/** The day after the activity ends: it becomes 已举办 and the summary is asked for. */
export function heldDay(app: Application): string | undefined {
  return app.endDate ? addDays(app.endDate, 1) : undefined;
}

export function summaryOccasions(app: Application, s: ReminderSchedule): PlannedOccasion[] {
  const held = heldDay(app);
  if (!held) return [];
  return [
    ...s.summaryReminderDaysAfter.map((n) => ({ occasion: `summary-reminder-${n}`, series: 'summary-reminder', due: addDays(held, n) })),
    { occasion: 'summary-overdue', series: 'summary-overdue', due: addDays(held, s.summaryOverdueDaysAfter) },
  ];
}

/**
 * The stamped scan's reminder: once per application (whatever its submissions), `days` after
 * the latest submission, while the activity has not started; after that it is no use.
 */
export function scanOccasion(app: Application, s: ReminderSchedule, timezone: string): PlannedOccasion | undefined {
  if (app.submittedAt === null || !app.startDate) return undefined;
  const submittedOn = localDate(new Date(app.submittedAt), timezone);
  return { occasion: 'scan-reminder', series: 'scan-reminder', due: addDays(submittedOn, s.scanReminderDaysAfter), usefulUntil: app.startDate };
}

/**
 * The working day on which a submission has waited more than `days` working days, as China
 * counts them (holidays off, 调休 weekend days on; see working-days.ts). `isWorkingDay` is
 * replaceable so that the counting itself can be tested on a plain Mon–Fri week.
 */
export function nudgeDay(submittedOn: string, days: number, isWorkingDay: WorkingDayTest = isChineseWorkingDay): string {
  let d = requireDate('submittedOn', submittedOn);
  let counted = 0;
  while (counted <= days) {
    d = d.plus({ days: 1 });
    if (isWorkingDay(isoOf(d))) counted += 1;
  }
  return isoOf(d);
}

/** Has `day` at the schedule's hour (local) come by `now`? */
export function isDue(day: string, now: Date, timezone: string, hour: number): boolean {
  const at = DateTime.fromISO(day, { zone: timezone }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  // A bad zone or date would otherwise read as "never due" and silence every reminder.
  if (!at.isValid) throw new RangeError(`isDue: invalid day '${day}' or time zone '${timezone}'`);
  return at.toMillis() <= now.getTime();
}

/** Keeps, per series, the latest due occasion; the earlier due ones are to be skipped. */
export function latestPerSeries(due: PlannedOccasion[]): { send: PlannedOccasion[]; superseded: PlannedOccasion[] } {
  const bySeries = new Map<string, PlannedOccasion>();
  for (const o of due) {
    const best = bySeries.get(o.series);
    if (!best || o.due > best.due) bySeries.set(o.series, o);
  }
  const send = [...bySeries.values()];
  return { send, superseded: due.filter((o) => !send.includes(o)) };
}
