import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { FeishuEnvelope, verifyInbound } from '../platform/feishu/inbound';
import type { InboxService } from '../services/inbox-service';
import type { Messenger } from '../services/outbox-service';
import { BodyError, readRawBody } from './read-body';

export type CardCallbackAnswer = Record<string, unknown>;
export type CardDispatch = (envelope: FeishuEnvelope, log: Logger) => Promise<CardCallbackAnswer>;

export interface FeishuRouteDeps {
  config: Config;
  inbox: InboxService;
  dispatchCard: CardDispatch;
  logger: Logger;
  now: () => number;
  /** Tells the clicker privately when an action fails after they were told it is being processed. */
  messenger?: Pick<Messenger, 'sendToUser'>;
}

const CARD_EVENT = 'card.action.trigger';

/**
 * Transport only: read the exact bytes, verify, answer. Events are recorded and answered at
 * once, then processed after the response; card callbacks are answered with their result.
 */
export function feishuWebhook(deps: FeishuRouteDeps, route: 'events' | 'cards') {
  const { config, logger } = deps;
  return async (ctx: Context): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await readRawBody(ctx, config.maxBodyBytes, config.http.requestTimeoutMs);
    } catch (err) {
      const status = err instanceof BodyError ? err.status : 400;
      ctx.status = status;
      ctx.body = { error: err instanceof Error ? err.message : 'bad request' };
      logger.warn({ route, status }, 'webhook: unreadable body');
      return;
    }

    const result = verifyInbound(raw, ctx.headers, {
      encryptKey: config.feishu.encryptKey,
      verificationToken: config.feishu.verificationToken,
      maxClockSkewSeconds: config.feishu.maxClockSkewSeconds,
      nowMs: deps.now(),
    });

    if (result.kind === 'rejected') {
      ctx.status = result.status;
      ctx.body = { error: result.reason };
      logger.warn({ route, status: result.status, reason: result.reason, ip: ctx.ip }, 'webhook: rejected');
      return;
    }
    if (result.kind === 'challenge') {
      ctx.body = { challenge: result.challenge };
      logger.info({ route }, 'webhook: url verification answered');
      return;
    }

    const envelope = result.envelope;
    const log = logger.child({ eventId: envelope.eventId, eventType: envelope.eventType });

    // Meant for another app (e.g. one Request URL shared by mistake): acknowledged, nothing done.
    if (config.feishu.appId && envelope.appId && envelope.appId !== config.feishu.appId) {
      log.warn({ route, appId: envelope.appId }, 'webhook: event for another app ignored');
      ctx.body = {};
      return;
    }

    // A card callback wants its answer in this response, whichever URL it was configured on.
    if (envelope.eventType === CARD_EVENT) {
      ctx.body = await answerCard(deps, envelope, log);
      return;
    }
    if (route === 'cards') {
      ctx.status = 400;
      ctx.body = { error: `expected ${CARD_EVENT}, got ${envelope.eventType}` };
      return;
    }

    const recorded = await deps.inbox.record(envelope);
    ctx.body = {};
    if (recorded.status === 'new') {
      // After the response: Feishu waits at most 3 s, and the work may take longer.
      setImmediate(() => deps.inbox.schedule(recorded.id));
    } else {
      log.info('webhook: repeated delivery ignored');
    }
  };
}

const CARD_DEADLINE_MS = 2500;

/** Always a 200 JSON answer within Feishu's 3 s, whatever the handler does. */
async function answerCard(deps: FeishuRouteDeps, envelope: FeishuEnvelope, log: Logger): Promise<CardCallbackAnswer> {
  let timer: NodeJS.Timeout | undefined;
  let answeredLate = false;
  const late = new Promise<CardCallbackAnswer>((resolve) => {
    timer = setTimeout(() => {
      answeredLate = true;
      log.warn('card action took longer than Feishu waits; answered with a progress toast');
      resolve({ toast: { type: 'info', content: '已收到，正在处理，请稍候查看结果。' } });
    }, CARD_DEADLINE_MS);
  });
  const work = deps.dispatchCard(envelope, log).catch((err) => {
    const ref = randomBytes(4).toString('hex');
    log.error({ err, ref }, 'card action failed');
    return { toast: { type: 'error', content: `操作没有成功，请稍后重试。如仍有问题，请把参考编号 ${ref} 告诉管理员。` } };
  });
  // "正在处理" was the answer, and then it failed (an export whose upload failed…): the toast
  // with the reason is lost, so the clicker hears it privately instead.
  void work.then(async (answer) => {
    const toast = answer.toast as { type?: string; content?: string } | undefined;
    const openId = envelope.event.operator?.open_id;
    if (!answeredLate || toast?.type !== 'error' || typeof openId !== 'string' || !deps.messenger) return;
    try {
      await deps.messenger.sendToUser(
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
