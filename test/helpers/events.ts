import { randomBytes } from 'node:crypto';
import { payloadFixture } from './feishu-signer';
import { TEST_TOKEN } from './bot-harness';
import { FAKE_APP_ID, FAKE_BOT_OPEN_ID } from './fake-feishu';

/** Ids in Feishu's shapes, unique per call. */
export const newId = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

export interface MessageEventOptions {
  text: string;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  senderOpenId?: string;
  messageId?: string;
  eventId?: string;
  /** Mention the bot (groups): prefixes the text with `@_user_1` and lists the mention. */
  mentionBot?: boolean;
  /** Mention somebody else instead. */
  mentionOther?: boolean;
  messageType?: string;
  tenantKey?: string;
}

/**
 * An `im.message.receive_v1` event in the exact shape of the captured fixture, with the
 * fields a test cares about replaced.
 */
export function messageEvent(o: MessageEventOptions): Record<string, any> {
  const base = payloadFixture('im.message.receive_v1.group_at_bot.captured.json');
  const mentions = [];
  let text = o.text;
  if (o.mentionBot) {
    mentions.push({ ...base.event.message.mentions[0], id: { ...base.event.message.mentions[0].id, open_id: FAKE_BOT_OPEN_ID } });
    text = `@_user_1 ${text}`;
  } else if (o.mentionOther) {
    mentions.push({ key: '@_user_1', id: { open_id: 'ou_someone_else_00000000000000', union_id: 'on_x', user_id: 'x' }, name: 'Tom', tenant_key: base.header.tenant_key });
    text = `@_user_1 ${text}`;
  }
  const tenantKey = o.tenantKey ?? base.header.tenant_key;
  return {
    schema: '2.0',
    header: { ...base.header, event_id: o.eventId ?? newId(''), token: TEST_TOKEN, tenant_key: tenantKey, app_id: FAKE_APP_ID },
    event: {
      message: {
        ...base.event.message,
        chat_id: o.chatId ?? (o.chatType === 'p2p' ? 'oc_p2p_chat_0000000000000000000001' : base.event.message.chat_id),
        chat_type: o.chatType ?? 'group',
        content: o.messageType && o.messageType !== 'text' ? JSON.stringify({ image_key: 'img_v2_x' }) : JSON.stringify({ text }),
        message_id: o.messageId ?? newId('om_'),
        message_type: o.messageType ?? 'text',
        mentions: mentions.length ? mentions : undefined,
      },
      sender: {
        ...base.event.sender,
        sender_id: { ...base.event.sender.sender_id, open_id: o.senderOpenId ?? base.event.sender.sender_id.open_id },
        tenant_key: tenantKey,
      },
    },
  };
}

/** The bot-added fixture with a fresh event id and our token. */
export function botAddedEvent(chatId?: string): Record<string, any> {
  const base = payloadFixture('im.chat.member.bot.added_v1.doc.json');
  return {
    ...base,
    header: { ...base.header, event_id: newId(''), token: TEST_TOKEN, app_id: FAKE_APP_ID },
    event: { ...base.event, chat_id: chatId ?? base.event.chat_id },
  };
}

/** The tenant of the captured message fixture: card callbacks in a flow come from the same tenant. */
export const TENANT_KEY = payloadFixture('im.message.receive_v1.group_at_bot.captured.json').header.tenant_key as string;

export interface CardActionOptions {
  /** The message the card is (`context.open_message_id`). */
  messageId?: string;
  /** The chat it is in (`context.open_chat_id`). */
  chatId?: string;
  tenantKey?: string;
}

/** A `card.action.trigger` callback in the doc fixture's shape. */
export function cardActionEvent(
  value: Record<string, unknown>,
  operatorOpenId: string,
  formValue?: Record<string, unknown>,
  opts: CardActionOptions = {},
): Record<string, any> {
  const base = payloadFixture('card.action.trigger.form_submit.doc.json');
  const tenantKey = opts.tenantKey ?? TENANT_KEY;
  return {
    ...base,
    header: { ...base.header, event_id: newId(''), token: TEST_TOKEN, tenant_key: tenantKey, app_id: FAKE_APP_ID },
    event: {
      ...base.event,
      operator: { ...base.event.operator, open_id: operatorOpenId, tenant_key: tenantKey },
      action: { tag: 'button', value, ...(formValue ? { form_value: formValue, name: 'submit' } : {}) },
      context: {
        open_message_id: opts.messageId ?? base.event.context.open_message_id,
        open_chat_id: opts.chatId ?? base.event.context.open_chat_id,
      },
    },
  };
}
