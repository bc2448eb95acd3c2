import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Router from '@koa/router';
import type { Context } from 'koa';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { acceptEnvelope, FeishuRouteDeps } from '../http/feishu-routes';
import { readRawBody } from '../http/read-body';
import { JobDeps, JobRunner } from '../jobs/job-runner';
import { JOBS } from '../jobs/registry';
import type { Logger } from '../logger';
import { verifyInbound } from '../platform/feishu/inbound';
import type { BindingService } from '../services/binding-service';
import { openEventStream } from './event-stream';
import { cardAction, messageReceived } from './feishu-events';
import { ADMIN, GROUPS, PEOPLE, PLAYGROUND_TENANT_KEY, PlaygroundPerson, privateChatId } from './people';
import type { PlaygroundPlatform } from './playground-platform';
import { projectRoot, staticFiles } from './static-files';

/**
 * The playground (dry-run mode only): a page at /playground where one is one of a few sample
 * people and chats with the bot. What they type and click becomes the body Feishu would POST
 * and goes through the webhooks' own path (verifyInbound → acceptEnvelope: the inbox and the
 * event handlers, or the card dispatch); what the bot sends comes back through the outbox and
 * the PlaygroundPlatform, and is pushed to the page with Server-Sent Events.
 */

export interface PlaygroundDeps {
  routes: FeishuRouteDeps;
  platform: PlaygroundPlatform;
  bindings: BindingService;
  ds: DataSource;
  /** The services of a job run whose clock reads `now()`; what it queues goes through the bot's outbox. */
  jobDeps(now: () => number): JobDeps;
  logger: Logger;
  /**
   * The client's address. Default: the socket's. Behind the main thread's front (src/front/) the
   * socket is the front's; the front names the client's in a header only it can set.
   */
  peerOf?: (ctx: Context) => string | undefined;
}

export interface Playground {
  router: Router;
  /** Binds the sample groups that are not bound yet (the centre's and two 盟市'). */
  seed(): Promise<void>;
  /** Ends the open event streams, so that the server can close. */
  close(): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const MessageBody = z.object({
  person: z.string(),
  chatId: z.string(),
  text: z.string().trim().min(1).max(4000),
  mentionBot: z.boolean().default(true),
});

const CardBody = z.object({
  person: z.string(),
  messageId: z.string().max(128),
  tag: z.string().max(40),
  value: z.record(z.string(), z.unknown()),
  formValue: z.record(z.string(), z.unknown()).optional(),
  buttonName: z.string().max(128).optional(),
  option: z.string().max(1000).optional(),
  timezone: z.string().max(64).default('Asia/Shanghai'),
});

const JobBody = z.object({ name: z.string(), at: z.string().max(40) });

export function createPlayground(deps: PlaygroundDeps): Playground {
  const { platform, logger } = deps;
  const log = platform.log;
  const root = projectRoot();
  const config = deps.routes.config;
  const streams = new Set<ServerResponse>();
  /** Tells the page that the server restarted (its history is gone). */
  const boot = randomBytes(6).toString('hex');
  const router = new Router();

  // The playground acts as anyone, the admin included: it answers this machine only.
  const localOnly = async (ctx: Context, next: () => Promise<unknown>) => {
    const peer = deps.peerOf ? deps.peerOf(ctx) : ctx.req.socket.remoteAddress;
    if (!LOOPBACK.has(peer ?? '')) {
      ctx.status = 403;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '演示页面只对本机开放：请在运行机器人的电脑上打开 http://localhost:端口/playground';
      return;
    }
    await next();
  };
  const get = (path: string, handler: (ctx: Context) => Promise<void>) => router.get(`/playground${path}`, localOnly, handler);
  const post = (path: string, handler: (ctx: Context) => Promise<void>) => router.post(`/playground${path}`, localOnly, handler);

  for (const [name, handler] of staticFiles(root)) get(name ? `/${name}` : '', handler);

  get('/images/:key', async (ctx) => {
    const image = platform.image(ctx.params.key);
    if (!image) {
      ctx.status = 404;
      ctx.body = { error: '图片已不在演示服务器的内存中' };
      return;
    }
    ctx.type = 'image/png';
    ctx.body = image;
  });

  get('/api/state', async (ctx) => {
    ctx.body = {
      people: PEOPLE.map((p) => ({ ...p, privateChatId: privateChatId(p.openId) })),
      groups: GROUPS,
      jobs: Object.entries(JOBS).map(([name, j]) => ({ name, description: j.description })),
      timezone: config.timezone,
      now: deps.routes.now(),
    };
  });

  get('/api/stream', async (ctx) => openEventStream(ctx, log, boot, streams));

  const readJson = async <T>(ctx: Context, schema: z.ZodType<T>): Promise<T | undefined> => {
    // A JSON content type keeps other web sites' forms out (it needs a CORS preflight, which is never granted).
    if (!ctx.is('application/json')) {
      ctx.status = 415;
      ctx.body = { error: '请求格式不对（需要 JSON）' };
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readRawBody(ctx, config.maxBodyBytes, config.http.requestTimeoutMs)).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      ctx.status = 400;
      ctx.body = { error: '请求内容不完整或格式不对' };
      return undefined;
    }
    return result.data;
  };

  const personOr400 = (ctx: Context, key: string): PlaygroundPerson | undefined => {
    const person = PEOPLE.find((p) => p.key === key);
    if (!person) {
      ctx.status = 400;
      ctx.body = { error: '没有这个演示身份' };
    }
    return person;
  };

  const canSee = (person: PlaygroundPerson, chatId: string) =>
    chatId === privateChatId(person.openId) || GROUPS.some((g) => g.chatId === chatId && g.members.includes(person.key));

  /** Verifies the body as a webhook does (no key: nothing left the machine) and hands it on. */
  const deliver = async (body: Record<string, unknown>, route: 'events' | 'cards') => {
    const result = verifyInbound(Buffer.from(JSON.stringify(body), 'utf8'), {}, {
      maxClockSkewSeconds: config.feishu.maxClockSkewSeconds,
      nowMs: deps.routes.now(),
    });
    if (result.kind !== 'envelope') throw new Error(`playground: the event was not accepted (${result.kind})`);
    return acceptEnvelope(deps.routes, result.envelope, route);
  };

  post('/api/message', async (ctx) => {
    const input = await readJson(ctx, MessageBody);
    if (!input) return;
    const person = personOr400(ctx, input.person);
    if (!person) return;
    if (!canSee(person, input.chatId)) {
      ctx.status = 403;
      ctx.body = { error: `${person.name}不在这个群里` };
      return;
    }
    const group = GROUPS.some((g) => g.chatId === input.chatId);
    const mentionBot = group && input.mentionBot;
    const { body, messageId } = messageReceived({
      sender: person,
      chatId: input.chatId,
      chatType: group ? 'group' : 'p2p',
      text: input.text,
      mentionBot,
      now: deps.routes.now(),
    });
    log.add({ kind: 'message', messageId, chatId: input.chatId, from: person.openId, message: { type: 'text', text: mentionBot ? `@企业创新助手 ${input.text}` : input.text } });
    const accepted = await deliver(body, 'events');
    ctx.status = accepted.status;
    ctx.body = { ok: accepted.status === 200, messageId };
  });

  post('/api/card', async (ctx) => {
    const input = await readJson(ctx, CardBody);
    if (!input) return;
    const person = personOr400(ctx, input.person);
    if (!person) return;
    const chatId = log.chatOfMessage(input.messageId);
    if (!chatId || !canSee(person, chatId)) {
      ctx.status = 404;
      ctx.body = { error: '找不到这张卡片（演示服务器重启后，之前的卡片就失效了）' };
      return;
    }
    const body = cardAction({ operator: person, chatId, messageId: input.messageId, tag: input.tag, value: input.value, formValue: input.formValue, buttonName: input.buttonName, option: input.option, timezone: input.timezone, now: deps.routes.now() });
    const answer = await deliver(body, 'cards');
    const card = (answer.body.card as { data?: Record<string, unknown> } | undefined)?.data;
    // Feishu replaces the card in place with the one in the answer, for everyone who sees it.
    if (card) log.add({ kind: 'update', messageId: input.messageId, card });
    ctx.status = answer.status;
    ctx.body = answer.body;
  });

  post('/api/job', async (ctx) => {
    const input = await readJson(ctx, JobBody);
    if (!input) return;
    const entry = JOBS[input.name];
    const at = DateTime.fromISO(input.at, { zone: config.timezone, setZone: true });
    if (!Object.hasOwn(JOBS, input.name) || !entry) {
      ctx.status = 400;
      ctx.body = { error: `没有名为「${input.name.slice(0, 40)}」的任务` };
      return;
    }
    if (!at.isValid) {
      ctx.status = 400;
      ctx.body = { error: '时间格式不对，请选择日期和时间' };
      return;
    }
    // The job's clock runs from the chosen instant, as with `npm run job -- <name> --now …`.
    const offset = at.toMillis() - Date.now();
    const runner = new JobRunner(deps.ds, deps.jobDeps(() => Date.now() + offset), logger.child({ component: 'jobs', playground: true }));
    const result = await runner.run(input.name, entry.job, at.toJSDate());
    const when = at.setZone(config.timezone).toFormat('yyyy-MM-dd HH:mm');
    const text =
      result.status === 'locked'
        ? `${input.name} 正在运行，请稍后再试。`
        : result.status === 'failed'
          ? `${input.name}（${when}）运行失败：${result.error ?? '原因不明'}`
          : `${input.name}（${when}）已运行：发出 ${result.sent} 条，跳过 ${result.skipped} 条${result.failures ? `，失败 ${result.failures} 条` : ''}。`;
    ctx.body = { status: result.status, sent: result.sent, skipped: result.skipped, failures: result.failures, text };
  });

  return {
    router,
    async seed() {
      for (const g of GROUPS) {
        if (await deps.bindings.find(PLAYGROUND_TENANT_KEY, g.chatId)) continue;
        await deps.bindings.bind(PLAYGROUND_TENANT_KEY, g.chatId, g.scope, ADMIN.openId);
      }
    },
    close() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
