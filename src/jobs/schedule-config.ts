/**
 * When the scheduled jobs speak, in one place (the defaults). Days are calendar days in
 * SCHEDULE_TIMEZONE; a day's occasions fall due at `hour` o'clock local time, so a reminder comes
 * in the morning however often the job runs.
 */
export interface ReminderSchedule {
  /** Local hour at which a day's occasions fall due. */
  readonly hour: number;
  /** A draft with dates: days before its last filing day (start − lead days); 0 is the day itself. */
  readonly draftDeadlineDaysBefore: readonly number[];
  /** An approved activity: days before it starts, to its region's group and the filer. */
  readonly activityDaysBefore: readonly number[];
  /** After the activity: the day after it ends it is 已举办 and the summary is asked for; then reminders after these many days. */
  readonly summaryReminderDaysAfter: readonly number[];
  /** Still no summary after this many days: listed to the centre's group as overdue. */
  readonly summaryOverdueDaysAfter: number;
  /** 待审核 for more than this many working days (Mon–Fri): a 催办 nudge to the centre. */
  readonly reviewNudgeWorkingDays: number;
  /** Still no stamped scan this many days after submission: the filer is reminded, once, with the form. */
  readonly scanReminderDaysAfter: number;
  /** The weekly digest: ISO weekday (1 = Monday) and local hour. */
  readonly weeklyWeekday: number;
  readonly weeklyHour: number;
  /** The digest lists activities of the next this many days. */
  readonly digestUpcomingDays: number;
  /** 近期活动 lists activities of the next this many days. */
  readonly upcomingCommandDays: number;
}

export const DEFAULT_REMINDER_SCHEDULE: ReminderSchedule = Object.freeze({
  hour: 9,
  draftDeadlineDaysBefore: Object.freeze([3, 0]),
  activityDaysBefore: Object.freeze([3, 1]),
  summaryReminderDaysAfter: Object.freeze([3, 7]),
  summaryOverdueDaysAfter: 10,
  reviewNudgeWorkingDays: 2,
  scanReminderDaysAfter: 3,
  weeklyWeekday: 1,
  weeklyHour: 9,
  digestUpcomingDays: 14,
  upcomingCommandDays: 30,
});

/** How often the bot's own cron looks for due occasions; each is still sent once. */
export const REMINDERS_CRON = '5 * * * *';
export const WEEKLY_SUMMARY_CRON = '10 * * * *';

/** The nightly backup falls due at this local hour; the hourly run takes it (or catches up after downtime). */
export const BACKUP_HOUR = 2;
export const BACKUP_CRON = '0 * * * *';
/** Personal data retention runs once a year, as soon as the year has begun (at this local hour on 1 January). */
export const RETENTION_HOUR = 3;
export const RETENTION_CRON = '20 * * * *';
