import type { DataSource } from 'typeorm';
import { helpCard } from '../../../cards/help-card';
import { matchCommand, normaliseText } from '../../../handlers/message-received';
import type { ChatMessage, Command, CommandContext, HandlerDeps, StoredEvent } from '../../../handlers/types';
import type { Logger } from '../../logger';
import { BindingService } from '../../services/binding-service';
import type { Dispatch } from '../../services/inbox-service';
import type { Messenger, SendRef } from '../../services/outbox-service';
import type { OutboundMessage } from '../port';
import { FEISHU_ID } from '../router';
import { corpIdOf, DINGTALK_MESSAGE_EVENT, DINGTALK_PLATFORM, RobotMessage } from './intake';
import { withOrigin } from '../../db/origin';
import type { DingTalkPlatform } from './dingtalk-platform';
import { routePrivateMessage, startFormWizard, type PrivateRoute } from './wizard/routing';
import type { WizardCall } from './wizard/wizard';
import { FORM_CARD_FALLBACK_EVENT, handleFormCardFallback, sendFormCard } from './form-card-flow';

/**
 * A recorded DingTalk robot message, run through the same command handlers as Feishu's: it
 * becomes the handlers' ChatMessage (chat = openConversationId, sender = staff id), admins are
 * DINGTALK_ADMIN_STAFF_IDS, and what handlers send goes out through the outbox on DingTalk.
 */

export interface DingTalkHandlerContext {
  ds: DataSource;
  platform: DingTalkPlatform;
  adminStaffIds: ReadonlySet<string>;
  commands: readonly Command[];
  now: () => number;
}


/**
 * The outbox, delivering on DingTalk: a reply goes to the group (robot messages are not
 * replied to by id) or to the sender's private chat; a Feishu id (e.g. the filer of an
 * application filed on Feishu) is still delivered on Feishu.
 */
export function dingtalkMessenger(outbox: Messenger, conversation: { group: boolean; conversationId: string; staffId: string }): Messenger {
  const on = (ref: SendRef, target: string): SendRef => ({ ...ref, platform: FEISHU_ID.test(target) ? 'feishu' : DINGTALK_PLATFORM });
  return {
    sendToChat: (ref, chatId, m) => outbox.sendToChat(on(ref, chatId), chatId, m),
    sendToUser: (ref, id, m) => outbox.sendToUser(on(ref, id), id, m),
    reply: (ref, messageId, chatId, m) => {
      if (FEISHU_ID.test(messageId)) return outbox.reply(on(ref, messageId), messageId, chatId, m);
      return conversation.group
        ? outbox.sendToChat(on(ref, conversation.conversationId), conversation.conversationId, m)
        : outbox.sendToUser(on(ref, conversation.staffId), conversation.staffId, m);
    },
    updateCard: (ref, messageId, card) => outbox.updateCard(on(ref, messageId), messageId, card),
    sentMessageId: (ref) => outbox.sentMessageId(ref),
  };
}

/** Routes DingTalk robot messages to {@link handleRobotMessage}, everything else to `feishu`. */
export function withDingTalk(feishu: Dispatch, deps: HandlerDeps, ctx: DingTalkHandlerContext): Dispatch {
  const bindings = new BindingService(ctx.ds, ctx.now, DINGTALK_PLATFORM);
  return async (evt, log) => {
    if (evt.eventType === FORM_CARD_FALLBACK_EVENT) return handleFormCardFallback(evt, deps, ctx, log);
    if (evt.eventType !== DINGTALK_MESSAGE_EVENT) return feishu(evt, log);
    // What it makes says it came from DingTalk, of this organisation (src/db/origin.ts).
    return withOrigin({ platform: DINGTALK_PLATFORM, tenant: corpIdOf(evt.event as RobotMessage) }, () => handleRobotMessage(evt, deps, bindings, ctx, log));
  };
}

/**
 * The handlers' deps on DingTalk: messages go out on DingTalk (see dingtalkMessenger), bindings
 * are DingTalk's, also inside a transaction: the base deps' `atomically` hands its function
 * Feishu's messenger (outbox.within(tx)), bindings, platform and admins; a DingTalk command's
 * messages queued there must still go out on DingTalk. (Bindings stay the DingTalk service on
 * the data source: on SQLite its statements join the open transaction, see SqliteGate; on
 * PostgreSQL they are reads beside it.)
 */
export function dingtalkDeps(base: HandlerDeps, bindings: BindingService, platform: DingTalkPlatform, conversation: { group: boolean; conversationId: string; staffId: string }): HandlerDeps {
  const onDingTalk = (d: HandlerDeps): HandlerDeps => ({
    ...d,
    messenger: dingtalkMessenger(d.messenger, conversation),
    bindings,
    platform,
    // Every admin of the centre, on both platforms, to be told things (centreTargets); who IS
    // an admin here is decided by staff id alone.
    admins: d.admins,
  });
  const deps: HandlerDeps = onDingTalk(base);
  deps.atomically = (fn) =>
    base.atomically((tx) => {
      const txDeps = onDingTalk(tx);
      txDeps.atomically = (inner) => inner(txDeps);
      return fn(txDeps);
    });
  return deps;
}

export async function handleRobotMessage(evt: StoredEvent, base: HandlerDeps, bindings: BindingService, ctx: DingTalkHandlerContext, log: Logger): Promise<void> {
  const m = evt.event as RobotMessage;
  const group = m.conversationType === '2';
  const staffId = String(m.senderStaffId ?? '');
  const conversation = { group, conversationId: m.conversationId, staffId };
  const deps = dingtalkDeps(base, bindings, ctx.platform, conversation);
  let replies = 0;
  const reply = (message: OutboundMessage) =>
    deps.messenger.reply({ tenantKey: evt.tenantKey, key: `${evt.dedupKey}:reply:${replies++}` }, m.msgId, m.conversationId, message);

  if (!staffId) {
    // Without a staff id the bot can neither authorise nor answer privately (external users).
    log.warn('dingtalk: message without senderStaffId ignored');
    if (group) await reply({ type: 'text', text: '抱歉，我无法识别您的钉钉身份（仅支持本组织成员）。' });
    return;
  }
  if (m.msgtype !== 'text') {
    await reply({ type: 'text', text: '目前在钉钉中我只能识别文字指令。发送「帮助」查看可用指令。' });
    return;
  }
  // In groups DingTalk strips the @-mention but leaves a leading space.
  const raw = String(m.text?.content ?? '').trim();
  let text = normaliseText(raw);
  const isAdmin = ctx.adminStaffIds.has(staffId);
  let match = matchCommand(text, ctx.commands);
  // Forms are conversations on DingTalk (wizard/): in private, a form in progress takes the message first.
  const call: WizardCall = { deps, tenantKey: evt.tenantKey, staffId, messageId: m.msgId, keyRoot: evt.dedupKey, isAdmin, log: log.child({ wizard: true }) };
  // DINGTALK_FORM_TEMPLATE_ID: form commands send a form card instead (form-card-flow.ts).
  if (ctx.platform.formTemplateId) call.formCard = (form, subject, preset) => sendFormCard(call, ctx.ds, form, subject, preset);
  const route: PrivateRoute = group ? { kind: 'commands' } : await routePrivateMessage(call, text, raw, match, (t) => reply({ type: 'text', text: t }));
  if (route.kind === 'answered') return;
  if (route.text !== undefined) {
    // A command the wizard kept while asking 填写 or 执行, and the person chose 执行.
    text = normaliseText(route.text);
    match = matchCommand(text, ctx.commands);
  }
  const msg: ChatMessage = { tenantKey: evt.tenantKey, messageId: m.msgId, chatId: m.conversationId, chatType: group ? 'group' : 'p2p', senderOpenId: staffId, text };
  await runCommand(msg, match, call, deps, ctx, reply, log, bindings);
  // E.g. the line that a form put aside is kept (wizard/routing.ts).
  await route.afterwards?.();
}

async function runCommand(
  msg: ChatMessage,
  match: ReturnType<typeof matchCommand>,
  call: WizardCall,
  deps: HandlerDeps,
  ctx: DingTalkHandlerContext,
  reply: (message: OutboundMessage) => Promise<void>,
  log: Logger,
  bindings: BindingService,
): Promise<void> {
  const { text } = msg;
  const group = msg.chatType === 'group';
  const isAdmin = call.isAdmin;
  const staffId = call.staffId;
  if (!match) {
    const binding = group ? (await bindings.find(msg.tenantKey, msg.chatId))?.scope : undefined;
    await reply({ type: 'card', card: helpCard({ commands: ctx.commands, chatType: msg.chatType, binding, unrecognised: text || undefined, isAdmin, contact: deps.settings.contact }) });
    return;
  }
  log.info({ command: match.command.word, chatType: msg.chatType, platform: DINGTALK_PLATFORM, staffId }, 'command');
  const commandCtx: CommandContext = {
    message: msg,
    args: match.args,
    isAdmin,
    deps,
    commands: ctx.commands,
    log: log.child({ command: match.command.word }),
    reply,
  };
  if (await startFormWizard(commandCtx, call, match.command.word)) return;
  await match.command.run(commandCtx);
}
