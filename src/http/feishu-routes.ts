import type { Context } from 'koa';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { FeishuEnvelope } from '../platform/feishu/inbound';
import { CardDispatch, recordEvent } from '../platform/feishu/intake';
import type { InboxService } from '../services/inbox-service';
import type { Messenger } from '../services/outbox-service';
import { acceptVerified, acceptWebhook, type WebhookDeps, type WebhookRoute } from './feishu-webhook';

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

/** The webhook sequence (src/http/feishu-webhook.ts) on the one-thread bot's inbox. */
function webhookDeps(deps: FeishuRouteDeps): WebhookDeps {
  return { ...deps, record: (envelope, log) => recordEvent(deps.inbox, envelope, log()) };
}

/**
 * Transport only: read the exact bytes, verify, answer. Events are recorded and answered at
 * once, then processed after the response; card callbacks are answered with their result.
 */
export function feishuWebhook(deps: FeishuRouteDeps, route: WebhookRoute) {
  const webhook = webhookDeps(deps);
  return async (ctx: Context): Promise<void> => {
    const answer = await acceptWebhook(webhook, route, ctx.req, () => ctx.ip);
    if (answer.closeConnection) ctx.set('Connection', 'close');
    ctx.status = answer.status;
    ctx.body = answer.body;
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
  route: WebhookRoute,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { status, body } = await acceptVerified(webhookDeps(deps), envelope, route);
  return { status, body };
}
