import type { Config } from '../config';
import { backupNow, nightlyBackup } from './backup';
import { circular, CIRCULAR_CRON } from './circular';
import type { Job } from './job-runner';
import { yearEnd, YEAR_END_CRON } from './year-end';
import { reminders } from './reminders';
import { retentionNow, yearlyRetention } from './retention';
import { BACKUP_CRON, REMINDERS_CRON, RETENTION_CRON, WEEKLY_SUMMARY_CRON } from './schedule-config';
import { weeklySummary } from './weekly-summary';

export interface JobEntry {
  /** What the bot's cron runs: it acts only on occasions that have fallen due and were not done. */
  job: Job;
  cron: string;
  description: string;
  /** What `npm run job -- <name>` runs, when it differs: the work itself, whatever was done before. */
  manual?: Job;
  /** Whether the bot schedules it with this configuration (default: always). */
  enabled?: (config: Pick<Config, 'backupDir' | 'databaseUrl'>) => boolean;
}

/**
 * The scheduled jobs, by the name `npm run job -- <name>` takes. The bot's cron runs each
 * hourly; what a run does depends only on which occasions have fallen due and were not done.
 */
export const JOBS: Readonly<Record<string, JobEntry>> = {
  reminders: { job: reminders, cron: REMINDERS_CRON, description: 'deadline, activity, summary and review reminders' },
  'weekly-summary': { job: weeklySummary, cron: WEEKLY_SUMMARY_CRON, description: 'the Monday digest to every bound group' },
  backup: {
    job: nightlyBackup,
    manual: backupNow,
    cron: BACKUP_CRON,
    description: 'a checked copy of the SQLite database in BACKUP_DIR (nightly at 02:00 when BACKUP_DIR is set)',
    enabled: (config) => Boolean(config.backupDir) && config.databaseUrl.startsWith('sqlite:'),
  },
  retention: { job: yearlyRetention, manual: retentionNow, cron: RETENTION_CRON, description: 'masks the contacts of campaign years older than DATA_RETENTION_YEARS (yearly)' },
  'year-end': { job: yearEnd, cron: YEAR_END_CRON, description: 'the year-end figures (.docx, .xlsx) to each 盟市 group on YEAR_END_FIGURES_DATE' },
  circular: { job: circular, cron: CIRCULAR_CRON, description: 'the monthly 通报 to the centre (and the 盟市 groups with CIRCULAR_TO_REGIONS=1)' },
};
