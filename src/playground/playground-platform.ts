import { EventEmitter } from 'node:events';
import type { BotIdentity, ChatPlatform, OutboundMessage, SendResult } from '../platform/port';
import { PLAYGROUND_BOT, privateChatId } from './people';

/**
 * What the playground page shows, in order: messages (people's and the bot's) and in-place
 * card updates. Kept in memory (the page's history starts again with the process); the oldest
 * entries go first once there are too many.
 */
export type PlaygroundEntry =
  | {
      seq: number;
      kind: 'message';
      messageId: string;
      chatId: string;
      /** The sender's open_id, or 'bot'. */
      from: string;
      message: OutboundMessage | { type: 'text'; text: string };
      /** For files: the name the bot gave it; for images and files: whether the page can fetch it. */
      fileName?: string;
      at: number;
    }
  | { seq: number; kind: 'update'; messageId: string; card: Record<string, unknown>; at: number };

type NewEntry = PlaygroundEntry extends infer E ? (E extends PlaygroundEntry ? Omit<E, 'seq' | 'at'> : never) : never;

const MAX_ENTRIES = 1000;
const MAX_IMAGES = 50;

export class PlaygroundLog extends EventEmitter {
  private readonly entries: PlaygroundEntry[] = [];
  private seq = 0;
  /** Which chat each message (the bot's or a person's) is in, for replies. */
  private readonly chatOf = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.setMaxListeners(100);
  }

  add(entry: NewEntry): PlaygroundEntry {
    const full = { ...entry, seq: ++this.seq, at: this.now() } as PlaygroundEntry;
    if (full.kind === 'message') this.chatOf.set(full.messageId, full.chatId);
    this.entries.push(full);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.emit('entry', full);
    return full;
  }

  since(seq: number): PlaygroundEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  chatOfMessage(messageId: string): string | undefined {
    return this.chatOf.get(messageId);
  }
}

/**
 * The platform of the playground: DryRunPlatform does the sending (it logs what would be sent
 * and names the message), and each send is also recorded for the page. Images the bot uploads
 * are kept (a few) so the page can show them.
 */
export class PlaygroundPlatform implements ChatPlatform {
  readonly name: string;
  private readonly images = new Map<string, Buffer>();
  private readonly fileNames = new Map<string, string>();

  constructor(
    private readonly inner: ChatPlatform,
    readonly log: PlaygroundLog,
  ) {
    this.name = inner.name;
  }

  private record(chatId: string, result: SendResult, message: OutboundMessage): SendResult {
    const fileName = message.type === 'file' ? this.fileNames.get(message.fileKey) : undefined;
    this.log.add({ kind: 'message', messageId: result.messageId, chatId, from: 'bot', message, ...(fileName ? { fileName } : {}) });
    return result;
  }

  async sendToChat(chatId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    return this.record(chatId, await this.inner.sendToChat(chatId, message, idempotencyKey), message);
  }

  async sendToUser(openId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    return this.record(privateChatId(openId), await this.inner.sendToUser(openId, message, idempotencyKey), message);
  }

  async reply(messageId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    const result = await this.inner.reply(messageId, message, idempotencyKey);
    return this.record(this.log.chatOfMessage(messageId) ?? 'unknown', result, message);
  }

  async updateCard(messageId: string, card: Record<string, unknown>): Promise<void> {
    await this.inner.updateCard(messageId, card);
    this.log.add({ kind: 'update', messageId, card });
  }

  async uploadImage(image: Buffer): Promise<string> {
    const key = await this.inner.uploadImage(image);
    this.images.set(key, image);
    for (const old of this.images.keys()) {
      if (this.images.size <= MAX_IMAGES) break;
      this.images.delete(old);
    }
    return key;
  }

  async uploadFile(file: Buffer, fileName: string): Promise<string> {
    const key = await this.inner.uploadFile(file, fileName);
    this.fileNames.set(key, fileName);
    return key;
  }

  /** An image the bot uploaded in this process (PNG as the digest chart is), for the page. */
  image(key: string): Buffer | undefined {
    return this.images.get(key);
  }

  downloadResource(messageId: string, fileKey: string, type: 'image' | 'file'): Promise<Buffer> {
    return this.inner.downloadResource(messageId, fileKey, type);
  }

  urgentApp(messageId: string, openIds: string[]): Promise<void> {
    return this.inner.urgentApp ? this.inner.urgentApp(messageId, openIds) : Promise.resolve();
  }

  /** The playground's bot has an open_id, so group messages count only when they @ it, as in Feishu. */
  async botIdentity(): Promise<BotIdentity> {
    return { ...PLAYGROUND_BOT };
  }
}
