import { formTokenFor } from '../../../../handlers/application-flow';
import { issueReportForms } from '../../../../handlers/report-command';
import { summaryTarget } from '../../../../handlers/summary-command';
import { CHANGE_ACTIONS } from '../../../../handlers/application-change';
import { NEED_ACTIONS } from '../../../../handlers/need-actions';
import { NEED_MATCH_OPEN_ACTION } from '../../../../cards/need-cards';
import type { CardActionHandler, Command, CommandContext } from '../../../../handlers/types';
import { parseCodeWith } from '../../../domain/codes';
import type { FormId } from '../../../forms/form-spec';
import { CENTRE } from '../../../domain/regions';
import { APPLICATION_ACTIONS } from '../../../../handlers/application-actions';
import { WIZARD_WORDS } from './conversation';
import { askFillOrRun, asksForText, continueWizard, draftOf, dropPending, isDormant, putAside, startWizard, type WizardCall } from './wizard';
import { editValuesOf, type WizardSubject } from './wizard-forms';

/**
 * Where a DingTalk message goes when forms are conversations: the form commands (申请, 需求,
 * 总结, 报送, 专家 添加, 发起报送, 修改, 改期, 取消 and 对接 with only a code) start or resume a wizard instead of sending a card, and in a private chat
 * with a form in progress every message is an answer, except as routePrivateMessage says.
 */

const WORDS: readonly string[] = Object.values(WIZARD_WORDS);
/** The record codes people quote: applications, needs, report tasks. */
const isCode = (word: string) => ['SQ', 'XQ', 'BS'].some((prefix) => parseCodeWith(prefix, word) !== undefined);
const ascii = (text: string) => text.replace(/[０-９]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));

/** What the message handler does with a private message after the wizard had its look. */
export type PrivateRoute =
  | { kind: 'answered' }
  /** For the commands: `text` instead of the message's (a command kept while asked 填写 or 执行); `afterwards` once it ran. */
  | { kind: 'commands'; text?: string; afterwards?: () => Promise<void> };

const ANSWERED: PrivateRoute = { kind: 'answered' };
const COMMANDS: PrivateRoute = { kind: 'commands' };

/**
 * A private message while a form may be in progress. The rules, least surprising first:
 * - a wizard word is the wizard's (bare 取消 ends it); with no form in progress they say so;
 * - a command word on its own (帮助, 查询 …) and 专家 添加 run; the draft stays;
 * - a command with a code (通过 SQ…, 取消 SQ… 原因) runs when the field asked cannot take such
 *   text (a choice, a date, the summary); when it is free text the person is asked
 *   「是要填写内容还是执行命令？」 and answers 1 (fill it in) or 2 (run it);
 * - a draft untouched for WIZARD_IDLE_MS is put aside: messages are commands again (told once
 *   that the form is kept), until 继续填写 (or 查看, or the form's command) resumes it.
 */
export async function routePrivateMessage(call: WizardCall, text: string, rawText: string, match: { command: Command; args: string } | undefined, reply: (text: string) => Promise<void>): Promise<PrivateRoute> {
  const isWord = WORDS.includes(text);
  const draft = await draftOf(call);
  if (!draft) {
    if (isWord && text !== WIZARD_WORDS.cancel) {
      await reply('您当前没有正在填写的表单。发送「申请」填写活动申请表，「需求」登记企业需求，「总结 <编号>」填写活动评估总结，「报送」报送材料；发送「帮助」查看全部指令。');
      return ANSWERED;
    }
    return COMMANDS;
  }
  if (draft.lastMessageId === call.messageId && draft.dormantAt === null) return ANSWERED; // applied already (a redelivery)
  if (isDormant(call, draft)) {
    // 继续填写, 查看 and 取消 act on the kept form; the other words resume it (the question again).
    if (isWord) return (await continueWizard(call, text === WIZARD_WORDS.show || text === WIZARD_WORDS.cancel ? text : WIZARD_WORDS.resume)) ? ANSWERED : COMMANDS;
    return { kind: 'commands', ...(draft.dormantAt === null ? { afterwards: () => putAside(call) } : {}) };
  }
  if (draft.pendingText !== null) {
    const choice = ascii(text);
    if (choice === '1') return (await continueWizard(call, draft.pendingText)) ? ANSWERED : COMMANDS;
    await dropPending(call, draft, choice === '2');
    if (choice === '2') return { kind: 'commands', text: draft.pendingText };
  }
  if (match && !isWord) {
    if (match.args === '' || text === '专家 添加') return COMMANDS;
    if (isCode(match.args.split(' ')[0])) {
      if (!(await asksForText(call, draft))) return COMMANDS;
      await askFillOrRun(call, rawText);
      return ANSWERED;
    }
  }
  // Multi-line answers keep their lines; wizard words are compared as normalised.
  return (await continueWizard(call, isWord ? text : rawText)) ? ANSWERED : COMMANDS;
}

const GROUP_NOTICE: Readonly<Record<FormId, string>> = {
  application: '申请表已私聊发给您，请在与我的私聊中逐项回复填写。',
  need: '需求表已私聊发给您，请在与我的私聊中逐项回复填写。',
  summary: '评估总结表已私聊发给您，请在与我的私聊中逐项回复填写。',
  report: '报送表已私聊发给您，请在与我的私聊中逐项回复填写。',
  expert: '添加专家的表单已私聊发给您，请在与我的私聊中逐项回复填写。',
  task: '发起报送的表单已私聊发给您，请在与我的私聊中逐项回复填写。',
  change: '改期申请表已私聊发给您，请在与我的私聊中逐项回复填写。',
  cancel: '取消活动的确认已私聊发给您，请在与我的私聊中写明原因并确认。',
  match: '对接专家的表单已私聊发给您，请在与我的私聊中选择专家并确认。',
};

/**
 * Whether the card action that opens a form's card (the button's) would open it for this sender:
 * the same authorization and state checks as the button. A refusal is the command's to say.
 */
async function opensForm(ctx: CommandContext, handler: CardActionHandler, value: Record<string, unknown>, formName: string): Promise<boolean> {
  const opened = await handler({
    tenantKey: ctx.message.tenantKey,
    operatorOpenId: ctx.message.senderOpenId,
    chatId: ctx.message.chatId,
    messageId: undefined,
    value,
    formValue: undefined,
    isAdmin: ctx.isAdmin,
    deps: ctx.deps,
    log: ctx.log,
  });
  return opened.card !== undefined && JSON.stringify(opened.card).includes(`"name":"${formName}"`);
}

/** The words of a command: its code and what follows. */
function codeAndRest(args: string): { code: string; rest: string } {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
  return { code: m?.[1] ?? '', rest: (m?.[2] ?? '').trim() };
}

async function applicationNamed(ctx: CommandContext, code: string) {
  const parsed = parseCodeWith('SQ', code);
  return parsed ? ctx.deps.applications.findByCode(ctx.message.tenantKey, parsed.year, parsed.seq) : null;
}

/**
 * The form commands on DingTalk: the wizard instead of the card, with the same subject the card
 * would carry (a fresh form's token, the application, the issued report forms). False when the
 * command is not a form (or not for this sender): it runs as on Feishu.
 */
export async function startFormWizard(ctx: CommandContext, call: WizardCall, word: string): Promise<boolean> {
  const { tenantKey, messageId } = ctx.message;
  let form: FormId;
  let subject: WizardSubject;
  let preset = {};
  let atSummary = false;
  switch (word) {
    case '申请':
      form = 'application';
      subject = { form: formTokenFor(`${tenantKey}\n${messageId}`) };
      break;
    case '需求':
      form = 'need';
      subject = { form: formTokenFor(`need\n${tenantKey}\n${messageId}`) };
      break;
    case '专家':
      // 专家 with anything else is the list; non-admins are refused by the command itself.
      if (ctx.args !== '添加' || !ctx.isAdmin) return false;
      form = 'expert';
      subject = { form: formTokenFor(`expert\n${tenantKey}\n${messageId}`) };
      break;
    case '发起报送':
      // Non-admins, and groups other than the centre's, are answered by the command itself.
      if (!ctx.isAdmin || !(ctx.message.chatType === 'p2p' || (await ctx.deps.bindings.find(tenantKey, ctx.message.chatId))?.scope === CENTRE)) return false;
      form = 'task';
      subject = { form: formTokenFor(`report\n${tenantKey}\n${messageId}`) };
      break;
    case '修改': {
      // What the card's 修改 does decides whether it may be changed; a refusal is the command's to say.
      const app = await applicationNamed(ctx, codeAndRest(ctx.args).code);
      if (!app || !(await opensForm(ctx, APPLICATION_ACTIONS['application.edit'], { action: 'application.edit', id: app.id }, 'application_form'))) return false;
      form = 'application';
      subject = { id: app.id };
      preset = editValuesOf(ctx.deps, app);
      atSummary = true;
      break;
    }
    case '改期': {
      // 改期 <编号>: the new dates and a note, asked one by one; venue and head count kept unless changed at the summary.
      const app = await applicationNamed(ctx, codeAndRest(ctx.args).code);
      if (!app || !(await opensForm(ctx, CHANGE_ACTIONS['application.change'], { action: 'application.change', id: app.id }, 'change_form'))) return false;
      form = 'change';
      subject = { id: app.id };
      preset = { venue: app.venue ?? '', headcount: app.headcount !== null ? String(app.headcount) : '' };
      break;
    }
    case '取消': {
      // 取消 <编号> without a reason; with one it is the typed command, which cancels at once.
      const { code, rest } = codeAndRest(ctx.args);
      const app = rest === '' ? await applicationNamed(ctx, code) : null;
      if (!app || !(await opensForm(ctx, CHANGE_ACTIONS['application.cancel_form'], { action: 'application.cancel_form', id: app.id }, 'cancel_form'))) return false;
      form = 'cancel';
      subject = { id: app.id };
      break;
    }
    case '对接': {
      // 对接 <需求编号> without an expert: choose from the numbered list. Admins only (the command refuses others).
      const { code, rest } = codeAndRest(ctx.args);
      const parsed = rest === '' && ctx.isAdmin ? parseCodeWith('XQ', code) : undefined;
      const need = parsed ? await ctx.deps.needs.findByCode(tenantKey, parsed.year, parsed.seq) : null;
      if (!need || !(await opensForm(ctx, NEED_ACTIONS[NEED_MATCH_OPEN_ACTION], { action: NEED_MATCH_OPEN_ACTION, id: need.id }, 'match_form'))) return false;
      form = 'match';
      subject = { id: need.id };
      break;
    }
    case '总结': {
      const app = await summaryTarget(ctx);
      if (!app) return true;
      form = 'summary';
      subject = { id: app.id };
      break;
    }
    case '报送': {
      const issued = await issueReportForms(ctx);
      if (!issued) return true;
      form = 'report';
      subject = { forms: issued.issued.map((i) => i.token) };
      if (issued.issued.length === 1) preset = { form: issued.issued[0].token };
      break;
    }
    default:
      return false;
  }
  if (call.formCard) await call.formCard(form, subject, preset);
  else await startWizard(call, form, subject, preset, { atSummary });
  if (ctx.message.chatType === 'group') await ctx.reply({ type: 'text', text: call.formCard ? GROUP_NOTICE[form].replace('逐项回复填写', '填写表单卡片并提交') : GROUP_NOTICE[form] });
  return true;
}

