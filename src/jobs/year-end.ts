import { DateTime } from 'luxon';
import type { HandlerDeps } from '../../handlers/types';
import { calendarYearOf } from '../domain/calendar';
import { parseRegion, type Region } from '../domain/regions';
import { loadYearData, ofRegion } from '../services/figures-data';
import { yearEndDocx } from '../services/figures-docx';
import { yearEndFigures, yearEndFileName, yearEndWorkbook } from '../services/figures-year-end';
import type { Job } from './job-runner';

/**
 * The year-end figures for the 落实情况报告: on YEAR_END_FIGURES_DATE (default 12-01) of the
 * campaign year, at the schedule's hour, each 盟市's group gets its own .docx and .xlsx, once
 * (job_occasions); after downtime a later run the same year still sends them. `年度数据`
 * (handlers/year-end-command.ts) produces the same on demand.
 */

export const YEAR_END_CRON = '20 * * * *';
export const DEFAULT_YEAR_END_DATE = '12-01';

/** The .docx and the .xlsx of a 盟市's (or the whole region's) figures for the campaign year. */
export async function yearEndFiles(deps: HandlerDeps, tenantKey: string, scope: Region | '全区', now: Date): Promise<Array<{ name: string; buffer: Buffer }>> {
  const all = await loadYearData(deps, tenantKey, calendarYearOf(deps.settings, now));
  const data = scope === '全区' ? all : ofRegion(all, scope);
  const figures = yearEndFigures(data, scope, now.getTime(), deps.settings.timezone);
  return [
    { name: yearEndFileName(figures, 'docx'), buffer: await yearEndDocx(figures) },
    { name: yearEndFileName(figures, 'xlsx'), buffer: await yearEndWorkbook(figures) },
  ];
}

export const yearEndIntro = (scope: string, year: number) =>
  `${scope}${year}年企业创新能力提升行动年度数据：举办的活动（时间、地点、内容、参加人数和两项比例）、合计、企业需求对接、参与专家和报送任务完成情况，Word 表格可直接用于落实情况报告，另附 Excel。`;

export const yearEnd: Job = async (ctx) => {
  const { timezone } = ctx.deps.settings;
  const campaignYear = calendarYearOf(ctx.deps.settings, ctx.now);
  const monthDay = ctx.deps.settings.figures?.yearEndDate ?? DEFAULT_YEAR_END_DATE;
  const due = DateTime.fromISO(`${campaignYear}-${monthDay}`, { zone: timezone }).set({ hour: ctx.deps.schedule.hour });
  if (!due.isValid) throw new RangeError(`year-end: invalid YEAR_END_FIGURES_DATE '${monthDay}'`);
  if (ctx.now.getTime() < due.toMillis()) {
    ctx.log.info({ due: due.toISO() }, 'year-end figures: not due yet');
    return;
  }
  const occasion = `year-${campaignYear}`;
  for (const binding of await ctx.deps.bindings.all()) {
    const region = parseRegion(binding.scope);
    if (!region) continue;
    const subject = `chat:${binding.chatId}`;
    if (await ctx.done(subject, occasion)) continue;
    try {
      const files = await yearEndFiles(ctx.deps, binding.tenantKey, region, ctx.now);
      const keys = [];
      for (const file of files) keys.push(await ctx.deps.platform.uploadFile(file.buffer, file.name));
      await ctx.sendToChat(`${subject}:${occasion}:intro`, binding.tenantKey, binding.chatId, { type: 'text', text: yearEndIntro(region, campaignYear) });
      for (const [i, fileKey] of keys.entries()) await ctx.sendToChat(`${subject}:${occasion}:file:${i}`, binding.tenantKey, binding.chatId, { type: 'file', fileKey });
      await ctx.record(subject, occasion, 'sent');
    } catch (err) {
      ctx.failed();
      ctx.log.error({ err, chatId: binding.chatId }, 'year-end figures: group failed');
    }
  }
};
