import { circular, CIRCULAR_CRON } from './circular';
import type { Job } from './job-runner';
import { yearEnd, YEAR_END_CRON } from './year-end';
import { reminders } from './reminders';
import { REMINDERS_CRON, WEEKLY_SUMMARY_CRON } from './schedule-config';
import { weeklySummary } from './weekly-summary';

/**
 * The scheduled jobs, by the name `npm run job -- <name>` takes. The bot's cron runs each
 * hourly; what a run sends depends only on which occasions have fallen due and were not done.
 */
export const JOBS: Readonly<Record<string, { job: Job; cron: string; description: string }>> = {
  reminders: { job: reminders, cron: REMINDERS_CRON, description: 'deadline, activity, summary and review reminders' },
  'weekly-summary': { job: weeklySummary, cron: WEEKLY_SUMMARY_CRON, description: 'the Monday digest to every bound group' },
  'year-end': { job: yearEnd, cron: YEAR_END_CRON, description: 'the year-end figures (.docx, .xlsx) to each 盟市 group on YEAR_END_FIGURES_DATE' },
  circular: { job: circular, cron: CIRCULAR_CRON, description: 'the monthly 通报 to the centre (and the 盟市 groups with CIRCULAR_TO_REGIONS=1)' },
};
