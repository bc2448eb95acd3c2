import { CHANGE_DECIDE_ACTION } from '../cards/change-cards';
import { sanitizeForText } from '../cards/markdown';
import { reasonError } from '../src/domain/application-status';
import { changeRequestOf, codeOf, parseCode } from '../src/services/application-record';
import { CHANGE_ACTIONS } from './application-change';
import { refuseUnlessAdmin, runAction, splitArgs } from './decision-commands';
import type { Command } from './types';

/**
 * The centre's decision on a change request (改期) as text commands, on both platforms:
 * `同意改期 <编号> [审核意见]` and `不同意改期 <编号> <原因>`, named after the change review
 * card's buttons (同意改期 / 不同意). On DingTalk those buttons send these commands
 * (src/platform/dingtalk/render.ts). A cancellation is not decided by the centre (取消 takes
 * effect at once), so it has no decision command.
 *
 * Each runs the card action its button runs (application.change_decide), with the same
 * authorization (admins only) and the same first-decision-wins rule: the command decides the
 * request open now, at the version it read, so of two decisions one applies and the other is
 * told the request was already dealt with. A repeated message is deduplicated by the inbox.
 */

const REFUSAL = '只有科创服务中心的管理员可以审核改期申请。';

function changeDecisionCommand(word: string, decision: 'agree' | 'refuse', description: string): Command {
  const usage = decision === 'agree' ? `${word} <编号> [审核意见]` : `${word} <编号> <原因>`;
  return {
    word,
    usage,
    description,
    adminOnly: true,
    async run(ctx) {
      if (await refuseUnlessAdmin(ctx, 'change decision command', REFUSAL)) return;
      const { code, rest } = splitArgs(ctx.args);
      const parsed = parseCode(code);
      if (!parsed) {
        await ctx.reply({ type: 'text', text: `请写明申请编号。格式：${usage}` });
        return;
      }
      const app = await ctx.deps.applications.findByCode(ctx.message.tenantKey, parsed.year, parsed.seq);
      const request = app ? changeRequestOf(app) : undefined;
      if (!app || !request) {
        await ctx.reply({ type: 'text', text: `没有找到申请 ${sanitizeForText(code)} 的改期申请。请检查编号（如 SQ2027-0001）。` });
        return;
      }
      const shown = codeOf(app) ?? sanitizeForText(code);
      if (app.status !== '已通过') {
        await ctx.reply({ type: 'text', text: `${shown} 当前状态为「${app.status}」，改期申请无需再审核。` });
        return;
      }
      if (request.state !== '待审核') {
        await ctx.reply({ type: 'text', text: `${shown} 的改期申请已经审核过了（${request.state}），无需再审核。` });
        return;
      }
      const problem = reasonError(decision === 'agree' ? 'approve_change' : 'refuse_change', rest);
      if (problem) {
        const example = decision === 'refuse' ? `，如「${word} ${shown} 新日期与其他活动冲突」` : '';
        await ctx.reply({ type: 'text', text: `${problem}。格式：${usage}${example}。` });
        return;
      }
      await runAction(ctx, CHANGE_ACTIONS[CHANGE_DECIDE_ACTION], { action: CHANGE_DECIDE_ACTION, id: app.id, decision, round: request.round, v: app.version }, { reason: rest });
    },
  };
}

export const agreeChangeCommand = changeDecisionCommand('同意改期', 'agree', '同意已通过活动的改期申请（可附审核意见）');
export const refuseChangeCommand = changeDecisionCommand('不同意改期', 'refuse', '不同意改期申请，须写明原因；活动仍按原安排');
