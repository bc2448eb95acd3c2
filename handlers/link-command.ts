import { sanitizeForText } from '../cards/markdown';
import { needCodeOf, parseNeedCode } from '../src/domain/need-status';
import { codeOf, parseCode } from '../src/services/application-record';
import { numberingYearOf, refreshReviewCards } from './application-flow';
import { refreshNeedCards } from './need-flow';
import type { Command } from './types';

/**
 * 关联 <XQ编号> <SQ编号> (admins): links an enterprise need to an application of the same 盟市,
 * so the application's review and detail cards list it and the expert team prepares for it.
 */
export const linkCommand: Command = {
  word: '关联',
  usage: '关联 <需求编号> <申请编号>',
  description: '把企业需求关联到同一盟市的活动申请，专家团队据此准备（如：关联 XQ2027-0001 SQ2027-0003）',
  adminOnly: true,
  async run(ctx) {
    const say = (text: string) => ctx.reply({ type: 'text', text });
    if (!ctx.isAdmin) return say('抱歉，只有科创服务中心的管理员可以关联需求和申请。');
    const year = numberingYearOf(ctx.deps);
    const words = ctx.args.split(/\s+/).filter(Boolean);
    const needCode = words.map((w) => parseNeedCode(w)).find(Boolean);
    const appCode = words.map((w) => parseCode(w)).find(Boolean);
    if (words.length !== 2 || !needCode || !appCode) return say(`请写明需求编号和申请编号，例如：关联 XQ${year}-0001 SQ${year}-0003`);
    const { tenantKey, senderOpenId } = ctx.message;
    const need = await ctx.deps.needs.findByCode(tenantKey, needCode.year, needCode.seq);
    const app = await ctx.deps.applications.findByCode(tenantKey, appCode.year, appCode.seq);
    if (!need) return say(`没有找到需求 ${sanitizeForText(words[0])}。`);
    if (!app) return say(`没有找到申请 ${sanitizeForText(words[1])}。`);
    if (app.region !== need.region) return say(`需求 ${needCodeOf(need)} 在${need.region}，申请 ${codeOf(app)} 在${app.region ?? '（未选盟市）'}：只能关联同一盟市的需求和申请。`);
    if (need.applicationId === app.id) return say(`需求 ${needCodeOf(need)} 已经关联到申请 ${codeOf(app)}。`);
    // The link, its audit row and the cards that list it: one commit.
    const result = await ctx.deps.atomically(async (tx) => {
      const change = await tx.needs.transition(need, 'link', need.status, senderOpenId, codeOf(app) ?? null, { applicationId: app.id });
      if (!change.ok) return change;
      await refreshReviewCards(tx, app, undefined, `link:${need.id}:v${change.need.version}`);
      await refreshNeedCards(tx, change.need);
      return change;
    });
    if (!result.ok) return say('这项需求刚刚有了变化，请再试一次。');
    await say(`已把需求 ${needCodeOf(need)}（${sanitizeForText(need.enterpriseName)}）关联到申请 ${codeOf(app)}，申请的审核卡片和详情会列出这项需求。`);
  },
};
