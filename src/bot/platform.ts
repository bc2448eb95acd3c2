import type { Config } from '../config';
import type { Logger } from '../logger';
import { createDingTalkPlatform } from '../platform/dingtalk/setup';
import { DryRunPlatform } from '../platform/dry-run-platform';
import { FeishuPlatform } from '../platform/feishu/feishu-platform';
import type { ChatPlatform } from '../platform/port';
import { PlatformRouter } from '../platform/router';

/**
 * The platform the outbox delivers through: Feishu (or dry-run without its credentials), and
 * with DingTalk configured a router that delivers each row on its own platform (issue 12).
 * `npm run job` uses it too, so that it can deliver whatever the bot left pending.
 */
export function createPlatform(config: Config, logger: Logger, timeoutMs: number): ChatPlatform {
  const feishu = createFeishuPlatform(config, logger, timeoutMs);
  if (!config.dingtalk) return feishu;
  return new PlatformRouter(feishu, { dingtalk: createDingTalkPlatform(config.dingtalk, logger, timeoutMs) });
}

function createFeishuPlatform(config: Config, logger: Logger, timeoutMs: number): ChatPlatform {
  if (config.dryRun || !config.feishu.appId || !config.feishu.appSecret) return new DryRunPlatform(logger);
  return new FeishuPlatform({
    appId: config.feishu.appId,
    appSecret: config.feishu.appSecret,
    baseUrl: config.feishu.baseUrl,
    timeoutMs,
    logger: logger.child({ component: 'feishu' }),
  });
}
