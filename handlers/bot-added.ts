import { welcomeCard } from '../cards/welcome-card';
import type { EventHandler } from './types';

/** `im.chat.member.bot.added_v1`: introduce ourselves and say how to bind the group. */
export const onBotAdded: EventHandler = async (evt, deps, log) => {
  const chatId = evt.event.chat_id;
  if (typeof chatId !== 'string' || !chatId) {
    log.warn('bot added event without chat_id');
    return;
  }
  await deps.messenger.sendToChat({ tenantKey: evt.tenantKey, key: `${evt.dedupKey}:welcome` }, chatId, {
    type: 'card',
    card: welcomeCard(),
  });
};
