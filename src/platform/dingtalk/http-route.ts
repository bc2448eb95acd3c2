import type { Context } from 'koa';
import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';
import { BodyError, readRawBody } from '../../http/read-body';
import { asRobotMessage, recordRobotMessage } from './intake';
import { verifyDingTalkCallback } from './verify';

export interface DingTalkRouteDeps {
  appSecret: string;
  inbox: InboxService;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
}

/**
 * `POST /dingtalk/events` (DINGTALK_MODE=http): verify the `timestamp`/`sign` headers before
 * anything is read into the store, record the message, answer 200 at once; the inbox
 * processes it afterwards. Forged or stale requests are refused and store nothing.
 */
export function dingtalkWebhook(deps: DingTalkRouteDeps) {
  const { logger } = deps;
  return async (ctx: Context): Promise<void> => {
    const check = verifyDingTalkCallback(ctx.get('timestamp') || undefined, ctx.get('sign') || undefined, deps.appSecret, deps.now());
    if (!check.ok) {
      ctx.status = check.status;
      ctx.body = { error: check.reason };
      logger.warn({ status: check.status, reason: check.reason, ip: ctx.ip }, 'dingtalk webhook: rejected');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readRawBody(ctx, deps.maxBodyBytes)).toString('utf8'));
    } catch (err) {
      ctx.status = err instanceof BodyError ? err.status : 400;
      ctx.body = { error: err instanceof BodyError ? err.message : 'body is not JSON' };
      return;
    }
    const message = asRobotMessage(body);
    if (!message) {
      // A verified request we do not handle (an event type of a later slice): acknowledged, not stored.
      logger.info('dingtalk webhook: not a robot message; acknowledged and ignored');
      ctx.body = {};
      return;
    }
    await recordRobotMessage(deps.inbox, message, logger.child({ msgId: message.msgId }));
    ctx.body = {};
  };
}
