import { z } from 'zod';
import { isMonthDay, isTimeZone, onOffFlag } from './values';

/** When the scheduled jobs fall due and what they send (reminders, digest, 通报, year-end figures). */

export interface JobsSettings {
  timezone: string;
  /** Local hour (SCHEDULE_TIMEZONE) at which reminders and the weekly digest fall due. */
  reminderHour: number;
  /** How long `npm run job` waits to deliver what it queued before leaving it to the running bot. */
  jobDeliveryWaitSeconds: number;
  /** CIRCULAR_TO_REGIONS: the monthly 通报 also goes to each 盟市's group (its own line and rank). */
  circularToRegions: boolean;
  /** YEAR_END_FIGURES_DATE ('MM-DD'): when each 盟市's group gets its year-end figures. */
  yearEndFiguresDate: string;
}

export const jobsEnv = z.object({
  SCHEDULE_TIMEZONE: z
    .string()
    .trim()
    .default('Asia/Shanghai')
    .refine(isTimeZone, { message: "expected an IANA time zone such as 'Asia/Shanghai'" }),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  JOB_DELIVERY_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  CIRCULAR_TO_REGIONS: onOffFlag,
  YEAR_END_FIGURES_DATE: z
    .string()
    .trim()
    .default('12-01')
    .refine(isMonthDay, { message: "expected a day of the year as 'MM-DD', e.g. '12-01'" }),
});

export function jobsSettings(e: z.infer<typeof jobsEnv>): JobsSettings {
  return {
    timezone: e.SCHEDULE_TIMEZONE,
    reminderHour: e.REMINDER_HOUR,
    jobDeliveryWaitSeconds: e.JOB_DELIVERY_WAIT_SECONDS,
    circularToRegions: e.CIRCULAR_TO_REGIONS === '1',
    yearEndFiguresDate: e.YEAR_END_FIGURES_DATE,
  };
}
