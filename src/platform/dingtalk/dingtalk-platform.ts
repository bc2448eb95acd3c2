import type { Logger } from '../../logger';
import { BotIdentity, ChatPlatform, OutboundMessage, PlatformError, SendResult } from '../port';
import { DingTalkOpenApi } from './openapi';
import { renderMessage } from './render';
import { formCardOf, type CardParamMap } from './form-card';

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
  /** DINGTALK_FORM_TEMPLATE_ID: forms go out as this form-variable card template (issue 12 item 6). */
  formTemplateId?: string;
}

/**
 * Told when a form card could not be sent (no access to the template, a DingTalk error): the
 * person gets the wizard instead. `outTrackId` is the card's (the outbox row's idempotency key).
 */
export type FormCardFailure = (outTrackId: string, staffId: string, reason: string) => Promise<void>;

/** DingTalk takes at most 20 staff ids per batchSend call (DINGTALK.md §3). */
export const BATCH_SEND_MAX_IDS = 20;

/** How many times a form card is tried (retryable trouble) before the wizard takes over. */
export const FORM_CARD_ATTEMPTS = 3;

/** How long a throttled recipient waits before the outbox tries again. */
const FLOW_CONTROL_RETRY_MS = 5000;

export class DingTalkPlatform implements ChatPlatform {
  readonly name = 'dingtalk';

  private formCardFailure: FormCardFailure | undefined;
  /** Failed attempts of form cards still being retried, by outTrackId. */
  private readonly formCardAttempts = new Map<string, number>();

  constructor(private readonly opts: DingTalkPlatformOptions) {}

  get formTemplateId(): string | undefined {
    return this.opts.formTemplateId;
  }

  /** Who takes over when a form card cannot be sent (the receiver wiring: the wizard). */
  onFormCardFailure(handler: FormCardFailure): void {
    this.formCardFailure = handler;
  }

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

  async sendToUser(staffId: string, message: OutboundMessage, idempotencyKey = ''): Promise<SendResult> {
    const form = formCardOf(message);
    if (form) return this.sendFormCard(staffId, form, idempotencyKey);
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
   * A form card to one person's private chat with the robot (DINGTALK.md §4): createAndDeliver
   * with the outbox row's idempotency key as outTrackId, callbacks over Stream. A retry of the
   * same row (its answer was lost) asks for the same outTrackId again, so DingTalk sees the same
   * card instance rather than a new one where it deduplicates by outTrackId (not documented).
   *
   * A refusal (no access to the template, a wrong template id, a refused delivery) hands the
   * person to the wizard at once; trouble worth retrying (DingTalk unreachable, a lost answer,
   * 5xx, throttling) is retried by the outbox with the same outTrackId, at most
   * FORM_CARD_ATTEMPTS times in this process, and then handed over too: someone is waiting for a
   * form. A handed-over row is failed for good, with the reason.
   */
  private async sendFormCard(staffId: string, cardParamMap: CardParamMap, outTrackId: string): Promise<SendResult> {
    const templateId = this.opts.formTemplateId;
    let reason: string;
    try {
      if (!templateId) throw new PlatformError('dingtalk: DINGTALK_FORM_TEMPLATE_ID is no longer set', { retryable: false });
      if (!outTrackId) throw new PlatformError('dingtalk: a form card needs an outTrackId', { retryable: false });
      const body = await this.opts.api.post<{ success?: boolean; result?: { deliverResults?: Array<{ success?: boolean; errorMsg?: string; carrierId?: string }> } }>(
        '/v1.0/card/instances/createAndDeliver',
        {
          cardTemplateId: templateId,
          outTrackId,
          callbackType: 'STREAM',
          cardData: { cardParamMap },
          openSpaceId: `dtv1.card//IM_ROBOT.${staffId}`,
          imRobotOpenSpaceModel: { supportForward: false },
          imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: this.opts.robotCode },
          userIdType: 1,
        },
      );
      const results = body.result?.deliverResults ?? [];
      const failed = results.find((r) => r.success === false);
      if (body.success === false || failed || results.length === 0) {
        throw new PlatformError(`dingtalk: form card not delivered (${String(failed?.errorMsg ?? 'no delivery result').slice(0, 200)})`, { retryable: false });
      }
      this.formCardAttempts.delete(outTrackId);
      return { messageId: results[0].carrierId ?? outTrackId };
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
      const attempts = (this.formCardAttempts.get(outTrackId) ?? 0) + 1;
      if (err instanceof PlatformError && err.info.retryable && attempts < FORM_CARD_ATTEMPTS) {
        this.formCardAttempts.set(outTrackId, attempts);
        throw err;
      }
    }
    this.formCardAttempts.delete(outTrackId);
    this.opts.logger.warn({ outTrackId, error: reason }, 'dingtalk: form card could not be sent; the wizard takes over');
    if (this.formCardFailure) await this.formCardFailure(outTrackId, staffId, reason);
    throw new PlatformError(reason, { retryable: false });
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
