import { centreReminderCard } from '../../cards/team-cards';
import { overdueSummariesCard, draftDeadlineCard, reviewNudgeCard, upcomingActivityCard } from '../../cards/reminder-cards';
import { summaryFormCard } from '../../cards/summary-cards';
import { isMentionableOpenId } from '../../cards/mentions';
import { centreTargets } from '../../handlers/application-flow';
import type { Application } from '../db/entities/application.entity';
import { filingDeadline } from '../domain/application-rules';
import { resolveApplicationRules } from '../domain/application-rule-config';
import { localDate, requireDate } from '../domain/calendar';
import { parseRegion } from '../domain/regions';
import { COVERED_YEARS, isYearCovered } from '../domain/working-days';
import { SYSTEM_ACTOR } from '../services/application-record';
import type { Job, JobContext } from './job-runner';
import { reportReminders } from './report-reminders';
import { scanReminder } from './scan-reminders';
import { centreOccasions, draftOccasions, heldDay, isDue, latestPerSeries, nudgeDay, PlannedOccasion, summaryOccasions, upcomingOccasions } from './occasions';

/**
 * The reminders job: every occasion of every application that has fallen due and was not yet
 * done. Each is sent once (the ledger), under an outbox key derived from the occasion (so a
 * crash between queueing and recording queues nothing twice). After downtime, what is still
 * useful is sent (only the latest of a series), and what is not is recorded as skipped.
 */
export const reminders: Job = async (ctx) => {
  const apps = await ctx.deps.applications.inStatuses(['草稿', '待审核', '已通过', '已举办']);
  const overdue: Application[] = [];
  for (const app of apps) {
    try {
      if (app.status === '草稿') await draftDeadline(ctx, app);
      if (app.status === '待审核') await reviewNudge(ctx, app);
      if (app.status === '已通过') await upcomingAndHeld(ctx, app);
      // Last: a failed upload must not hold back the activity's own reminders.
      if (app.status === '待审核' || app.status === '已通过') await scanReminder(ctx, app);
      if (app.status === '已举办') await summaryChase(ctx, app, overdue);
    } catch (err) {
      ctx.failed();
      ctx.log.error({ err, applicationId: app.id }, 'reminders: occasion failed');
    }
  }
  await listOverdue(ctx, overdue);
  await reportReminders(ctx);
};

const subjectOf = (app: Application) => `application:${app.id}`;

/** The due, not yet done occasions: the latest of each series to send, the others skipped. */
async function dueOccasions(ctx: JobContext, app: Application, planned: PlannedOccasion[]): Promise<PlannedOccasion[]> {
  const { timezone } = ctx.deps.settings;
  const hour = ctx.deps.schedule.hour;
  const pending: PlannedOccasion[] = [];
  for (const o of planned) {
    if (isDue(o.due, ctx.now, timezone, hour) && !(await ctx.done(subjectOf(app), o.occasion))) pending.push(o);
  }
  const { send, superseded } = latestPerSeries(pending);
  for (const o of superseded) await ctx.record(subjectOf(app), o.occasion, 'skipped');
  const useful: PlannedOccasion[] = [];
  for (const o of send) {
    if (o.usefulUntil && ctx.today >= o.usefulUntil) await ctx.record(subjectOf(app), o.occasion, 'skipped');
    else useful.push(o);
  }
  return useful;
}

function daysBetween(from: string, to: string): number {
  return Math.round(requireDate('to', to).diff(requireDate('from', from), 'days').days);
}

async function draftDeadline(ctx: JobContext, app: Application) {
  const rules = ctx.deps.settings.rules;
  for (const o of await dueOccasions(ctx, app, draftOccasions(app, ctx.deps.schedule, rules))) {
    const deadline = filingDeadline(app.startDate!, rules);
    const card = draftDeadlineCard(app, deadline, daysBetween(ctx.today, deadline));
    await ctx.sendToUser(`${subjectOf(app)}:${o.occasion}`, app.tenantKey, app.filerOpenId, { type: 'card', card });
    await ctx.record(subjectOf(app), o.occasion, 'sent');
  }
}

async function reviewNudge(ctx: JobContext, app: Application) {
  if (app.submittedAt === null) return;
  const { timezone } = ctx.deps.settings;
  const days = ctx.deps.schedule.reviewNudgeWorkingDays;
  const submittedOn = localDate(new Date(app.submittedAt), timezone);
  const occasion: PlannedOccasion = { occasion: `review-nudge-${app.submittedAt}`, series: 'review-nudge', due: nudgeDay(submittedOn, days) };
  for (const o of await dueOccasions(ctx, app, [occasion])) {
    if (!isYearCovered(Number(submittedOn.slice(0, 4))) || !isYearCovered(Number(o.due.slice(0, 4)))) {
      ctx.log.warn(
        { applicationId: app.id, submittedOn, coveredYears: COVERED_YEARS },
        'working days counted Mon–Fri: the chinese-days package has no holiday data for this year yet; update it',
      );
    }
    const card = reviewNudgeCard(app, submittedOn, days);
    for (const target of await centreTargets(ctx.deps, app.tenantKey)) {
      const key = `${subjectOf(app)}:${o.occasion}:${target.kind}:${target.id}`;
      if (target.kind === 'chat') await ctx.sendToChat(key, app.tenantKey, target.id, { type: 'card', card });
      else await ctx.sendToUser(key, app.tenantKey, target.id, { type: 'card', card });
    }
    await ctx.record(subjectOf(app), o.occasion, 'sent');
  }
}

async function upcomingAndHeld(ctx: JobContext, app: Application) {
  for (const o of await dueOccasions(ctx, app, upcomingOccasions(app, ctx.deps.schedule))) {
    const card = upcomingActivityCard(app, daysBetween(ctx.today, app.startDate!));
    // In the 盟市's group the filer is @-mentioned (issue 13 item 6).
    const groupCard = upcomingActivityCard(app, daysBetween(ctx.today, app.startDate!), app.filerOpenId);
    const region = parseRegion(app.region ?? '');
    const chats = region ? await ctx.deps.bindings.chatsFor(app.tenantKey, region) : [];
    for (const chat of chats) await ctx.sendToChat(`${subjectOf(app)}:${o.occasion}:chat:${chat.chatId}`, app.tenantKey, chat.chatId, { type: 'card', card: groupCard });
    await ctx.sendToUser(`${subjectOf(app)}:${o.occasion}:filer`, app.tenantKey, app.filerOpenId, { type: 'card', card });
    await ctx.record(subjectOf(app), o.occasion, 'sent');
  }
  // The centre leads the expert team: its group gets the team and the venue.
  for (const o of await dueOccasions(ctx, app, centreOccasions(app, ctx.deps.schedule))) {
    const card = centreReminderCard(app, daysBetween(ctx.today, app.startDate!));
    for (const target of await centreTargets(ctx.deps, app.tenantKey)) {
      const key = `${subjectOf(app)}:${o.occasion}:${target.kind}:${target.id}`;
      if (target.kind === 'chat') await ctx.sendToChat(key, app.tenantKey, target.id, { type: 'card', card });
      else await ctx.sendToUser(key, app.tenantKey, target.id, { type: 'card', card });
    }
    await ctx.record(subjectOf(app), o.occasion, 'sent');
  }
  const held = heldDay(app);
  if (!held || !isDue(held, ctx.now, ctx.deps.settings.timezone, ctx.deps.schedule.hour)) return;
  // The status and its audit row together (what follows is sent by occasions, which catch up).
  const result = await ctx.deps.atomically((tx) => tx.applications.transition(app, 'hold', SYSTEM_ACTOR));
  if (!result.ok) return; // changed meanwhile; the next run sees it as it is now
  ctx.log.info({ applicationId: app.id }, 'activity held');
  await summaryChase(ctx, result.app, []);
}

async function summaryChase(ctx: JobContext, app: Application, overdue: Application[]) {
  const subject = subjectOf(app);
  const rules = resolveApplicationRules(ctx.deps.settings.rules);
  // The request itself, the day after the activity (also for one whose request never went out).
  if (!(await ctx.done(subject, 'summary-request'))) {
    const card = summaryFormCard({ app, values: {}, rules, reminder: '活动已结束，感谢组织！请填写活动评估总结。' });
    await ctx.sendToUser(`${subject}:summary-request`, app.tenantKey, app.filerOpenId, { type: 'card', card });
    await ctx.record(subject, 'summary-request', 'sent');
    return;
  }
  for (const o of await dueOccasions(ctx, app, summaryOccasions(app, ctx.deps.schedule))) {
    if (o.series === 'summary-overdue') {
      overdue.push(app);
      continue;
    }
    const days = daysBetween(heldDay(app)!, ctx.today);
    const card = summaryFormCard({ app, values: {}, rules, reminder: `活动已结束 ${days} 天，尚未收到活动评估总结，请尽快填写提交。` });
    await ctx.sendToUser(`${subject}:${o.occasion}`, app.tenantKey, app.filerOpenId, { type: 'card', card });
    await ctx.record(subject, o.occasion, 'sent');
  }
}

/** One card per tenant listing what became overdue in this run, to the centre. */
async function listOverdue(ctx: JobContext, overdue: Application[]) {
  const byTenant = new Map<string, Application[]>();
  for (const app of overdue) byTenant.set(app.tenantKey, [...(byTenant.get(app.tenantKey) ?? []), app]);
  for (const [tenantKey, apps] of byTenant) {
    const card = overdueSummariesCard(apps, ctx.deps.schedule.summaryOverdueDaysAfter, 20, 1 + ctx.deps.schedule.summaryReminderDaysAfter.length);
    const ids = apps.map((a) => a.id).join(',');
    for (const target of await centreTargets(ctx.deps, tenantKey)) {
      const key = `overdue:${ids}:${target.kind}:${target.id}`;
      if (target.kind === 'chat') await ctx.sendToChat(key, tenantKey, target.id, { type: 'card', card });
      else await ctx.sendToUser(key, tenantKey, target.id, { type: 'card', card });
    }
    for (const app of apps) await ctx.record(subjectOf(app), 'summary-overdue', 'sent');
  }
  for (const app of overdue) await escalateSummary(ctx, app);
}

/**
 * URGENT_ESCALATION (issue 13 item 6): every summary reminder has gone and the summary is
 * overdue, so the filer gets the summary form once more, with Feishu's in-app urgent notice on
 * it. Once: an occasion of its own, so a rerun or a restart never buzzes again.
 */
async function escalateSummary(ctx: JobContext, app: Application) {
  const subject = subjectOf(app);
  if (!ctx.deps.settings.urgentEscalation || (await ctx.done(subject, 'urgent'))) return;
  if (!isMentionableOpenId(app.filerOpenId)) {
    await ctx.record(subject, 'urgent', 'skipped');
    return;
  }
  const rules = resolveApplicationRules(ctx.deps.settings.rules);
  const days = daysBetween(heldDay(app)!, ctx.today);
  const card = summaryFormCard({ app, values: {}, rules, reminder: `【加急】活动已结束 ${days} 天，活动评估总结已逾期，请立即填写提交。` });
  const key = `${subject}:urgent`;
  await ctx.sendToUser(key, app.tenantKey, app.filerOpenId, { type: 'card', card });
  const buzzed = await ctx.urgent(`${key}:buzz`, app.tenantKey, app.filerOpenId, key);
  await ctx.record(subject, 'urgent', buzzed ? 'sent' : 'skipped');
}
