import type { DataSource } from 'typeorm';
import type { DingTalkConfig } from '../../config/dingtalk';
import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';
import { DingTalkOpenApi } from './openapi';
import { DingTalkPlatform } from './dingtalk-platform';
import { dingtalkWebhook } from './http-route';
import { asRobotMessage, recordRobotMessage } from './intake';
import { DingTalkStream, StreamTuning } from './stream';
import type { HandlerDeps } from '../../../handlers/types';
import { formCardCallbacks, recordFormCardFailure } from './form-card-flow';

/** DingTalk's parts of the composition root: the sending adapter and, by mode, the receiver. */
export interface DingTalkWiring {
  platform: DingTalkPlatform;
  /** POST /dingtalk/events, in http mode. */
  webhook?: ReturnType<typeof dingtalkWebhook>;
  stream?: DingTalkStream;
  /** For /healthz: the Stream connection's state, or 'http' (nothing to hold open). */
  state(): string;
}

export function createDingTalkPlatform(config: DingTalkConfig, logger: Logger, timeoutMs: number, now?: () => number): DingTalkPlatform {
  const log = logger.child({ component: 'dingtalk' });
  const api = new DingTalkOpenApi({ clientId: config.clientId, clientSecret: config.clientSecret, baseUrl: config.baseUrl, timeoutMs, logger: log, now });
  return new DingTalkPlatform({ api, robotCode: config.robotCode, logger: log, formTemplateId: config.mode === 'stream' ? config.formTemplateId : undefined });
}

export function wireDingTalkReceiver(
  config: DingTalkConfig,
  platform: DingTalkPlatform,
  deps: { inbox: InboxService; logger: Logger; now: () => number; maxBodyBytes: number; requestTimeoutMs: number; ds: DataSource; tuning?: Partial<StreamTuning>; handlers?: HandlerDeps },
): DingTalkWiring {
  const log = deps.logger.child({ component: 'dingtalk' });
  // Form cards (DINGTALK_FORM_TEMPLATE_ID): their callbacks come over Stream only (DINGTALK.md §4).
  const cards = config.formTemplateId && deps.handlers && config.mode === 'stream';
  if (config.formTemplateId && !cards) log.warn('DINGTALK_FORM_TEMPLATE_ID needs DINGTALK_MODE=stream (card callbacks come over Stream): forms stay conversations');
  if (cards) platform.onFormCardFailure(recordFormCardFailure(deps.ds, deps.inbox, log));
  if (config.mode === 'http') {
    return {
      platform,
      webhook: dingtalkWebhook({ ledger: config.tenantKey, appSecret: config.clientSecret, inbox: deps.inbox, logger: log, now: deps.now, maxBodyBytes: deps.maxBodyBytes, requestTimeoutMs: deps.requestTimeoutMs }),
      state: () => 'http',
    };
  }
  const stream = new DingTalkStream({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    baseUrl: config.baseUrl,
    logger: log,
    tuning: deps.tuning,
    ...(cards ? { onCardCallback: formCardCallbacks({ ds: deps.ds, deps: deps.handlers!, platform, adminStaffIds: config.adminStaffIds, logger: log.child({ cards: true }) }) } : {}),
    onRobotMessage: async (data) => {
      const message = asRobotMessage(data);
      if (!message) {
        log.warn('dingtalk stream: robot frame without the expected fields; acknowledged and ignored');
        return;
      }
      await recordRobotMessage(deps.inbox, message, log.child({ msgId: message.msgId }), config.tenantKey);
    },
  });
  return { platform, stream, state: () => stream.state() };
}
