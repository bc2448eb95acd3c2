import { sanitizeForText } from '../cards/markdown';
import { summaryFormCard } from '../cards/summary-cards';
import type { Application } from '../src/db/entities/application.entity';
import { resolveApplicationRules } from '../src/domain/application-rule-config';
import { codeOf, parseCode } from '../src/services/application-record';
import { mayAct } from './application-flow';
import type { Command, CommandContext } from './types';

/**
 * 总结 [编号]: the evaluation summary form of a held activity, on demand (the reminders job sends
 * it too). Without a code: the asker's one held activity without a summary, or the list to
 * choose from. On DingTalk the same target starts the summary wizard instead of the card.
 */

const USAGE = '总结 <编号>';

/** The application the summary is for, if the sender may file it; else it has replied why not. */
export async function summaryTarget(ctx: CommandContext): Promise<Application | undefined> {
  const { tenantKey, senderOpenId } = ctx.message;
  const word = ctx.args.split(/\s+/)[0] ?? '';
  if (word === '') {
    const { items } = await ctx.deps.applications.list({ tenantKey, viewerOpenId: senderOpenId, filerOpenId: senderOpenId, statuses: ['已举办'] }, 0, 10);
    if (items.length === 1) return items[0];
    await ctx.reply({
      type: 'text',
      text:
        items.length === 0
          ? '您没有待填写评估总结的活动（活动举办后才能填写）。发送「查询」查看您的申请。'
          : `您有 ${items.length} 项已举办的活动待填写评估总结，请写明编号，如「总结 ${codeOf(items[0])}」：\n${items.map((a) => `· ${codeOf(a)} ${sanitizeForText(a.orgName ?? '')}`).join('\n')}`,
    });
    return undefined;
  }
  const parsed = parseCode(word);
  if (!parsed) {
    await ctx.reply({ type: 'text', text: `请写明申请编号。格式：${USAGE}` });
    return undefined;
  }
  const app = await ctx.deps.applications.findByCode(tenantKey, parsed.year, parsed.seq);
  // Not found and not allowed read the same, so codes cannot be probed.
  if (!app || !mayAct(app, senderOpenId, ctx.isAdmin)) {
    await ctx.reply({ type: 'text', text: `没有找到您可以填写评估总结的申请 ${sanitizeForText(word)}：只有申请人本人或中心管理员可以填写。` });
    return undefined;
  }
  if (app.status === '已总结') {
    await ctx.reply({ type: 'text', text: `${codeOf(app)} 的活动评估总结已经提交过了。发送「查询 ${codeOf(app)}」查看。` });
    return undefined;
  }
  if (app.status !== '已举办') {
    await ctx.reply({ type: 'text', text: `${codeOf(app)} 当前状态为「${app.status}」，活动举办后才能填写评估总结。` });
    return undefined;
  }
  return app;
}

export const summaryCommand: Command = {
  word: '总结',
  usage: '总结 <编号>',
  description: '填写已举办活动的评估总结（活动结束后我也会私聊提醒）',
  async run(ctx) {
    const app = await summaryTarget(ctx);
    if (!app) return;
    const card = summaryFormCard({ app, values: {}, rules: resolveApplicationRules(ctx.deps.settings.rules) });
    if (ctx.message.chatType === 'p2p') return ctx.reply({ type: 'card', card });
    const { tenantKey, senderOpenId, messageId } = ctx.message;
    await ctx.deps.messenger.sendToUser({ tenantKey, key: `summary:${messageId}:form` }, senderOpenId, { type: 'card', card });
    await ctx.reply({ type: 'text', text: '评估总结表已私聊发给您，请在与我的私聊中填写提交。' });
  },
};
