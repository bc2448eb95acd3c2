import type { ServerOptions } from 'node:http';
import type { Config } from '../config';

/**
 * The public HTTP server's limits, shared by the one-thread bot (src/bot.ts) and the main
 * thread's front (src/front/front.ts). Light on purpose: the front imports it.
 */
export function publicServerOptions(http: Config['http']): ServerOptions {
  return {
    // Whole request (headers and body) within the timeout; checked every second, not every 30.
    requestTimeout: http.requestTimeoutMs,
    headersTimeout: http.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, http.requestTimeoutMs),
    // Behind a proxy: longer than the proxy's own idle timeout (nginx and most load
    // balancers: 60 s), so the proxy, not the bot, closes an idle connection and never
    // sends a request on one being closed. Direct: Feishu's total timeout is 3 s, so idle
    // sockets may go soon.
    keepAliveTimeout: http.trustProxy ? 65_000 : 5000,
  };
}

/**
 * Whether /feishu/events and /feishu/cards are served. Unverifiable webhooks are not served when
 * events come over the long connection instead. A DingTalk-only deployment does not serve
 * Feishu's unverified dry-run webhooks either.
 */
export function servesFeishuWebhooks(config: Config): boolean {
  return (config.feishu.eventMode === 'webhook' && !(config.dryRun && config.dingtalk)) || Boolean(config.feishu.encryptKey || config.feishu.verificationToken);
}
