import { DateTime } from 'luxon';
import { reportOverdueCard, reportReminderCard, reportUrgentCard } from '../../cards/report-cards';
import { isMentionableOpenId } from '../../cards/mentions';
import { centreTargets } from '../../handlers/application-flow';
import { reportCode, submissionState } from '../../handlers/report-flow';
import type { ReportTask } from '../db/entities/report-task.entity';
import { isoOf } from '../domain/calendar';
import { parseRegion } from '../domain/regions';
import { regionsOf } from '../services/report-service';
import type { JobContext } from './job-runner';
import { isDue, latestPerSeries, type PlannedOccasion } from './occasions';

/** Report tasks are chased this many days before their deadline, and on the day. */
export const REPORT_REMINDER_DAYS = [3, 1, 0] as const;
/** Tasks whose deadline passed longer ago than this are left alone. */
const LOOKBACK_DAYS = 30;

/**
 * Report collections, as part of the reminders job: only the groups of 盟市 that have not
 * submitted are reminded (3 days and 1 day before the deadline, and on the day, at the schedule's
 * hour, and only while the deadline is still ahead); once it has passed, one notice to the centre
 * lists who is missing. Each once, through the same ledger as every other occasion.
 */
export async function reportReminders(ctx: JobContext): Promise<void> {
  const tasks = await ctx.deps.reports.deadlinesSince(ctx.now.getTime() - LOOKBACK_DAYS * 86_400_000);
  for (const task of tasks) {
    try {
      await chase(ctx, task);
    } catch (err) {
      ctx.failed();
      ctx.log.error({ err, taskId: task.id }, 'reminders: report task failed');
    }
  }
}

async function chase(ctx: JobContext, task: ReportTask) {
  const { timezone } = ctx.deps.settings;
  const deadlineDay = DateTime.fromMillis(task.deadlineAt, { zone: timezone }).toISODate() as string;
  const before = ctx.now.getTime() < task.deadlineAt;
  // A submission still waiting for its files (待补附件) is chased like a missing one.
  const subs = await ctx.deps.reports.submissionsOf(task.id);
  const files = await ctx.deps.reports.filesOf(subs.map((s) => s.id));
  const stateOf = (region: string) => submissionState(task, subs.find((s) => s.region === region), files);
  const missing = regionsOf(task).filter((r) => stateOf(r) === 'missing' || stateOf(r) === 'awaiting');
  const awaiting = missing.filter((r) => stateOf(r) === 'awaiting');
  const code = reportCode(task);

  for (const region of missing) {
    const subject = `report:${task.id}:${region}`;
    const planned: PlannedOccasion[] = REPORT_REMINDER_DAYS.map((n) => ({
      occasion: `deadline-${n}`,
      series: 'report-deadline',
      due: isoOf(DateTime.fromISO(deadlineDay, { zone: 'utc' }).minus({ days: n })),
    }));
    const pending: PlannedOccasion[] = [];
    for (const o of planned) if (isDue(o.due, ctx.now, timezone, ctx.deps.schedule.hour) && !(await ctx.done(subject, o.occasion))) pending.push(o);
    const { send, superseded } = latestPerSeries(pending);
    for (const o of superseded) await ctx.record(subject, o.occasion, 'skipped');
    for (const o of send) {
      // A reminder after the deadline is no use: the overdue notice to the centre takes over.
      if (!before) {
        await ctx.record(subject, o.occasion, 'skipped');
        continue;
      }
      const chats = await ctx.deps.bindings.chatsFor(task.tenantKey, parseRegion(region)!);
      const daysLeft = Math.round(DateTime.fromISO(deadlineDay, { zone: 'utc' }).diff(DateTime.fromISO(ctx.today, { zone: 'utc' }), 'days').days);
      // The 盟市's submitter is @-mentioned in its group (issue 13 item 6).
      const responsible = await ctx.deps.reports.responsibleFor(task, region);
      const card = reportReminderCard({ task, code, timezone, region, today: daysLeft <= 0, daysLeft, awaitingFiles: awaiting.includes(region), responsible });
      for (const chat of chats) await ctx.sendToChat(`${subject}:${o.occasion}:${chat.chatId}`, task.tenantKey, chat.chatId, { type: 'card', card });
      await ctx.record(subject, o.occasion, chats.length ? 'sent' : 'skipped');
    }
  }

  // After the deadline: once, the centre learns who is missing.
  const subject = `report:${task.id}`;
  if (!before && !(await ctx.done(subject, 'overdue'))) {
    const targets = missing.length > 0 ? await centreTargets(ctx.deps, task.tenantKey) : [];
    const card = reportOverdueCard({ task, code, timezone, missing, awaiting });
    for (const target of targets) {
      const key = `${subject}:overdue:${target.kind}:${target.id}`;
      if (target.kind === 'chat') await ctx.sendToChat(key, task.tenantKey, target.id, { type: 'card', card });
      else await ctx.sendToUser(key, task.tenantKey, target.id, { type: 'card', card });
    }
    if (missing.length > 0 && targets.length === 0) ctx.log.warn({ taskId: task.id }, 'reminders: no centre group and no admins to tell');
    await ctx.record(subject, 'overdue', targets.length > 0 ? 'sent' : 'skipped');
    for (const region of missing) await escalate(ctx, task, code, region, awaiting.includes(region));
  }
}

/**
 * URGENT_ESCALATION (issue 13 item 6): the deadline has passed after the last reminder and the
 * 盟市 has not (fully) reported, so its responsible person gets a private notice with Feishu's
 * in-app urgent notice on it, once (its own occasion: a rerun or a restart never buzzes again).
 */
async function escalate(ctx: JobContext, task: ReportTask, code: string, region: string, awaitingFiles: boolean) {
  const subject = `report:${task.id}:${region}`;
  if (!ctx.deps.settings.urgentEscalation || (await ctx.done(subject, 'urgent'))) return;
  const responsible = await ctx.deps.reports.responsibleFor(task, region);
  if (!isMentionableOpenId(responsible)) {
    ctx.log.info({ taskId: task.id, region }, 'reminders: nobody known to answer for this report; no urgent notice');
    await ctx.record(subject, 'urgent', 'skipped');
    return;
  }
  const key = `${subject}:urgent`;
  const card = reportUrgentCard({ task, code, timezone: ctx.deps.settings.timezone, region, awaitingFiles });
  await ctx.sendToUser(key, task.tenantKey, responsible, { type: 'card', card });
  const buzzed = await ctx.urgent(`${key}:buzz`, task.tenantKey, responsible, key);
  await ctx.record(subject, 'urgent', buzzed ? 'sent' : 'skipped');
}
