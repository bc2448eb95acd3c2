import { formTokenFor } from '../../../../handlers/application-flow';
import { issueReportForms } from '../../../../handlers/report-command';
import { summaryTarget } from '../../../../handlers/summary-command';
import type { Command, CommandContext } from '../../../../handlers/types';
import { parseCodeWith } from '../../../domain/codes';
import type { FormId } from '../../../forms/form-spec';
import { CENTRE } from '../../../domain/regions';
import { APPLICATION_ACTIONS } from '../../../../handlers/application-actions';
import { WIZARD_WORDS } from './conversation';
import { continueWizard, startWizard, type WizardCall } from './wizard';
import { editValuesOf, type WizardSubject } from './wizard-forms';

/**
 * Where a DingTalk message goes when forms are conversations: the form commands (申请, 需求,
 * 总结, 报送, 专家 添加, 发起报送, 修改) start or resume a wizard instead of sending a card, and in a private chat
 * with a form in progress every message is an answer, except:
 * - a command word on its own (帮助, 查询, 申请 …), which runs (the draft stays; 继续填写 resumes);
 * - a command whose first argument is a code (取消 SQ2027-0001 原因, 查询 XQ…), the existing
 *   commands: bare 取消 is the wizard's, 取消 <编号> <原因> cancels an approved activity.
 */

const WORDS: readonly string[] = Object.values(WIZARD_WORDS);
/** The record codes people quote: applications, needs, report tasks. */
const isCode = (word: string) => ['SQ', 'XQ', 'BS'].some((prefix) => parseCodeWith(prefix, word) !== undefined);

function escapesWizard(text: string, match: { command: Command; args: string } | undefined): boolean {
  if (!match || WORDS.includes(text)) return false;
  if (match.args === '') return true;
  const first = match.args.split(' ')[0];
  return isCode(first) || text === '专家 添加';
}

/**
 * A private message while a form may be in progress. True when it was the wizard's (answered);
 * false: it is for the commands.
 */
export async function routePrivateMessage(call: WizardCall, text: string, rawText: string, match: { command: Command; args: string } | undefined, reply: (text: string) => Promise<void>): Promise<boolean> {
  if (escapesWizard(text, match)) return false;
  // Multi-line answers keep their lines; wizard words are compared as normalised.
  if (await continueWizard(call, WORDS.includes(text) ? text : rawText)) return true;
  if (WORDS.includes(text) && text !== WIZARD_WORDS.cancel) {
    await reply('您当前没有正在填写的表单。发送「申请」填写活动申请表，「需求」登记企业需求，「总结 <编号>」填写活动评估总结，「报送」报送材料；发送「帮助」查看全部指令。');
    return true;
  }
  return false;
}

const GROUP_NOTICE: Readonly<Record<FormId, string>> = {
  application: '申请表已私聊发给您，请在与我的私聊中逐项回复填写。',
  need: '需求表已私聊发给您，请在与我的私聊中逐项回复填写。',
  summary: '评估总结表已私聊发给您，请在与我的私聊中逐项回复填写。',
  report: '报送表已私聊发给您，请在与我的私聊中逐项回复填写。',
  expert: '添加专家的表单已私聊发给您，请在与我的私聊中逐项回复填写。',
  task: '发起报送的表单已私聊发给您，请在与我的私聊中逐项回复填写。',
};

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
      const parsed = parseCodeWith('SQ', ctx.args.split(' ')[0] ?? '');
      const app = parsed ? await ctx.deps.applications.findByCode(tenantKey, parsed.year, parsed.seq) : null;
      if (!app) return false;
      const opened = await APPLICATION_ACTIONS['application.edit']({
        tenantKey,
        operatorOpenId: ctx.message.senderOpenId,
        chatId: ctx.message.chatId,
        messageId: undefined,
        value: { action: 'application.edit', id: app.id },
        formValue: undefined,
        isAdmin: ctx.isAdmin,
        deps: ctx.deps,
        log: ctx.log,
      });
      if (!opened.card || !JSON.stringify(opened.card).includes('"tag":"form"')) return false;
      form = 'application';
      subject = { id: app.id };
      preset = editValuesOf(ctx.deps, app);
      atSummary = true;
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

