import { DateTime } from 'luxon';
import { applyRetention, RetentionResult } from '../ops/retention';
import type { Job, JobContext } from './job-runner';
import { isDue } from './occasions';
import { RETENTION_HOUR } from './schedule-config';

/**
 * Personal data retention (src/ops/retention.ts). The bot's cron runs it once a year, as soon as
 * the new year has begun; `npm run job -- retention [--now …]` runs it as of that instant.
 */

async function retain(ctx: JobContext): Promise<RetentionResult> {
  const ops = ctx.deps.ops;
  if (!ops) throw new Error('retention: the job has no database settings');
  const years = ops.dataRetentionYears;
  const ds = ops.ds;
  const result = await applyRetention(ds, { now: ctx.now, timezone: ctx.deps.settings.timezone, years });
  ctx.note(
    `personal data of campaign years up to ${result.throughYear} (ended more than ${years} years before ${ctx.today}): ` +
      `masked contacts of ${result.applications} applications, ${result.needs} needs; cut mobiles and e-mails from ${result.submissions} report submissions`,
  );
  ctx.log.info({ ...result }, 'retention: applied');
  return result;
}

export const retentionNow: Job = async (ctx) => {
  await retain(ctx);
};

export const yearlyRetention: Job = async (ctx) => {
  const year = DateTime.fromJSDate(ctx.now, { zone: ctx.deps.settings.timezone }).year;
  const occasion = `year-${year}`;
  if (!isDue(`${year}-01-01`, ctx.now, ctx.deps.settings.timezone, RETENTION_HOUR) || (await ctx.done('personal-data', occasion))) return;
  await retain(ctx);
  await ctx.record('personal-data', occasion, 'sent');
};
