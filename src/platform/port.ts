/**
 * The port the core talks to. Services and handlers never see a platform SDK; a DingTalk
 * adapter implements the same interface later.
 */

export type OutboundMessage =
  | { type: 'text'; text: string }
  | { type: 'card'; card: Record<string, unknown> }
  | { type: 'image'; imageKey: string }
  | { type: 'file'; fileKey: string }
  /** Forwards a message the bot can see (e.g. a file a user sent it) to the chat or person. */
  | { type: 'forward'; messageId: string };

export interface SendResult {
  messageId: string;
}

export interface BotIdentity {
  openId: string;
  name: string;
}

export interface ChatPlatform {
  readonly name: string;
  sendToChat(chatId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult>;
  sendToUser(openId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult>;
  reply(messageId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult>;
  /** Replaces a card the bot sent earlier (the card must be shared: update_multi). */
  updateCard(messageId: string, card: Record<string, unknown>): Promise<void>;
  uploadImage(image: Buffer): Promise<string>;
  uploadFile(file: Buffer, fileName: string): Promise<string>;
  /**
   * Downloads an image or file a user sent in a message the bot can see (e.g. a spreadsheet).
   * With `maxBytes`, the download stops as soon as it is larger: ResourceTooLargeError.
   */
  downloadResource(messageId: string, fileKey: string, type: 'image' | 'file', opts?: { maxBytes?: number }): Promise<Buffer>;
  /** Who the bot is, so that group messages can be matched against its @-mention. */
  botIdentity(): Promise<BotIdentity>;
  /**
   * Feishu's in-app urgent notice (加急, `urgent_app`) on a message the bot sent, to these
   * people (issue 13 item 6). Absent on platforms that have no such thing.
   */
  urgentApp?(messageId: string, openIds: string[]): Promise<void>;
}

export interface PlatformErrorInfo {
  /** Worth trying again: network trouble, 5xx, rate limits. */
  retryable: boolean;
  /** The platform told us how long to wait (rate limit reset). */
  retryAfterMs?: number;
  /** A rate limit that holds back every send ('app') or only this chat or user ('target'). */
  throttled?: 'app' | 'target';
  status?: number;
  code?: number;
}

export class PlatformError extends Error {
  constructor(message: string, readonly info: PlatformErrorInfo) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** A download stopped because the file is larger than the caller accepts. */
export class ResourceTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`resource larger than ${maxBytes} bytes; download stopped`);
    this.name = 'ResourceTooLargeError';
  }
}
