import { CARD_ACTIONS, EVENT_HANDLERS } from '../handlers/registry';
import type { HandlerDeps } from '../handlers/types';
import type { CardCallbackAnswer, CardDispatch } from './platform/feishu/intake';
import type { Logger } from './logger';
import type { Dispatch } from './services/inbox-service';
import { withOrigin } from './db/origin';

/** Routes a recorded event to its handler; event types nobody handles are simply done. */
export function createEventDispatch(deps: HandlerDeps): Dispatch {
  return async (evt, log) => {
    // Own properties only: an event type such as '__proto__' or 'constructor' names no handler.
    const handler = Object.hasOwn(EVENT_HANDLERS, evt.eventType) ? EVENT_HANDLERS[evt.eventType] : undefined;
    if (!handler) {
      log.debug('no handler for this event type');
      return;
    }
    await withOrigin({ platform: 'feishu', tenant: evt.tenantKey }, () => handler(evt, deps, log));
  };
}

/** Routes a card callback to the action named in its button's value (`{ action: 'noun.verb', … }`). */
export function createCardDispatch(deps: HandlerDeps, actions = CARD_ACTIONS): CardDispatch {
  return async (envelope, log: Logger): Promise<CardCallbackAnswer> => {
    const e = envelope.event;
    const action = e.action ?? {};
    const value = parseValue(action.value);
    const name = typeof value.action === 'string' ? value.action : '';
    const handler = Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (!handler) {
      log.warn({ action: name }, 'card action not recognised');
      return { toast: { type: 'error', content: '这个按钮已失效，请重新发送指令获取新的卡片。' } };
    }
    const operatorOpenId: string = e.operator?.open_id ?? '';
    const result = await withOrigin({ platform: 'feishu', tenant: envelope.tenantKey }, () => handler({
      tenantKey: envelope.tenantKey,
      eventId: envelope.eventId,
      operatorOpenId,
      chatId: e.context?.open_chat_id,
      messageId: e.context?.open_message_id,
      value,
      formValue: action.form_value,
      isAdmin: deps.admins.has(operatorOpenId),
      deps,
      log: log.child({ action: name }),
    }));
    const answer: CardCallbackAnswer = {};
    if (result.toast) answer.toast = result.toast;
    if (result.card) answer.card = { type: 'raw', data: result.card };
    return answer;
  };
}

/** Feishu sends the button's value as an object, or as a JSON string from some clients. */
function parseValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null) return parsed;
    } catch {
      /* a plain string value names no action */
    }
  }
  return {};
}
