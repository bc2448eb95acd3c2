import { DateTime } from 'luxon';
import { regionStatusChart } from '../../cards/digest-chart';
import type { CardElement } from '../../cards/card-kit';
import { weeklyCard } from '../../cards/weekly-cards';
import type { Application } from '../db/entities/application.entity';
import { isoOf } from '../domain/calendar';
import { CENTRE, parseRegion } from '../domain/regions';
import type { Job, JobContext } from './job-runner';
import { weeklyFigures, type WeeklyFigures } from './weekly-data';

/**
 * The Monday digest: each group bound to a 盟市 gets its region's summary, the centre's group the
 * province digest with a chart of every 盟市 by status (the card's native `chart` component).
 * Once per group per week; a run later in the week (after downtime) still sends that week's
 * digest, with the figures as of the run.
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
    for (const binding of bindings) {
      const subject = `chat:${binding.chatId}`;
      if (await ctx.done(subject, occasion)) continue;
      try {
        let card;
        if (binding.scope === CENTRE) {
          const figures = figuresFor(apps);
          const { chart, problem } = chartFor(ctx, figures);
          const needs = await ctx.deps.needs.openAndMatched(tenantKey);
          card = weeklyCard({ scope: '全区', figures, chart, chartProblem: problem, upcomingDays: s.digestUpcomingDays, commandDays: s.upcomingCommandDays, needs });
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

/**
 * The province chart. Building it is plain data and should never fail; if it does, the digest
 * goes out without it (with a note) and the run is not marked failed: the figures are in the text.
 */
export function chartFor(ctx: Pick<JobContext, 'log' | 'failed'>, figures: WeeklyFigures): { chart?: CardElement; problem?: string } {
  try {
    return { chart: regionStatusChart(figures.byRegion) };
  } catch (err) {
    ctx.log.warn({ err }, 'weekly summary: chart left out');
    return { problem: '（本周图表未能生成，各项数字见上文。）' };
  }
}
