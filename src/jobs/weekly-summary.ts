import { DateTime } from 'luxon';
import { weeklyCard } from '../../cards/weekly-cards';
import { renderBarChart } from '../charts/bar-chart';
import type { Application } from '../db/entities/application.entity';
import type { ApplicationStatus } from '../domain/application-status';
import { isoOf } from '../domain/calendar';
import { CENTRE, parseRegion, REGIONS } from '../domain/regions';
import type { Job, JobContext } from './job-runner';
import { weeklyFigures, type WeeklyFigures } from './weekly-data';

/** The chart's series and their colours, like the cards' headers (未通过, rarer, is in the totals line). */
export const CHART_STATUSES: ReadonlyArray<{ status: ApplicationStatus; color: string }> = [
  { status: '待审核', color: '#3b82f6' },
  { status: '已退回', color: '#f59e0b' },
  { status: '已通过', color: '#22c55e' },
  { status: '已举办', color: '#14b8a6' },
  { status: '已总结', color: '#8b5cf6' },
];

/**
 * The Monday digest: each group bound to a 盟市 gets its region's summary, the centre's group the
 * province digest with a bar chart. Once per group per week; a run later in the week (after
 * downtime) still sends that week's digest, with the figures as of the run.
 */
export const weeklySummary: Job = async (ctx) => {
  const { timezone } = ctx.deps.settings;
  const s = ctx.deps.schedule;
  const local = DateTime.fromJSDate(ctx.now, { zone: timezone });
  const weekStart = local.startOf('day').minus({ days: (local.weekday - s.weeklyWeekday + 7) % 7 });
  if (ctx.now.getTime() < weekStart.set({ hour: s.weeklyHour }).toMillis()) {
    ctx.log.info({ due: weekStart.set({ hour: s.weeklyHour }).toISO() }, 'weekly summary: this week’s is not due yet');
    return;
  }
  const occasion = `week-${isoOf(weekStart)}`;
  const byTenant = new Map<string, Awaited<ReturnType<JobContext['deps']['bindings']['all']>>>();
  for (const b of await ctx.deps.bindings.all()) byTenant.set(b.tenantKey, [...(byTenant.get(b.tenantKey) ?? []), b]);

  for (const [tenantKey, bindings] of byTenant) {
    const apps = await ctx.deps.applications.ofTenant(tenantKey);
    const events = await ctx.deps.applications.eventsSince(local.startOf('day').minus({ days: 7 }).toMillis());
    const figuresFor = (subset: Application[]) => {
      const ids = new Set(subset.map((a) => a.id));
      return weeklyFigures({
        apps: subset,
        events: events.filter((e) => ids.has(e.applicationId)),
        dayStartMs: local.startOf('day').toMillis(),
        weekStartMs: local.startOf('day').minus({ days: 7 }).toMillis(),
        today: ctx.today,
        upcomingDays: s.digestUpcomingDays,
        overdueDays: s.summaryOverdueDaysAfter,
      });
    };
    let chart: Promise<{ imageKey?: string; problem?: string }> | undefined;
    for (const binding of bindings) {
      const subject = `chat:${binding.chatId}`;
      if (await ctx.done(subject, occasion)) continue;
      try {
        let card;
        if (binding.scope === CENTRE) {
          const figures = figuresFor(apps);
          chart ??= chartFor(ctx, figures);
          const { imageKey, problem } = await chart;
          const needs = await ctx.deps.needs.openAndMatched(tenantKey);
          card = weeklyCard({ scope: '全区', figures, chartImageKey: imageKey, chartProblem: problem, upcomingDays: s.digestUpcomingDays, commandDays: s.upcomingCommandDays, needs });
        } else {
          const region = parseRegion(binding.scope);
          if (!region) continue;
          const needs = await ctx.deps.needs.openAndMatched(tenantKey, region);
          card = weeklyCard({ scope: region, figures: figuresFor(apps.filter((a) => a.region === region)), upcomingDays: s.digestUpcomingDays, commandDays: s.upcomingCommandDays, needs });
        }
        await ctx.sendToChat(`${subject}:${occasion}`, tenantKey, binding.chatId, { type: 'card', card });
        await ctx.record(subject, occasion, 'sent');
      } catch (err) {
        ctx.failed();
        ctx.log.error({ err, chatId: binding.chatId }, 'weekly summary: group failed');
      }
    }
  }
};

/** Renders and uploads the province chart; a failure costs the picture, not the digest. */
async function chartFor(ctx: JobContext, figures: WeeklyFigures): Promise<{ imageKey?: string; problem?: string }> {
  try {
    const png = await renderBarChart({
      title: '各盟市申请情况',
      categories: [...REGIONS],
      series: CHART_STATUSES.map(({ status, color }) => ({ name: status, color, values: REGIONS.map((r) => figures.byRegion[r][status]) })),
    });
    return { imageKey: await ctx.deps.platform.uploadImage(png) };
  } catch (err) {
    ctx.failed();
    ctx.log.error({ err }, 'weekly summary: chart failed');
    return { problem: '（本周图表生成失败，已记录，管理员可查看日志。）' };
  }
}
