import type { Logger } from '../../logger';
import { BotIdentity, ChatPlatform, OutboundMessage, PlatformError, SendResult } from '../port';
import { DingTalkOpenApi } from './openapi';
import { renderMessage } from './render';

/**
 * The ChatPlatform port on DingTalk, as an enterprise-internal app robot (DINGTALK.md §3):
 * groups through `/v1.0/robot/groupMessages/send` (by openConversationId), people through
 * `/v1.0/robot/oToMessages/batchSend` (by staff id).
 *
 * No idempotency key: DingTalk has nothing like Feishu's `uuid`. A message is sent twice only
 * when DingTalk accepted it but its answer was lost (timeout, crash between the answer and the
 * outbox marking the row sent); the outbox marks a row sent right after the answer, so that
 * window is one HTTP round trip plus one database write.
 */

export interface DingTalkPlatformOptions {
  api: DingTalkOpenApi;
  robotCode: string;
  logger: Logger;
}

/** DingTalk takes at most 20 staff ids per batchSend call (DINGTALK.md §3). */
export const BATCH_SEND_MAX_IDS = 20;

/** How long a throttled recipient waits before the outbox tries again. */
const FLOW_CONTROL_RETRY_MS = 5000;

export class DingTalkPlatform implements ChatPlatform {
  readonly name = 'dingtalk';

  constructor(private readonly opts: DingTalkPlatformOptions) {}

  async sendToChat(openConversationId: string, message: OutboundMessage): Promise<SendResult> {
    const { msgKey, msgParam } = renderMessage(message);
    const body = await this.opts.api.post<{ processQueryKey?: string }>('/v1.0/robot/groupMessages/send', {
      robotCode: this.opts.robotCode,
      openConversationId,
      msgKey,
      msgParam: JSON.stringify(msgParam),
    });
    return { messageId: body.processQueryKey ?? '' };
  }

  async sendToUser(staffId: string, message: OutboundMessage): Promise<SendResult> {
    const result = await this.batchSend([staffId], message);
    if (result.invalid.length) {
      this.opts.logger.warn({ staffIds: result.invalid }, 'dingtalk: staff id not valid for this robot; message not delivered');
      throw new PlatformError('dingtalk: invalidStaffIdList: the staff id is not valid for this robot', { retryable: false });
    }
    if (result.throttled.length) {
      throw new PlatformError('dingtalk: flowControlledStaffIdList: the recipient is throttled', {
        retryable: true,
        throttled: 'target',
        retryAfterMs: FLOW_CONTROL_RETRY_MS,
      });
    }
    return { messageId: result.processQueryKeys.join(',') };
  }

  /**
   * Sends one message to several people, 20 ids a call. Returns the ids DingTalk throttled
   * (to retry later) and the ids it refused for good.
   */
  async batchSend(staffIds: string[], message: OutboundMessage): Promise<{ processQueryKeys: string[]; throttled: string[]; invalid: string[] }> {
    const { msgKey, msgParam } = renderMessage(message);
    const out = { processQueryKeys: [] as string[], throttled: [] as string[], invalid: [] as string[] };
    for (let i = 0; i < staffIds.length; i += BATCH_SEND_MAX_IDS) {
      const body = await this.opts.api.post<{ processQueryKey?: string; invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>(
        '/v1.0/robot/oToMessages/batchSend',
        { robotCode: this.opts.robotCode, userIds: staffIds.slice(i, i + BATCH_SEND_MAX_IDS), msgKey, msgParam: JSON.stringify(msgParam) },
      );
      if (body.processQueryKey) out.processQueryKeys.push(body.processQueryKey);
      out.throttled.push(...(body.flowControlledStaffIdList ?? []));
      out.invalid.push(...(body.invalidStaffIdList ?? []));
    }
    return out;
  }

  /** DingTalk robot messages cannot be replied to by message id; the DingTalk intake sends to the chat or person instead. */
  async reply(messageId: string): Promise<SendResult> {
    throw new PlatformError(`dingtalk: cannot reply to message ${messageId} by id; send to the chat or person`, { retryable: false });
  }

  /** Robot messages cannot be changed once sent (only template cards can): nothing is sent. */
  async updateCard(messageId: string): Promise<void> {
    this.opts.logger.debug({ messageId }, 'dingtalk: robot messages cannot be updated; card update skipped');
  }

  async uploadImage(): Promise<string> {
    throw new PlatformError('dingtalk: image upload is not supported yet', { retryable: false });
  }

  async uploadFile(): Promise<string> {
    throw new PlatformError('dingtalk: file upload is not supported yet', { retryable: false });
  }

  async downloadResource(): Promise<Buffer> {
    throw new PlatformError('dingtalk: downloading files users send is not supported yet', { retryable: false });
  }

  /** Group messages reach the robot only when they @ it, so the intake never needs its id. */
  async botIdentity(): Promise<BotIdentity> {
    return { openId: '', name: '企业创新助手' };
  }
}
