import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../platform/port';

/**
 * What services and handlers use to say something. Each call names a caller-chosen key that
 * is stable across retries of the same work (e.g. derived from the event being handled), so
 * doing the work twice enqueues the message once.
 */
export interface Messenger {
  sendToChat(ref: SendRef, chatId: string, message: OutboundMessage): Promise<void>;
  sendToUser(ref: SendRef, openId: string, message: OutboundMessage): Promise<void>;
  /** `chatId` is the chat the replied-to message is in (Feishu rate-limits per chat). */
  reply(ref: SendRef, messageId: string, chatId: string, message: OutboundMessage): Promise<void>;
  updateCard(ref: SendRef, messageId: string, card: Record<string, unknown>): Promise<void>;
  /** The id Feishu gave the message queued under `ref`, once it has been sent. */
  sentMessageId(ref: SendRef): Promise<string | undefined>;
  /**
   * Feishu's in-app urgent notice (issue 13 item 6) to `openId` on the private message queued
   * under `message` (to the same person): sent after that message, once per `ref`.
   */
  urgentApp?(ref: SendRef, message: SendRef, openId: string): Promise<void>;
}

export interface SendRef {
  tenantKey: string;
  key: string;
  /** The platform that delivers it (issue 12); Feishu when not given. */
  platform?: string;
}

/** Feishu's `uuid` is at most 50 characters: a digest of the key fits and stays deterministic. */
export function idempotencyKeyOf(tenantKey: string, key: string): string {
  return createHash('sha256').update(`${tenantKey}\n${key}`).digest('base64url').slice(0, 40);
}
