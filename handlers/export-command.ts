import { sanitizeForText } from '../cards/markdown';
import { isApplicationStatus, type ApplicationStatus } from '../src/domain/application-status';
import { isNeedStatus } from '../src/domain/need-status';
import { halfWidthDigits } from '../src/domain/numbers';
import { parseRegion, type Region } from '../src/domain/regions';
import { loadYearData } from '../src/services/figures-data';
import { applicationWorkbook, needWorkbook } from '../src/services/figures-exports';
import { adminInCentre, sendGenerated } from './figures-flow';
import { numberingYearOf } from './application-flow';
import type { Command } from './types';

/**
 * 导出 申请 [年度] [盟市] [状态] / 导出 需求 [年度] [盟市] [状态] (admins, privately or in the
 * centre's group): an .xlsx in the notice's columns (src/services/figures-exports.ts). The
 * filters may come in any order; the year defaults to CAMPAIGN_YEAR.
 */

const USAGE = '导出 申请 [年度] [盟市] [状态] 或 导出 需求 [年度] [盟市] [状态]，如「导出 申请 2027 包头市 已总结」';
export const EXPORT_REFUSAL = '只有科创服务中心的管理员可以导出，请在私聊或中心工作群中使用「导出」。';

export interface ExportFilter {
  what: '申请' | '需求';
  year: number;
  region?: Region;
  status?: string;
}

/** Reads the command's words; a word that is neither a year, a 盟市 nor a status is an error. */
export function parseExportArgs(args: string, campaignYear: number): ExportFilter | { error: string } {
  const words = args.normalize('NFKC').split(/\s+/).filter(Boolean);
  const what = words.shift();
  if (what !== '申请' && what !== '需求') return { error: `请说明导出什么：${USAGE}` };
  const filter: ExportFilter = { what, year: campaignYear };
  for (const word of words) {
    const year = /^(\d{4})年?$/.exec(halfWidthDigits(word));
    const region = parseRegion(word);
    if (year) filter.year = Number(year[1]);
    else if (region) filter.region = region;
    else if (what === '申请' ? isApplicationStatus(word) && word !== '草稿' : isNeedStatus(word)) filter.status = word;
    else return { error: `无法识别「${sanitizeForText(word)}」：年度写四位数字，盟市写全称或简称，状态写${what === '申请' ? '待审核、已通过、已总结等' : '待对接、已对接、已解决等'}。格式：${USAGE}` };
  }
  return filter;
}

const describe = (f: ExportFilter) => [`${f.year}年`, f.region, f.status].filter(Boolean).join('、');

export const exportCommand: Command = {
  word: '导出',
  usage: '导出 申请 [年度] [盟市] [状态] / 导出 需求 …',
  description: '按通知申请表的栏目导出活动申请或企业需求（Excel），可按年度、盟市、状态筛选',
  adminOnly: true,
  async run(ctx) {
    if (!(await adminInCentre(ctx))) return ctx.reply({ type: 'text', text: EXPORT_REFUSAL });
    const filter = parseExportArgs(ctx.args, numberingYearOf(ctx.deps));
    if ('error' in filter) return ctx.reply({ type: 'text', text: filter.error });
    const { tenantKey } = ctx.message;
    const tz = ctx.deps.settings.timezone;
    const data = await loadYearData(ctx.deps, tenantKey, filter.year);
    const name = ['导出', filter.what, filter.year, filter.region, filter.status].filter(Boolean).join('-') + '.xlsx';
    if (filter.what === '申请') {
      const apps = data.apps.filter((a) => (!filter.region || a.region === filter.region) && (!filter.status || a.status === (filter.status as ApplicationStatus)));
      if (apps.length === 0) return ctx.reply({ type: 'text', text: `没有符合条件的活动申请（${describe(filter)}），未生成文件。` });
      await sendGenerated(ctx, `活动申请导出（${describe(filter)}，共 ${apps.length} 份）`, async () => [{ name, buffer: await applicationWorkbook(apps, data, tz) }]);
    } else {
      const needs = data.needs.filter((n) => (!filter.region || n.region === filter.region) && (!filter.status || n.status === filter.status));
      if (needs.length === 0) return ctx.reply({ type: 'text', text: `没有符合条件的企业需求（${describe(filter)}），未生成文件。` });
      await sendGenerated(ctx, `企业需求导出（${describe(filter)}，共 ${needs.length} 项）`, async () => [{ name, buffer: await needWorkbook(needs, data, tz) }]);
    }
  },
};
