import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { feishuWebhook, FeishuRouteDeps } from './feishu-routes';

export interface HttpDeps extends FeishuRouteDeps {
  ds: DataSource;
  platformName: string;
  /** FEISHU_EVENT_MODE=long-connection: the connection's state, reported by /healthz. */
  feishuConnection?: () => 'connecting' | 'connected' | 'disconnected';
  /** Serve /feishu/events and /feishu/cards (default true). */
  webhooks?: boolean;
  /** DingTalk configured (issue 12): POST /dingtalk/events in http mode, and its state for /healthz. */
  dingtalk?: { webhook?: (ctx: Context) => Promise<void>; state: () => string };
}

export function createHttpApp(deps: HttpDeps): Koa {
  const app = new Koa();
  app.proxy = true;
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
  if (deps.webhooks !== false) {
    router.post('/feishu/events', feishuWebhook(deps, 'events'));
    router.post('/feishu/cards', feishuWebhook(deps, 'cards'));
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
