import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';
import type { Messenger } from '../../services/outbox-service';
import type { FeishuEnvelope } from './inbound';

/**
 * What happens to a verified envelope, however it arrived (webhook or long connection):
 * events are recorded in the inbox before they are acknowledged and processed afterwards;
 * card callbacks are answered with their result, always in time.
 */

export type CardCallbackAnswer = Record<string, unknown>;
export type CardDispatch = (envelope: FeishuEnvelope, log: Logger) => Promise<CardCallbackAnswer>;

export const CARD_EVENT = 'card.action.trigger';

/** Feishu waits 3 s for a card answer (FEISHU.md §3.3); this leaves room for the way back. */
export const CARD_DEADLINE_MS = 2500;

export const PROGRESS_TOAST: CardCallbackAnswer = { toast: { type: 'info', content: '已收到，正在处理，请稍候查看结果。' } };

/**
 * An event meant for another app (e.g. one Request URL shared by mistake) is acknowledged and
 * nothing more: it is neither stored nor processed.
 */
export function isForAnotherApp(envelope: FeishuEnvelope, appId: string | undefined): boolean {
  return Boolean(appId && envelope.appId && envelope.appId !== appId);
}

/**
 * Always an answer within {@link CARD_DEADLINE_MS}, whatever the handler does. When the answer
 * had to be "正在处理" and the action then failed (an export whose upload failed…), the toast
 * with the reason would be lost, so the clicker hears it privately through `messenger`.
 */
export async function answerCard(
  dispatchCard: CardDispatch,
  envelope: FeishuEnvelope,
  log: Logger,
  messenger?: Pick<Messenger, 'sendToUser'>,
): Promise<CardCallbackAnswer> {
  let timer: NodeJS.Timeout | undefined;
  let answeredLate = false;
  const late = new Promise<CardCallbackAnswer>((resolve) => {
    timer = setTimeout(() => {
      answeredLate = true;
      log.warn('card action took longer than Feishu waits; answered with a progress toast');
      resolve(PROGRESS_TOAST);
    }, CARD_DEADLINE_MS);
  });
  const work = dispatchCard(envelope, log).catch((err) => {
    const ref = randomBytes(4).toString('hex');
    log.error({ err, ref }, 'card action failed');
    return { toast: { type: 'error', content: `操作没有成功，请稍后重试。如仍有问题，请把参考编号 ${ref} 告诉管理员。` } };
  });
  void work.then(async (answer) => {
    const toast = answer.toast as { type?: string; content?: string } | undefined;
    const openId = envelope.event.operator?.open_id;
    if (!answeredLate || toast?.type !== 'error' || typeof openId !== 'string' || !messenger) return;
    try {
      await messenger.sendToUser(
        { tenantKey: envelope.tenantKey, key: `card:late-failure:${envelope.eventId}` },
        openId,
        { type: 'text', text: `您刚才的操作没有完成：${toast.content ?? '请稍后重试。'}` },
      );
    } catch (err) {
      log.error({ err }, 'could not tell the clicker that a slow card action failed');
    }
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Records an event in the inbox (the caller acknowledges only after this resolves) and queues
 * it for processing on a later turn of the event loop, i.e. after the acknowledgement went out:
 * Feishu waits at most 3 s, and the work may take longer. A repeated delivery is only logged.
 */
export async function recordEvent(inbox: InboxService, envelope: FeishuEnvelope, log: Logger): Promise<'new' | 'duplicate'> {
  const recorded = await inbox.record(envelope);
  if (recorded.status === 'new') {
    setImmediate(() => inbox.schedule(recorded.id));
  } else {
    log.info('repeated delivery ignored');
  }
  return recorded.status;
}
