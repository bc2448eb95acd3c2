import { randomBytes } from 'node:crypto';
import { PLAYGROUND_BOT, PLAYGROUND_TENANT_KEY, PlaygroundPerson } from './people';

/**
 * The request bodies Feishu would POST for what a person does in the playground, in the shapes
 * of Feishu's documentation (the same shapes as test/fixtures' captured `im.message.receive_v1`
 * and the `card.action.trigger` of the form container page,
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container).
 */

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const APP_ID = 'cli_playground';

function header(eventType: string, now: number) {
  return { event_id: hex(16), token: '', create_time: String(now), event_type: eventType, tenant_key: PLAYGROUND_TENANT_KEY, app_id: APP_ID };
}

export interface TextMessage {
  sender: PlaygroundPerson;
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  /** Groups: the message @-mentions the bot (written `@_user_1` in the text, as Feishu does). */
  mentionBot: boolean;
  now: number;
}

/** `im.message.receive_v1` for a text message; its message_id is returned with it. */
export function messageReceived(m: TextMessage): { body: Record<string, unknown>; messageId: string } {
  const messageId = `om_${hex(16)}`;
  const mentions = m.mentionBot
    ? [{ key: '@_user_1', id: { open_id: PLAYGROUND_BOT.openId, union_id: `on_${hex(16)}`, user_id: '' }, name: PLAYGROUND_BOT.name, tenant_key: PLAYGROUND_TENANT_KEY }]
    : undefined;
  const body = {
    schema: '2.0',
    header: header('im.message.receive_v1', m.now),
    event: {
      message: {
        chat_id: m.chatId,
        chat_type: m.chatType,
        content: JSON.stringify({ text: m.mentionBot ? `@_user_1 ${m.text}` : m.text }),
        create_time: String(m.now),
        ...(mentions ? { mentions } : {}),
        message_id: messageId,
        message_type: 'text',
        update_time: String(m.now),
      },
      sender: {
        sender_id: { open_id: m.sender.openId, union_id: `on_${m.sender.key}`, user_id: m.sender.key },
        sender_type: 'user',
        tenant_key: PLAYGROUND_TENANT_KEY,
      },
    },
  };
  return { body, messageId };
}

export interface CardClick {
  operator: PlaygroundPerson;
  chatId: string;
  messageId: string;
  /** The clicked component's tag (button, select_static …). */
  tag: string;
  /** The button's callback value. */
  value: Record<string, unknown>;
  /** A form submit: the form's values by component name, and the submit button's name. */
  formValue?: Record<string, unknown>;
  buttonName?: string;
  /** A select outside a form: the chosen option. */
  option?: string;
  timezone: string;
  now: number;
}

/** `card.action.trigger` for a click on a card. */
export function cardAction(c: CardClick): Record<string, unknown> {
  return {
    schema: '2.0',
    header: header('card.action.trigger', c.now),
    event: {
      operator: { tenant_key: PLAYGROUND_TENANT_KEY, user_id: c.operator.key, open_id: c.operator.openId, union_id: `on_${c.operator.key}` },
      token: `c-${hex(20)}`,
      action: {
        value: c.value,
        tag: c.tag,
        timezone: c.timezone,
        ...(c.option !== undefined ? { option: c.option } : {}),
        ...(c.formValue ? { form_value: c.formValue, name: c.buttonName ?? '' } : {}),
      },
      host: 'im_message',
      context: { open_message_id: c.messageId, open_chat_id: c.chatId },
    },
  };
}
