import type { OutboundMessage } from '../src/platform/port';
import type { ChatMessage, Command, EventHandler, HandlerDeps } from './types';
import { helpCard } from '../cards/help-card';
import { attachmentOf, onAttachment } from './attachment-received';
import { importExpertSheet, isExpertSheet } from './expert-command';

/** `im.message.receive_v1`: private chats get every text; groups only what @-mentions the bot. */
export const messageHandler = (commands: readonly Command[]): EventHandler => async (evt, deps, log) => {
  const message = evt.event.message ?? {};
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  const senderOpenId: string = evt.event.sender?.sender_id?.open_id ?? '';
  const mentions: Array<{ key?: string; id?: { open_id?: string } }> = Array.isArray(message.mentions) ? message.mentions : [];

  if (chatType === 'group' && !(await mentionsBot(mentions, deps))) {
    log.debug('group message not addressed to the bot');
    return;
  }

  const base = { tenantKey: evt.tenantKey, messageId: String(message.message_id), chatId: String(message.chat_id), chatType, senderOpenId } as const;
  let replies = 0;
  const reply = (m: OutboundMessage) =>
    deps.messenger.reply({ tenantKey: evt.tenantKey, key: `${evt.dedupKey}:reply:${replies++}` }, base.messageId, base.chatId, m);

  const attachment = chatType === 'p2p' ? attachmentOf(String(message.message_type), message.content, base.messageId) : undefined;
  if (attachment && isExpertSheet(attachment, deps.admins.has(senderOpenId))) {
    log.info({ file: attachment.name }, 'expert list received');
    await importExpertSheet(deps, evt.tenantKey, senderOpenId, attachment, reply, log);
    return;
  }
  if (attachment) {
    log.info({ kind: attachment.kind }, 'attachment received');
    await onAttachment(deps, evt.tenantKey, senderOpenId, attachment, reply);
    return;
  }
  if (message.message_type !== 'text') {
    await reply({ type: 'text', text: '目前我只能识别文字指令；私聊中发送的图片或文件会附到您的申请或报送上。发送「帮助」查看可用指令。' });
    return;
  }

  const text = normaliseText(parseText(message.content));
  const msg: ChatMessage = { ...base, text };
  const match = matchCommand(text, commands);
  if (!match) {
    await reply({ type: 'card', card: await helpFor(msg, deps, commands, text) });
    return;
  }
  log.info({ command: match.command.word, chatType }, 'command');
  await match.command.run({
    message: msg,
    args: match.args,
    isAdmin: deps.admins.has(senderOpenId),
    deps,
    commands,
    log: log.child({ command: match.command.word }),
    reply,
  });
};

async function helpFor(msg: ChatMessage, deps: HandlerDeps, commands: readonly Command[], unrecognised: string) {
  const binding = msg.chatType === 'group' ? (await deps.bindings.find(msg.tenantKey, msg.chatId))?.scope : undefined;
  return helpCard({ commands, chatType: msg.chatType, binding, unrecognised: unrecognised || undefined, isAdmin: deps.admins.has(msg.senderOpenId), contact: deps.settings.contact });
}

async function mentionsBot(mentions: Array<{ id?: { open_id?: string } }>, deps: HandlerDeps): Promise<boolean> {
  if (mentions.length === 0) return false;
  const bot = await deps.platform.botIdentity();
  // Without credentials (dry-run) the bot does not know its open_id: any @-mention counts.
  if (!bot.openId) return true;
  return mentions.some((m) => m.id?.open_id === bot.openId);
}

function parseText(content: unknown): string {
  try {
    const parsed = JSON.parse(String(content ?? '{}'));
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

/** Drops whole `@_user_N` / `@_all` placeholders (Feishu's mention keys) and folds full-width and repeated spaces. */
export function normaliseText(text: string): string {
  return text.replace(/@_all|@_user_\d+/g, ' ').replace(/[\s\u3000]+/g, ' ').trim();
}

/** The command whose word (or alias) starts the text; what follows is its argument. */
export function matchCommand(text: string, commands: readonly Command[]): { command: Command; args: string } | undefined {
  const lower = text.toLowerCase();
  let best: { command: Command; args: string; length: number } | undefined;
  for (const command of commands) {
    for (const word of [command.word, ...(command.aliases ?? [])]) {
      if (!lower.startsWith(word.toLowerCase())) continue;
      const rest = text.slice(word.length);
      // ASCII words need a boundary ("helpme" is not "help"); Chinese ones do not ("绑定包头市").
      if (/^[a-z]/i.test(word) && rest !== '' && !/^\s/.test(rest)) continue;
      if (!best || word.length > best.length) best = { command, args: rest.trim(), length: word.length };
    }
  }
  return best && { command: best.command, args: best.args };
}
