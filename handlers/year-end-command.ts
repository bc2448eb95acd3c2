import { sanitizeForText } from '../cards/markdown';
import { parseRegion, type Region } from '../src/domain/regions';
import { yearEndFiles, yearEndIntro } from '../src/jobs/year-end';
import { placeOf, sendGenerated } from './figures-flow';
import { numberingYearOf } from './application-flow';
import type { Command } from './types';

/**
 * 年度数据 <盟市> (that 盟市's group, or an admin) and 年度数据 全区 (admins, privately or in the
 * centre's group): the campaign year's figures for the 落实情况报告 as .docx and .xlsx
 * (src/jobs/year-end.ts). In a 盟市's group the 盟市 may be left out.
 */

export const YEAR_END_REFUSALS = {
  region: (region: string) => `您无权在这里查看${region}的年度数据：请在${region}的工作群中发送，或请科创服务中心的管理员查看。`,
  all: '全区年度数据只有科创服务中心的管理员可以查看，请在私聊或中心工作群中使用「年度数据 全区」。',
};

export const yearEndCommand: Command = {
  word: '年度数据',
  usage: '年度数据 <盟市> / 年度数据 全区',
  description: '生成本年度落实情况报告所需的数据（Word 表格和 Excel）：活动、合计、需求对接、专家、报送；在盟市群中查本盟市的数据，全区的数据由中心管理员查询',
  async run(ctx) {
    const place = await placeOf(ctx);
    const arg = ctx.args.trim();
    let scope: Region | '全区' | undefined;
    if (arg === '全区' || arg === '全部') scope = '全区';
    else if (arg) scope = parseRegion(arg);
    else if (place.kind === 'region') scope = place.region;
    if (!scope) {
      const what = arg ? `没有名为「${sanitizeForText(arg)}」的盟市。` : '';
      return ctx.reply({ type: 'text', text: `${what}请发送「年度数据 <盟市>」（如「年度数据 包头市」）或「年度数据 全区」。` });
    }
    // An admin privately or in the centre's group may have any scope's data (全区 too); a 盟市's
    // own group, that 盟市's (a group is never bound to 全区).
    const allowed = (ctx.isAdmin && (place.kind === 'p2p' || place.kind === 'centre')) || (place.kind === 'region' && place.region === scope);
    if (!allowed) return ctx.reply({ type: 'text', text: scope === '全区' ? YEAR_END_REFUSALS.all : YEAR_END_REFUSALS.region(scope) });
    const year = numberingYearOf(ctx.deps);
    const sent = await sendGenerated(ctx, `${scope}${year}年年度数据`, () => yearEndFiles(ctx.deps, ctx.message.tenantKey, scope, new Date(ctx.deps.now())));
    if (sent) await ctx.reply({ type: 'text', text: yearEndIntro(scope, year) });
  },
};
