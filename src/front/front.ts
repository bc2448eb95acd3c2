import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import { acceptWebhook, type WebhookDeps } from '../http/feishu-webhook';
import { publicServerOptions, servesFeishuWebhooks } from '../http/server-options';
import type { Logger } from '../logger';
import { prettyFd } from '../logger';
import type { CardCallbackAnswer, CardDispatch } from '../platform/feishu/intake';
import type { Messenger } from '../services/outbox-service';
import { openInboxRecorder, type InboxRecorder } from './inbox-recorder';
import type { ConnectionStates, FromWorker, ToWorker, WorkerData } from './messages';
import { clientIp, createPassOn, sendJson } from './pass-on';

/**
 * The acknowledgement path, isolated (issue 14 item 9; PROCESSING_THREAD=worker, the default).
 *
 * The main thread runs only this: the public HTTP server, verification of Feishu's webhooks, the
 * inbox INSERT (its own database connection, src/front/inbox-recorder.ts) and the answer. So its
 * event loop does nothing else, and no handler, outbox pass, job or spreadsheet can delay an
 * acknowledgement. Everything else — processing, the outbox, jobs, card handlers, long
 * connections, DingTalk, /metrics, the playground — runs in one worker thread
 * (src/front/processing-worker.ts), which owns the schema and every other write.
 *
 *   - /feishu/events: verified, recorded and answered here; the worker is told the row's id.
 *   - /feishu/cards (and a card callback on /feishu/events): verified here; the handler runs in
 *     the worker; the answer is due within 2.5 s, timed here (answerCard), so a busy worker gets
 *     the progress toast sent, never a timeout.
 *   - /healthz: answered here (this thread's connection answers `SELECT 1`), with the worker's
 *     connection states.
 *   - Anything else is passed to the worker's HTTP server on a private Unix socket.
 *
 * When the worker dies the process exits (code 1), as the one-thread bot did on a crash: the
 * supervisor restarts it, and events being processed are taken up again (or set aside, issue 14
 * item 2).
 */

export interface Front {
  port: number;
  platform: string;
  stop(): Promise<void>;
}

export interface FrontOptions {
  config: Config;
  logger: Logger;
  /** The bot's clock (TEST_CLOCK_AT shifts it); the worker gets the same offset. */
  now: () => number;
  /** The worker stopped unexpectedly (crashed, ran out of memory): the process should exit. */
  onWorkerLost(err: Error): void;
}

const WORKER_JS = join(__dirname, 'processing-worker.js');
const HEALTH_TIMEOUT_MS = 2000;
const STOP_TIMEOUT_MS = 60_000;
const WORKER_YOUNG_GENERATION_MB = 4;

export async function startFront(opts: FrontOptions): Promise<Front> {
  const { config, logger, now } = opts;
  const socketDir = process.platform === 'win32' ? undefined : mkdtempSync(join(tmpdir(), 'bot-front-'));
  const socketPath = socketDir ? join(socketDir, 'worker.sock') : `\\\\?\\pipe\\innovation-bot-${process.pid}-${randomBytes(6).toString('hex')}`;
  const fd = prettyFd();
  const data: WorkerData = { config, clockOffsetMs: now() - Date.now(), socketPath, ...(fd ? { prettyFd: fd } : {}) };
  const worker = new Worker(WORKER_JS, {
    workerData: data,
    // A small young generation (semi-spaces of about 1 MiB): V8 otherwise grows it to 48 MiB per
    // thread under a steady stream of events (RSS, issue 14 item 9); minor collections stay cheap.
    // This thread's own is set on node's command line (`npm start`: --max-semi-space-size).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });

  let stopping = false;
  let platform = '';
  let states: ConnectionStates = {};
  let seq = 0;
  const pendingCards = new Map<number, { resolve(a: CardCallbackAnswer): void; reject(e: Error): void }>();
  let started!: (ok: boolean, err?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = (ok, err) => (ok ? resolve() : reject(err));
  });
  let stopped: (() => void) | undefined;

  const lost = (err: Error) => {
    for (const p of pendingCards.values()) p.reject(err);
    pendingCards.clear();
    if (stopping) return;
    started(false, err);
    opts.onWorkerLost(err);
  };
  worker.on('message', (message: FromWorker) => {
    switch (message.type) {
      case 'ready':
        platform = message.platform;
        states = message.states;
        started(true);
        break;
      case 'failed':
        stopping = true;
        started(false, new Error(message.message));
        break;
      case 'states':
        states = message.states;
        logger.debug({ states }, 'front: connection states');
        break;
      case 'card-answer': {
        const pending = pendingCards.get(message.seq);
        pendingCards.delete(message.seq);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.answer ?? {});
        break;
      }
      case 'stopped':
        stopped?.();
        break;
    }
  });
  worker.on('error', (err) => lost(err));
  worker.on('exit', (code) => lost(new Error(`the processing worker exited with code ${code}`)));
  const toWorker = (message: ToWorker) => worker.postMessage(message);

  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    throw err;
  }

  let recorder: InboxRecorder;
  try {
    // After the worker's start: its connection created and migrated the schema.
    recorder = await openInboxRecorder(config.databaseUrl, now);
  } catch (err) {
    stopping = true;
    await worker.terminate();
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    throw err;
  }

  const dispatchCard: CardDispatch = (envelope) =>
    new Promise<CardCallbackAnswer>((resolve, reject) => {
      const id = ++seq;
      pendingCards.set(id, { resolve, reject });
      toWorker({ type: 'card', seq: id, envelope });
    });
  const messenger: Pick<Messenger, 'sendToUser'> = {
    sendToUser: async (ref, openId, message) => toWorker({ type: 'send-to-user', ref, openId, message }),
  };
  const httpLogger = logger.child({ component: 'http' });
  const webhook: WebhookDeps = {
    config,
    logger: httpLogger,
    now,
    dispatchCard,
    messenger,
    record: async (envelope, log) => {
      const recorded = await recorder.record(envelope);
      if (recorded.status === 'new') toWorker({ type: 'recorded', id: recorded.id });
      else log().info('repeated delivery ignored');
    },
  };
  const handler = createHandler({ config, logger: httpLogger, recorder, webhook, toWorker, socketPath, health: () => ({ platform, states }) });
  const server = http.createServer(publicServerOptions(config.http), (req, res) => {
    handler(req, res).catch((err) => {
      logger.error({ err, path: req.url }, 'http: request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.maxConnections = config.http.maxConnections;
  server.listen(config.port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  return {
    port: (server.address() as AddressInfo).port,
    platform,
    async stop() {
      stopping = true;
      await closeServer(server);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        stopped = () => {
          clearTimeout(timer);
          resolve();
        };
        toWorker({ type: 'stop' });
      });
      await worker.terminate();
      await recorder.close();
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server): Promise<void> {
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closing;
}

interface HandlerDeps {
  config: Config;
  logger: Logger;
  recorder: InboxRecorder;
  /** The webhook sequence (src/http/feishu-webhook.ts), recording on this thread's connection. */
  webhook: WebhookDeps;
  toWorker(message: ToWorker): void;
  socketPath: string;
  health(): { platform: string; states: ConnectionStates };
}

function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, logger } = deps;
  const webhooks = servesFeishuWebhooks(config);
  const timeAcks = Boolean(config.metricsToken);
  const passOn = createPassOn(deps.socketPath, config.http.trustProxy, logger);
  const ipOf = (req: IncomingMessage) => () => clientIp(req, config.http.trustProxy);
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (webhooks && req.method === 'POST' && (path === '/feishu/events' || path === '/feishu/cards')) {
      const route = path === '/feishu/events' ? 'events' : 'cards';
      const started = process.hrtime.bigint();
      try {
        const answer = await acceptWebhook(deps.webhook, route, req, ipOf(req));
        if (answer.closeConnection) res.setHeader('Connection', 'close');
        sendJson(res, answer.status, answer.body);
      } finally {
        if (timeAcks) deps.toWorker({ type: 'ack', route, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
      }
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/healthz') return health(deps, req, res);
    passOn(req, res);
  };
}

async function health(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const database = await Promise.race([
    deps.recorder.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  const { platform, states } = deps.health();
  sendJson(
    res,
    database ? 200 : 503,
    {
      status: database ? 'ok' : 'unavailable',
      database: database ? 'ok' : 'unreachable',
      platform,
      ...(states.feishu !== undefined ? { feishu: states.feishu } : {}),
      ...(states.dingtalk !== undefined ? { dingtalk: states.dingtalk } : {}),
    },
    req.method === 'HEAD',
  );
}

