import type { Context } from 'koa';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { verifyInbound } from '../platform/feishu/inbound';
import { answerCard, CARD_EVENT, CardDispatch, recordEvent } from '../platform/feishu/intake';
import type { InboxService } from '../services/inbox-service';
import { BodyError, readRawBody } from './read-body';

export type { CardCallbackAnswer, CardDispatch } from '../platform/feishu/intake';

export interface FeishuRouteDeps {
  config: Config;
  inbox: InboxService;
  dispatchCard: CardDispatch;
  logger: Logger;
  now: () => number;
}

/**
 * Transport only: read the exact bytes, verify, answer. Events are recorded and answered at
 * once, then processed after the response; card callbacks are answered with their result.
 */
export function feishuWebhook(deps: FeishuRouteDeps, route: 'events' | 'cards') {
  const { config, logger } = deps;
  return async (ctx: Context): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await readRawBody(ctx, config.maxBodyBytes);
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

    // A card callback wants its answer in this response, whichever URL it was configured on.
    if (envelope.eventType === CARD_EVENT) {
      ctx.body = await answerCard(deps.dispatchCard, envelope, log);
      return;
    }
    if (route === 'cards') {
      ctx.status = 400;
      ctx.body = { error: `expected ${CARD_EVENT}, got ${envelope.eventType}` };
      return;
    }

    await recordEvent(deps.inbox, envelope, log);
    ctx.body = {};
  };
}
