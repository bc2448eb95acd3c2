import { MAX_JSON_DEPTH, nestedDeeperThan } from '../feishu/inbound';
import type { Context } from 'koa';
import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';
import { BodyError, readRawBody } from '../../http/read-body';
import { asRobotMessage, recordRobotMessage } from './intake';
import { verifyDingTalkCallback } from './verify';

export interface DingTalkRouteDeps {
  appSecret: string;
  /** DINGTALK_TENANT_KEY: the books messages are kept in (else their corpId). */
  ledger?: string;
  inbox: InboxService;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
  /** Time to read the whole body (HTTP_REQUEST_TIMEOUT_MS); a slower one gets 408. */
  requestTimeoutMs: number;
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
      const text = (await readRawBody(ctx, deps.maxBodyBytes, deps.requestTimeoutMs)).toString('utf8');
      if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new Error('body nested too deeply');
      body = JSON.parse(text);
    } catch (err) {
      ctx.status = err instanceof BodyError ? err.status : 400;
      ctx.body = { error: err instanceof BodyError ? err.message : 'body is not JSON, or nested too deeply' };
      return;
    }
    const message = asRobotMessage(body);
    if (!message) {
      // A verified request we do not handle (an event type of a later slice): acknowledged, not stored.
      logger.info('dingtalk webhook: not a robot message; acknowledged and ignored');
      ctx.body = {};
      return;
    }
    await recordRobotMessage(deps.inbox, message, logger.child({ msgId: message.msgId }), deps.ledger);
    ctx.body = {};
  };
}
