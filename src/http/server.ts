import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { bearerMatches, type Metrics } from '../ops/metrics';
import { feishuWebhook, FeishuRouteDeps } from './feishu-routes';

export interface HttpDeps extends FeishuRouteDeps {
  ds: DataSource;
  platformName: string;
  /** FEISHU_EVENT_MODE=long-connection: the connection's state, reported by /healthz. */
  feishuConnection?: () => 'connecting' | 'connected' | 'disconnected';
  /** Serve /feishu/events and /feishu/cards (default true). */
  webhooks?: boolean;
  /** More routes, e.g. the playground's in dry-run mode. */
  routers?: Router[];
  /** GET /metrics is served when this is given and METRICS_TOKEN is set. */
  metrics?: Metrics;
  /** DingTalk configured (issue 12): POST /dingtalk/events in http mode, and its state for /healthz. */
  dingtalk?: { webhook?: (ctx: Context) => Promise<void>; state: () => string };
}

export function createHttpApp(deps: HttpDeps): Koa {
  const app = new Koa();
  // X-Forwarded-For is anybody's to write: trusted only when a reverse proxy in front sets it.
  app.proxy = deps.config.http.trustProxy;
  const logger: Logger = deps.logger;

  // Error boundary first: nothing escapes as an HTML stack trace.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err: any) {
      const status = Number(err?.status) || 500;
      ctx.status = status;
      ctx.body = { error: status < 500 ? String(err?.message ?? 'bad request') : 'internal error' };
      logger.error({ err, path: ctx.path, status }, 'http: request failed');
    }
  });

  const router = new Router();
  const timed = (route: 'events' | 'cards') => {
    const webhook = feishuWebhook(deps, route);
    if (!deps.metrics) return webhook;
    const metrics = deps.metrics;
    return async (ctx: Koa.Context) => {
      const answered = metrics.timeAck(route);
      try {
        await webhook(ctx);
      } finally {
        answered();
      }
    };
  };
  if (deps.webhooks !== false) {
    router.post('/feishu/events', timed('events'));
    router.post('/feishu/cards', timed('cards'));
  }
  const token = deps.config.metricsToken;
  if (token && deps.metrics) {
    const metrics = deps.metrics;
    // Without METRICS_TOKEN there is no route at all (404), so nothing is exposed by default.
    router.get('/metrics', async (ctx) => {
      if (!bearerMatches(ctx.get('authorization'), token)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer');
        ctx.body = { error: 'unauthorized' };
        return;
      }
      const { contentType, body } = await metrics.render();
      ctx.type = contentType;
      ctx.body = body;
    });
  }
  if (deps.dingtalk?.webhook) router.post('/dingtalk/events', deps.dingtalk.webhook);
  router.get('/healthz', async (ctx) => {
    const database = await databaseAnswers(deps.ds);
    ctx.status = database ? 200 : 503;
    ctx.body = {
      status: database ? 'ok' : 'unavailable',
      database: database ? 'ok' : 'unreachable',
      platform: deps.platformName,
      ...(deps.feishuConnection ? { feishu: deps.feishuConnection() } : {}),
      ...(deps.dingtalk ? { dingtalk: deps.dingtalk.state() } : {}),
    };
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  for (const extra of deps.routers ?? []) {
    app.use(extra.routes());
    app.use(extra.allowedMethods());
  }
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not found' };
  });
  return app;
}

async function databaseAnswers(ds: DataSource): Promise<boolean> {
  if (!ds.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database did not answer in time')), 2000);
    });
    await Promise.race([ds.query('SELECT 1'), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
