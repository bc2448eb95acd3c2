import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { type FeishuEnvelope, verifyInbound } from '../platform/feishu/inbound';
import { answerCard, CARD_EVENT, type CardDispatch, isForAnotherApp } from '../platform/feishu/intake';
import type { Messenger } from '../services/outbox-service';
import { BodyError, readRequestBody } from './read-body';

/**
 * The webhook sequence of /feishu/events and /feishu/cards, once, for both servers that run it:
 * the Koa app of the one-thread bot (src/http/feishu-routes.ts) and the main thread's plain
 * node server in the default mode (src/front/front.ts). Transport only: read the exact bytes →
 * verify → accept the envelope (a card callback answered with its result, an event recorded in
 * the inbox before the answer). Light on purpose: the front imports it.
 */

export interface WebhookDeps {
  config: Config;
  logger: Logger;
  now: () => number;
  dispatchCard: CardDispatch;
  /** Tells the clicker privately when an action fails after they were told it is being processed. */
  messenger?: Pick<Messenger, 'sendToUser'>;
  /**
   * Stores a verified event in the inbox; resolves once it is stored (the answer waits for it),
   * and the caller's processing takes it up after the answer. `log` makes the event's logger.
   */
  record(envelope: FeishuEnvelope, log: () => Logger): Promise<unknown>;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The body came too slowly: close the connection after the answer. */
  closeConnection?: boolean;
}

export type WebhookRoute = 'events' | 'cards';

/** One request to a Feishu webhook, from its bytes to the answer to send. */
export async function acceptWebhook(
  deps: WebhookDeps,
  route: WebhookRoute,
  req: IncomingMessage,
  clientIp: () => string | undefined,
): Promise<WebhookAnswer> {
  const { config, logger } = deps;
  let closeConnection = false;
  let raw: Buffer;
  try {
    raw = await readRequestBody(req, config.maxBodyBytes, config.http.requestTimeoutMs, () => (closeConnection = true));
  } catch (err) {
    const status = err instanceof BodyError ? err.status : 400;
    logger.warn({ route, status }, 'webhook: unreadable body');
    return { status, body: { error: err instanceof Error ? err.message : 'bad request' }, closeConnection };
  }

  const result = verifyInbound(raw, req.headers, {
    encryptKey: config.feishu.encryptKey,
    verificationToken: config.feishu.verificationToken,
    maxClockSkewSeconds: config.feishu.maxClockSkewSeconds,
    nowMs: deps.now(),
  });
  if (result.kind === 'rejected') {
    logger.warn({ route, status: result.status, reason: result.reason, ip: clientIp() }, 'webhook: rejected');
    return { status: result.status, body: { error: result.reason } };
  }
  if (result.kind === 'challenge') {
    logger.info({ route }, 'webhook: url verification answered');
    return { status: 200, body: { challenge: result.challenge } };
  }
  const envelope = result.envelope;
  if (isForAnotherApp(envelope, config.feishu.appId)) {
    logger.warn({ route, eventId: envelope.eventId, appId: envelope.appId }, 'webhook: event for another app ignored');
    return { status: 200, body: {} };
  }
  return acceptVerified(deps, envelope, route);
}

/**
 * What the webhooks do with a verified envelope: a card callback is answered with its result
 * (whichever URL it was configured on); an event is recorded and answered with `{}`.
 */
export async function acceptVerified(
  deps: Pick<WebhookDeps, 'logger' | 'dispatchCard' | 'messenger' | 'record'>,
  envelope: FeishuEnvelope,
  route: WebhookRoute,
): Promise<WebhookAnswer> {
  // A child logger only where it is used: not on the hot path of a new event.
  const log = () => deps.logger.child({ eventId: envelope.eventId, eventType: envelope.eventType });
  if (envelope.eventType === CARD_EVENT) {
    return { status: 200, body: await answerCard(deps.dispatchCard, envelope, log(), deps.messenger) };
  }
  if (route === 'cards') {
    return { status: 400, body: { error: `expected ${CARD_EVENT}, got ${envelope.eventType}` } };
  }
  await deps.record(envelope, log);
  return { status: 200, body: {} };
}
