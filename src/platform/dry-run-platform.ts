import type { Logger } from '../logger';
import { outlineCard, outlineMessage, outlineText } from './message-outline';
import { BotIdentity, ChatPlatform, OutboundMessage, PlatformError, SendResult } from './port';

/**
 * Used when no Feishu credentials are configured: nothing leaves the machine, and every
 * send is logged so that someone trying the bot locally can see what it would have said: at
 * `info` one readable line per message (to whom, a card's title and its first lines of text,
 * entities decoded), at `debug` the full message as it would have been sent.
 */
export class DryRunPlatform implements ChatPlatform {
  readonly name = 'dry-run';
  private counter = 0;

  constructor(private readonly logger: Logger) {}

  private record(action: string, target: string, detail?: string, message?: unknown): SendResult {
    this.counter += 1;
    const messageId = `om_dry_run_${this.counter}`;
    this.logger.info({ dryRun: true, action, target, messageId }, `dry-run: would ${action} ${target}${detail ? ` — ${detail}` : ''}`);
    if (message !== undefined) this.logger.debug({ dryRun: true, messageId, message }, `dry-run: ${messageId} in full`);
    return { messageId };
  }

  private recordMessage(action: string, target: string, message: OutboundMessage): SendResult {
    return this.record(action, target, outlineText(outlineMessage(message)), message);
  }

  async sendToChat(chatId: string, message: OutboundMessage): Promise<SendResult> {
    return this.recordMessage('send to chat', chatId, message);
  }

  async sendToUser(openId: string, message: OutboundMessage): Promise<SendResult> {
    return this.recordMessage('send to user', openId, message);
  }

  async reply(messageId: string, message: OutboundMessage): Promise<SendResult> {
    return this.recordMessage('reply to', messageId, message);
  }

  async updateCard(messageId: string, card: Record<string, unknown>): Promise<void> {
    this.record('update card', messageId, outlineText(outlineCard(card)), card);
  }

  async uploadImage(image: Buffer): Promise<string> {
    this.record('upload image', `(${image.length} bytes)`);
    return `img_dry_run_${this.counter}`;
  }

  async uploadFile(file: Buffer, fileName: string): Promise<string> {
    this.record('upload file', `${fileName} (${file.length} bytes)`);
    return `file_dry_run_${this.counter}`;
  }

  /** Nothing can be fetched from Feishu without credentials; callers tell the user so. */
  async downloadResource(messageId: string, fileKey: string): Promise<Buffer> {
    this.record('download', `${fileKey} of ${messageId}`);
    throw new PlatformError('dry-run mode: files cannot be downloaded from Feishu without app credentials', { retryable: false });
  }

  async urgentApp(messageId: string, openIds: string[]): Promise<void> {
    this.record('send an urgent notice (urgent_app) on', messageId, `to ${openIds.join(', ')}`);
  }

  /** Without credentials the bot cannot learn its open_id; group messages that @ anyone count. */
  async botIdentity(): Promise<BotIdentity> {
    return { openId: '', name: '企业创新助手' };
  }
}
