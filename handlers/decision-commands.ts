import { sanitizeForText } from '../cards/markdown';
import { NEED_MATCH_ACTION, NEED_MATCH_OPEN_ACTION } from '../cards/need-cards';
import { REVIEW_ACTION } from '../cards/application-cards';
import { APPROVE_UNSCANNED_ACTION, SCAN_QUESTION } from '../cards/scan-cards';
import { parseNeedCode } from '../src/domain/need-status';
import { parseCode } from '../src/services/application-record';
import { APPLICATION_ACTIONS } from './application-actions';
import { NEED_ACTIONS } from './need-actions';
import type { CardActionHandler, CardActionResult, Command, CommandContext } from './types';

/**
 * Decisions and the filer's buttons as text commands (issue 12, item 5), on both platforms:
 * `通过 <编号> [审核意见]`, `退回 <编号> <原因>`, `不予受理 <编号> <原因>`, `撤回 <编号>`,
 * `修改 <编号>` and `对接 <需求编号> [<专家编号> [对接说明]]`. DingTalk's ActionCard buttons
 * send exactly these (cards are the same JSON; src/platform/dingtalk/render.ts maps each button
 * to its command), and on Feishu they are a typed alternative to the buttons.
 *
 * Each command runs the very card action its button runs, with the same authorization (decisions
 * and 对接 by admins only; 撤回 / 修改 by the filer or an admin) and the same first-decision-wins
 * rule: the service's transition is conditional, so of two decisions sent at once one applies
 * and the other is told who decided first. A command names no card version: it acts on the
 * application as it is now (a 待审核 one that was resubmitted is decided as resubmitted).
 * A repeated message (same msgId / message_id) is deduplicated by the inbox before it gets here.
 */

const REVIEWERS_ONLY = '只有科创服务中心的管理员可以审核申请。';

/**
 * The admin-only commands' own check (the registry's `adminOnly` only marks them on the
 * help card): false for an admin; otherwise the refusal is logged and the sender told why, and true.
 */
export async function refuseUnlessAdmin(ctx: CommandContext, what: string, why: string): Promise<boolean> {
  if (ctx.isAdmin) return false;
  ctx.log.warn(`${what} by a non-admin refused`);
  await ctx.reply({ type: 'text', text: why });
  return true;
}

const APP_NOT_FOUND = (code: string) => `没有找到申请 ${sanitizeForText(code)}。请检查编号（如 SQ2027-0001），或发送「查询」查看。`;

/** Runs a card action for a command's sender; its toast becomes the reply, or its card when it has no toast. */
export async function runAction(ctx: CommandContext, handler: CardActionHandler, value: Record<string, unknown>, formValue?: Record<string, string>): Promise<CardActionResult> {
  const result = await handler({
    tenantKey: ctx.message.tenantKey,
    operatorOpenId: ctx.message.senderOpenId,
    chatId: ctx.message.chatId,
    // No card was clicked: every card of the application is brought up to date.
    messageId: undefined,
    value,
    formValue,
    isAdmin: ctx.isAdmin,
    deps: ctx.deps,
    log: ctx.log,
  });
  if (result.toast) await ctx.reply({ type: 'text', text: result.toast.content });
  else if (result.card) await ctx.reply({ type: 'card', card: result.card });
  return result;
}

export function splitArgs(args: string): { code: string; rest: string } {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
  return { code: m?.[1] ?? '', rest: (m?.[2] ?? '').trim() };
}

/** The application a command names: its id, or undefined after replying why not. */
async function applicationId(ctx: CommandContext, code: string, usage: string): Promise<number | undefined> {
  const parsed = parseCode(code);
  if (!parsed) {
    await ctx.reply({ type: 'text', text: `请写明申请编号。格式：${usage}` });
    return undefined;
  }
  const app = await ctx.deps.applications.findByCode(ctx.message.tenantKey, parsed.year, parsed.seq);
  if (!app) {
    await ctx.reply({ type: 'text', text: APP_NOT_FOUND(code) });
    return undefined;
  }
  return app.id;
}

function decisionCommand(word: string, decision: 'approve' | 'return' | 'reject', reasonRequired: boolean, description: string): Command {
  const usage = reasonRequired ? `${word} <编号> <原因>` : `${word} <编号> [审核意见]`;
  return {
    word,
    usage,
    description,
    adminOnly: true,
    async run(ctx) {
      if (await refuseUnlessAdmin(ctx, 'decision command', REVIEWERS_ONLY)) return;
      const { code, rest } = splitArgs(ctx.args);
      const id = await applicationId(ctx, code, usage);
      if (id === undefined) return;
      if (reasonRequired && rest === '') {
        await ctx.reply({ type: 'text', text: `请写明原因。格式：${usage}，如「${word} ${sanitizeForText(code)} 活动时间与已通过的活动冲突」。` });
        return;
      }
      const result = await runAction(ctx, APPLICATION_ACTIONS[REVIEW_ACTION], { action: REVIEW_ACTION, id, decision }, { reason: rest });
      // Without the stamped scan the card asks once more (SCAN_REQUIRED): by text, the answer is a command.
      if (result.toast?.content === SCAN_QUESTION) {
        await ctx.reply({ type: 'text', text: `如仍要通过，请发送「确认通过 ${sanitizeForText(code)}${rest ? ` ${sanitizeForText(rest)}` : ''}」；也可以等申请人补发盖章扫描件后再审核。` });
      }
    },
  };
}

/**
 * A command that runs one card action on the application its code names, for the filer or an
 * admin as the card action decides (`adminOnly`: refused before the code is even looked up).
 */
function applicationCommand(word: string, action: string, description: string, opts: { adminOnly?: boolean; opinion?: boolean } = {}): Command {
  const usage = opts.opinion ? `${word} <编号> [审核意见]` : `${word} <编号>`;
  return {
    word,
    usage,
    description,
    ...(opts.adminOnly ? { adminOnly: true } : {}),
    async run(ctx) {
      // Stryker disable next-line StringLiteral: 'decision command' only names the refusal in the log line; the sender's reply is REVIEWERS_ONLY either way
      if (opts.adminOnly && (await refuseUnlessAdmin(ctx, 'decision command', REVIEWERS_ONLY))) return;
      const { code, rest } = splitArgs(ctx.args);
      const id = await applicationId(ctx, code, usage);
      if (id === undefined) return;
      await runAction(ctx, APPLICATION_ACTIONS[action], { action, id, ...(opts.opinion ? { reason: rest } : {}) });
    },
  };
}

export const approveCommand = decisionCommand('通过', 'approve', false, '审核通过申请（可附审核意见）');
export const returnCommand = decisionCommand('退回', 'return', true, '退回申请修改，须写明原因');
export const rejectCommand = decisionCommand('不予受理', 'reject', true, '不予受理申请，须写明原因');
/** The card's 仍然通过: approves although the stamped scan has not arrived. */
export const confirmApproveCommand = applicationCommand('确认通过', APPROVE_UNSCANNED_ACTION, '尚未收到盖章扫描件时仍然通过申请', { adminOnly: true, opinion: true });
export const withdrawCommand = applicationCommand('撤回', 'application.withdraw', '撤回自己尚未通过的申请（申请人或中心管理员）');
export const editCommand = applicationCommand('修改', 'application.edit', '修改待审核或已退回的申请（申请人或中心管理员）');

/**
 * `对接 <需求编号>` shows the matching card (the experts to choose from, with their 编号);
 * `对接 <需求编号> <专家编号> [对接说明]` matches at once.
 */
export const matchCommand: Command = {
  word: '对接',
  usage: '对接 <需求编号> [专家编号] [对接说明]',
  description: '为企业需求对接专家；只写需求编号时列出可选的专家',
  adminOnly: true,
  async run(ctx) {
    if (await refuseUnlessAdmin(ctx, '对接', '只有科创服务中心的管理员可以对接专家。')) return;
    const { code, rest } = splitArgs(ctx.args);
    const parsed = parseNeedCode(code);
    if (!parsed) {
      await ctx.reply({ type: 'text', text: '请写明需求编号。格式：对接 <需求编号> [专家编号] [对接说明]，如「对接 XQ2027-0001 12 本周内电话联系」。' });
      return;
    }
    const need = await ctx.deps.needs.findByCode(ctx.message.tenantKey, parsed.year, parsed.seq);
    if (!need) {
      await ctx.reply({ type: 'text', text: `没有找到需求 ${sanitizeForText(code)}。请发送「需求列表」查看。` });
      return;
    }
    const { code: expert, rest: note } = splitArgs(rest);
    if (expert === '') {
      await runAction(ctx, NEED_ACTIONS[NEED_MATCH_OPEN_ACTION], { action: NEED_MATCH_OPEN_ACTION, id: need.id });
      return;
    }
    if (!/^\d{1,9}$/.test(expert)) {
      await ctx.reply({ type: 'text', text: `专家编号应为数字（发送「对接 ${sanitizeForText(code)}」查看可选专家及其编号）。` });
      return;
    }
    const found = await ctx.deps.experts.get(ctx.message.tenantKey, Number(expert));
    if (!found || found.deletedAt !== null) {
      await ctx.reply({ type: 'text', text: `没有编号为 ${expert} 的专家。发送「对接 ${sanitizeForText(code)}」查看可选专家及其编号。` });
      return;
    }
    await runAction(ctx, NEED_ACTIONS[NEED_MATCH_ACTION], { action: NEED_MATCH_ACTION, id: need.id }, { expert, note });
  },
};


