import { ChatPlatform, PlatformError } from './port';
import type { Messenger, SendRef } from '../services/outbox-service';

/**
 * A deployment may run Feishu, DingTalk or both against one database (issue 12): each outbox
 * row names its platform, and the router hands it to that platform's adapter. The default
 * platform (Feishu, or dry-run without Feishu credentials) answers everything else, so a
 * Feishu-only deployment behaves exactly as before.
 */
export class PlatformRouter implements ChatPlatform {
  readonly name: string;

  constructor(
    private readonly fallback: ChatPlatform,
    private readonly others: Readonly<Record<string, ChatPlatform>>,
  ) {
    this.name = [fallback.name, ...Object.values(others).map((p) => p.name)].join('+');
  }

  /** The adapter for rows of `platform` ('feishu' rows and unknown names go to the default one). */
  for(platform: string | undefined): ChatPlatform {
    if (!platform || platform === 'feishu') return this.fallback;
    const found = this.others[platform];
    if (!found) throw new PlatformError(`platform '${platform}' is not configured in this deployment`, { retryable: false });
    return found;
  }

  sendToChat: ChatPlatform['sendToChat'] = (...args) => this.fallback.sendToChat(...args);
  sendToUser: ChatPlatform['sendToUser'] = (...args) => this.fallback.sendToUser(...args);
  reply: ChatPlatform['reply'] = (...args) => this.fallback.reply(...args);
  updateCard: ChatPlatform['updateCard'] = (...args) => this.fallback.updateCard(...args);
  uploadImage: ChatPlatform['uploadImage'] = (...args) => this.fallback.uploadImage(...args);
  uploadFile: ChatPlatform['uploadFile'] = (...args) => this.fallback.uploadFile(...args);
  downloadResource: ChatPlatform['downloadResource'] = (...args) => this.fallback.downloadResource(...args);
  botIdentity: ChatPlatform['botIdentity'] = () => this.fallback.botIdentity();
  urgentApp = (messageId: string, openIds: string[]): Promise<void> => {
    if (!this.fallback.urgentApp) throw new PlatformError(`${this.fallback.name} has no urgent notices`, { retryable: false });
    return this.fallback.urgentApp(messageId, openIds);
  };
}

/** The adapter that delivers a row of `platform`: the router picks; a single platform is itself. */
export function platformFor(platform: ChatPlatform, rowPlatform: string | undefined): ChatPlatform {
  if (platform instanceof PlatformRouter) return platform.for(rowPlatform);
  if (rowPlatform && rowPlatform !== 'feishu') {
    throw new PlatformError(`platform '${rowPlatform}' is not configured in this deployment`, { retryable: false });
  }
  return platform;
}

/**
 * Feishu ids carry a prefix (open_id `ou_`, union_id `on_`, chat_id `oc_`, message_id `om_`);
 * DingTalk's staff ids and openConversationIds (`cid…`) do not. So a target names its platform,
 * and whatever is said to a person or a group goes out where that person or group lives: a
 * reminder to a DingTalk filer on DingTalk, a decision by a Feishu admin on a DingTalk
 * application to its filer on DingTalk, the weekly digest to each bound group on its own
 * platform (issue 12, items 1 and 7).
 */
export const FEISHU_ID = /^o[ucmn]_/;

export function platformOfTarget(id: string): 'feishu' | 'dingtalk' {
  return FEISHU_ID.test(id) ? 'feishu' : 'dingtalk';
}

/** A messenger whose messages each name the platform of their target (unless the caller named one). */
export function routeByTarget(m: Messenger): Messenger {
  const on = (ref: SendRef, target: string): SendRef => (ref.platform ? ref : { ...ref, platform: platformOfTarget(target) });
  return {
    sendToChat: (ref, chatId, message) => m.sendToChat(on(ref, chatId), chatId, message),
    sendToUser: (ref, id, message) => m.sendToUser(on(ref, id), id, message),
    reply: (ref, messageId, chatId, message) => m.reply(on(ref, messageId), messageId, chatId, message),
    updateCard: (ref, messageId, card) => m.updateCard(on(ref, messageId), messageId, card),
    sentMessageId: (ref) => m.sentMessageId(ref),
  };
}
