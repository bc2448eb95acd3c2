import { DateTime } from 'luxon';
import { circularCard, circularChart, regionCircularCard } from '../../cards/circular-card';
import type { CardElement, CardJson } from '../../cards/card-kit';
import { centreTargets } from '../../handlers/application-flow';
import type { HandlerDeps } from '../../handlers/types';
import type { Logger } from '../logger';
import { calendarYearOf, isoOf, localDate, requireDate } from '../domain/calendar';
import { isChineseWorkingDay } from '../domain/working-days';
import { parseRegion, type Region } from '../domain/regions';
import { circularRanks, circularRows, circularSheet, circularTotals, type CircularRow } from '../services/figures-circular';
import { isEmpty, loadYearData } from '../services/figures-data';
import { buildWorkbook } from '../services/sheet-writing';
import type { Job } from './job-runner';

/**
 * The monthly 通报: on the first working day of each month, at the schedule's hour, the centre
 * (its group, or each admin privately) gets the circular for the campaign year so far, as a
 * card with a chart and the same table as an .xlsx; with CIRCULAR_TO_REGIONS=1 each 盟市's
 * group also gets its own line and its place. Once per month and recipient (job_occasions);
 * after downtime, a later run in the same month still sends that month's, as of the run.
 * `通报` (handlers/circular-command.ts) sends the same on demand.
 */

/** The bot's cron looks every hour; what a run sends depends only on what is due and not done. */
export const CIRCULAR_CRON = '15 * * * *';

/** The one place the circular asks whether a day is a working day: China's calendar (holidays and 调休). */
export function isWorkingDay(date: string): boolean {
  return isChineseWorkingDay(date);
}

/** The first working day of a month ('YYYY-MM'). */
export function firstWorkingDay(month: string): string {
  let d = requireDate('month', `${month}-01`);
  while (!isWorkingDay(isoOf(d))) d = d.plus({ days: 1 });
  return isoOf(d);
}

export interface CircularContent {
  year: number;
  asOf: string;
  rows: CircularRow[];
  ranks: Map<Region, number>;
  card: CardJson;
  /** Builds the .xlsx (on demand: exceljs is loaded only then). */
  workbook(): Promise<{ buffer: Buffer; name: string }>;
  empty: boolean;
}

/** The circular of a tenant's campaign year as of an instant. */
export async function circularContent(deps: HandlerDeps, tenantKey: string, now: Date, log: Logger): Promise<CircularContent> {
  const year = calendarYearOf(deps.settings, now);
  const asOf = localDate(now, deps.settings.timezone);
  const data = await loadYearData(deps, tenantKey, year);
  const rows = circularRows(data, now.getTime());
  const ranks = circularRanks(rows);
  let chart: CardElement | undefined;
  let chartProblem: string | undefined;
  try {
    chart = circularChart(rows);
  } catch (err) {
    // The figures are all in the text; a chart that cannot be built must not stop the circular.
    log.warn({ err }, 'circular: chart left out');
    chartProblem = '（图表未能生成，各项数字见下文。）';
  }
  const card = circularCard({ year, asOf, rows, totals: circularTotals(rows), chart, chartProblem });
  return {
    year,
    asOf,
    rows,
    ranks,
    card,
    empty: isEmpty(data),
    workbook: async () => ({ name: `${year}年行动通报-截至${asOf}.xlsx`, buffer: await buildWorkbook([circularSheet(rows, ranks)]) }),
  };
}

export const circular: Job = async (ctx) => {
  const { timezone } = ctx.deps.settings;
  const local = DateTime.fromJSDate(ctx.now, { zone: timezone });
  const month = local.toFormat('yyyy-MM');
  const due = DateTime.fromISO(firstWorkingDay(month), { zone: timezone }).set({ hour: ctx.deps.schedule.hour });
  if (ctx.now.getTime() < due.toMillis()) {
    ctx.log.info({ due: due.toISO() }, 'circular: this month’s is not due yet');
    return;
  }
  const occasion = `month-${month}`;
  const tenants = new Set((await ctx.deps.bindings.all()).map((b) => b.tenantKey));
  for (const tenantKey of tenants) {
    try {
      const targets = await centreTargets(ctx.deps, tenantKey);
      const regionChats = ctx.deps.settings.figures?.circularToRegions
        ? (await ctx.deps.bindings.all()).filter((b) => b.tenantKey === tenantKey && parseRegion(b.scope))
        : [];
      const pending = [];
      for (const t of targets) if (!(await ctx.done(`${t.kind}:${t.id}`, occasion))) pending.push(t);
      const pendingRegions = [];
      for (const b of regionChats) if (!(await ctx.done(`chat:${b.chatId}`, occasion))) pendingRegions.push(b);
      if (pending.length === 0 && pendingRegions.length === 0) continue;

      const content = await circularContent(ctx.deps, tenantKey, ctx.now, ctx.log);
      if (content.empty) {
        // Nothing filed this campaign year yet (e.g. before the season): nothing to circulate.
        for (const t of pending) await ctx.record(`${t.kind}:${t.id}`, occasion, 'skipped');
        for (const b of pendingRegions) await ctx.record(`chat:${b.chatId}`, occasion, 'skipped');
        continue;
      }
      if (pending.length > 0) {
        const file = await content.workbook();
        const fileKey = await ctx.deps.platform.uploadFile(file.buffer, file.name);
        for (const t of pending) {
          const subject = `${t.kind}:${t.id}`;
          const send = t.kind === 'chat' ? ctx.sendToChat : ctx.sendToUser;
          await send(`${subject}:${occasion}:card`, tenantKey, t.id, { type: 'card', card: content.card });
          await send(`${subject}:${occasion}:file`, tenantKey, t.id, { type: 'file', fileKey });
          await ctx.record(subject, occasion, 'sent');
        }
      }
      for (const b of pendingRegions) {
        const region = parseRegion(b.scope)!;
        const row = content.rows.find((r) => r.region === region)!;
        const card = regionCircularCard({ year: content.year, asOf: content.asOf, row, rank: content.ranks.get(region)! });
        await ctx.sendToChat(`chat:${b.chatId}:${occasion}`, tenantKey, b.chatId, { type: 'card', card });
        await ctx.record(`chat:${b.chatId}`, occasion, 'sent');
      }
    } catch (err) {
      ctx.failed();
      ctx.log.error({ err, tenantKey }, 'circular: tenant failed');
    }
  }
};
