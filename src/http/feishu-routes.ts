import type { Context } from 'koa';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { FeishuEnvelope, verifyInbound } from '../platform/feishu/inbound';
import { answerCard, CARD_EVENT, CardDispatch, isForAnotherApp, recordEvent } from '../platform/feishu/intake';
import type { InboxService } from '../services/inbox-service';
import type { Messenger } from '../services/outbox-service';
import { BodyError, readRawBody } from './read-body';

export type { CardCallbackAnswer, CardDispatch } from '../platform/feishu/intake';

export interface FeishuRouteDeps {
  config: Config;
  inbox: InboxService;
  dispatchCard: CardDispatch;
  logger: Logger;
  now: () => number;
  /** Tells the clicker privately when an action fails after they were told it is being processed. */
  messenger?: Pick<Messenger, 'sendToUser'>;
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
    if (isForAnotherApp(envelope, config.feishu.appId)) {
      logger.warn({ route, eventId: envelope.eventId, appId: envelope.appId }, 'webhook: event for another app ignored');
      ctx.body = {};
      return;
    }

    const accepted = await acceptEnvelope(deps, envelope, route);
    ctx.status = accepted.status;
    ctx.body = accepted.body;
  };
}

/**
 * What the webhooks do with a verified envelope: a card callback is answered with its result;
 * an event is recorded in the inbox and processed after the answer. The playground (dry-run
 * mode) hands its Feishu-shaped envelopes to this same function.
 */
export async function acceptEnvelope(
  deps: FeishuRouteDeps,
  envelope: FeishuEnvelope,
  route: 'events' | 'cards',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const log = deps.logger.child({ eventId: envelope.eventId, eventType: envelope.eventType });

  // A card callback wants its answer in this response, whichever URL it was configured on.
  if (envelope.eventType === CARD_EVENT) {
    return { status: 200, body: await answerCard(deps.dispatchCard, envelope, log, deps.messenger) };
  }
  if (route === 'cards') {
    return { status: 400, body: { error: `expected ${CARD_EVENT}, got ${envelope.eventType}` } };
  }

  await recordEvent(deps.inbox, envelope, log);
  return { status: 200, body: {} };
}
