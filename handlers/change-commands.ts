import { sanitizeForText } from '../cards/markdown';
import type { Application } from '../src/db/entities/application.entity';
import { canTransition, reasonError } from '../src/domain/application-status';
import { codeOf, parseCode } from '../src/services/application-record';
import { cancelApplication, changeForm } from './application-change';
import { mayAct } from './application-flow';
import type { Command, CommandContext } from './types';

/**
 * 改期 <编号> and 取消 <编号> <原因> (issue 11 item 1) as text commands: the change form card, or
 * the cancellation at once, for the filer or an admin. On DingTalk `改期 <编号>` and
 * `取消 <编号>` without a reason start the same forms as a conversation instead
 * (src/platform/dingtalk/wizard/routing.ts).
 */

/** The application a command names, if the sender may act on it; else it has replied why not. */
async function commandTarget(ctx: CommandContext, code: string, usage: string): Promise<Application | undefined> {
  const parsed = parseCode(code);
  if (!parsed) {
    await ctx.reply({ type: 'text', text: `请写明申请编号。格式：${usage}` });
    return undefined;
  }
  const app = await ctx.deps.applications.findByCode(ctx.message.tenantKey, parsed.year, parsed.seq);
  // Not found and not allowed read the same, so codes cannot be probed.
  if (!app || !mayAct(app, ctx.message.senderOpenId, ctx.isAdmin)) {
    await ctx.reply({ type: 'text', text: `没有找到您可以操作的申请 ${sanitizeForText(code)}：只有申请人本人或中心管理员可以改期或取消。` });
    return undefined;
  }
  return app;
}

export const changeCommand: Command = {
  word: '改期',
  usage: '改期 <编号>',
  description: '已通过的活动申请改期（新的日期、地点、人数），由中心审核',
  async run(ctx) {
    const app = await commandTarget(ctx, ctx.args.split(/\s+/)[0] ?? '', '改期 <编号>');
    if (!app) return;
    if (!canTransition(app.status, 'request_change')) {
      await ctx.reply({ type: 'text', text: `${codeOf(app)} 当前状态为「${app.status}」，只有已通过的活动可以申请改期。` });
      return;
    }
    await ctx.reply({ type: 'card', card: changeForm(ctx.deps, app) });
  },
};

export const cancelCommand: Command = {
  word: '取消',
  usage: '取消 <编号> <原因>',
  description: '取消活动（已通过、待审核或已退回的），须写明原因；中心和盟市群会收到通知',
  async run(ctx) {
    const [code = '', ...rest] = ctx.args.split(/\s+/);
    const app = await commandTarget(ctx, code, '取消 <编号> <原因>');
    if (!app) return;
    if (!canTransition(app.status, 'cancel')) {
      await ctx.reply({ type: 'text', text: `${codeOf(app)} 当前状态为「${app.status}」，不能取消。` });
      return;
    }
    const reason = rest.join(' ').trim();
    const problem = reasonError('cancel', reason);
    if (problem) {
      await ctx.reply({ type: 'text', text: `${problem}。格式：取消 <编号> <原因>，如「取消 ${codeOf(app)} 场地临时无法使用」。` });
      return;
    }
    const result = await cancelApplication(ctx.deps, app, ctx.message.senderOpenId, reason, ctx.log);
    if (!result.ok) {
      await ctx.reply({ type: 'text', text: `${codeOf(app)} 刚刚有了变化（当前状态：${result.current.status}），未取消。` });
      return;
    }
    await ctx.reply({ type: 'text', text: `已取消活动 ${codeOf(result.app)}，科创服务中心和所在盟市群已收到通知。` });
  },
};
