import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { CARD_ACTIONS, COMMANDS } from '../handlers/registry';
import type { CardActionHandler, Command } from '../handlers/types';
import { createCalendarSync, createLedger } from './bot/feishu-sync';
import { createJobDeps } from './bot/job-deps';
import { createPlatform } from './bot/platform';
import { createSchedule } from './bot/schedule';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import { createCardDispatch, createEventDispatch } from './dispatch';
import { FRONT_PEER_HEADER, type ConnectionStates } from './front/messages';
import { createHttpApp } from './http/server';
import { publicServerOptions, servesFeishuWebhooks } from './http/server-options';
import type { Logger } from './logger';
import { BotLease } from './ops/bot-lease';
import { Metrics } from './ops/metrics';
import type { DingTalkPlatform } from './platform/dingtalk/dingtalk-platform';
import { withDingTalk } from './platform/dingtalk/message-handler';
import { wireDingTalkReceiver } from './platform/dingtalk/setup';
import type { StreamTuning } from './platform/dingtalk/stream';
import { DryRunPlatform } from './platform/dry-run-platform';
import type { CardDispatch } from './platform/feishu/intake';
import { createLongConnection, type LongConnectionTuning } from './platform/feishu/long-connection';
import type { ChatPlatform } from './platform/port';
import { PlatformRouter } from './platform/router';
import { createPlayground, type Playground } from './playground/playground';
import { ADMIN as PLAYGROUND_ADMIN } from './playground/people';
import { PlaygroundLog, PlaygroundPlatform } from './playground/playground-platform';
import type { CalendarSync, CalendarSyncOptions } from './services/calendar-sync';
import type { BindingService } from './services/binding-service';
import { DEFAULT_INBOX_OPTIONS, type InboxOptions, InboxService, type ProcessableEvent } from './services/inbox-service';
import type { LedgerOptions } from './services/ledger/ledger-worker';
import { DEFAULT_OUTBOX_OPTIONS, type Messenger, type OutboxOptions, OutboxService } from './services/outbox-service';

/**
 * The composition root (createBot). What it assembles from lives in src/bot/: the services
 * handlers and jobs use (job-deps.ts), the delivering platform (platform.ts), the 台账 and
 * calendar writers (feishu-sync.ts) and the cron (schedule.ts).
 */

// `npm run job` and the tests build the same pieces; these names have always come from here.
export { createJobDeps } from './bot/job-deps';
export { createPlatform } from './bot/platform';
export { createLedger } from './bot/feishu-sync';

export interface BotOptions {
  now?: () => number;
  outbox?: Partial<OutboxOptions>;
  inbox?: Partial<InboxOptions>;
  /** Off in tests that drive jobs by hand. */
  cron?: boolean;
  /** Card actions added to (or replacing) the registry's, by name. */
  cardActions?: Record<string, CardActionHandler>;
  /** FEISHU_EVENT_MODE=long-connection: watchdog and handshake timeouts (tests shorten them). */
  longConnection?: LongConnectionTuning;
  /** Serve /playground in dry-run mode (default true; never with Feishu credentials). */
  playground?: boolean;
  /** DINGTALK_MODE=stream: keep-alive, silence and backoff timings (tests shorten them). */
  dingtalkStream?: Partial<StreamTuning>;
  /** The 台账 writer's timings (tests shorten them). */
  ledger?: Partial<LedgerOptions>;
  /** FEISHU_CALENDAR_ID: the calendar sync's poll interval and retries (tests shorten them). */
  calendar?: Partial<CalendarSyncOptions>;
  /**
   * Run as the processing worker behind the main thread's front (src/front/): requests arrive
   * from the front, which sets X-Forwarded-For and the client's address (FRONT_PEER_HEADER).
   */
  behindFront?: boolean;
  /** The commands DingTalk messages are matched against (default: the registry's; tests add one). */
  dingtalkCommands?: readonly Command[];
}

export interface Bot {
  ds: DataSource;
  platform: ChatPlatform;
  outbox: OutboxService;
  inbox: InboxService;
  bindings: BindingService;
  /** The calendar sync (issue 13 item 5), when FEISHU_CALENDAR_ID is set and Feishu is configured. */
  calendar: CalendarSync | undefined;
  /** Starts the workers and listens on `port` (0 for any free port). Returns the port. */
  listen(port: number, host?: string): Promise<number>;
  /** The same, on a Unix socket (or Windows pipe): the processing worker behind the front. */
  listenOn(path: string): Promise<void>;
  /** Runs a verified card callback's handler (the front hands them over). */
  dispatchCard: CardDispatch;
  /** Counts an acknowledgement timed elsewhere (the front) in /metrics. */
  observeAck(route: 'events' | 'cards', seconds: number): void;
  /** Long connections' states, for /healthz: Feishu's (long-connection mode) and DingTalk's. */
  connectionStates(): ConnectionStates;
  stop(): Promise<void>;
}

const SET_ASIDE_TEXT =
  '抱歉，这条消息多次处理都没能完成，机器人已停止处理它。如果发送的是文件，请检查文件的大小和内容后重新发送；如仍有问题，请联系管理员。';

/** Tells the sender of a poison event (see InboxService) that it was set aside, where the event names a chat. */
async function tellSetAside(messenger: Messenger, evt: ProcessableEvent): Promise<void> {
  const ref = { tenantKey: evt.tenantKey, key: `inbox:set-aside:${evt.dedupKey}` };
  const message = evt.event.message;
  const text = { type: 'text', text: SET_ASIDE_TEXT } as const;
  if (typeof message?.message_id === 'string' && typeof message?.chat_id === 'string') {
    await messenger.reply(ref, message.message_id, message.chat_id, text);
  } else if (typeof evt.event.chat_id === 'string') {
    await messenger.sendToChat(ref, evt.event.chat_id, text);
  }
}

/** The composition root: config → database → services → HTTP app → workers. */
export async function createBot(config: Config, logger: Logger, opts: BotOptions = {}): Promise<Bot> {
  // Not beside DingTalk: the playground stands in for the one platform there is.
  const playground = config.dryRun && !config.dingtalk && opts.playground !== false;
  // The playground's centre admin is an admin while it runs (dry-run only: nothing reaches Feishu).
  if (playground) config = { ...config, adminOpenIds: new Set([...config.adminOpenIds, PLAYGROUND_ADMIN.openId]) };
  const ds = await openDatabase(config.databaseUrl);
  try {
    const bot = assemble(config, logger, { ...opts, playground }, ds);
    await bot.seed();
    return bot;
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}

function assemble(config: Config, logger: Logger, opts: BotOptions, ds: DataSource): Bot & { seed(): Promise<void> } {
  // Behind the front, X-Forwarded-For is the front's (it honours TRUST_PROXY itself).
  if (opts.behindFront) config = { ...config, http: { ...config.http, trustProxy: true } };
  const now = opts.now ?? Date.now;
  const httpTimeoutMs = config.feishu.httpTimeoutMs;
  // In the playground, DryRunPlatform still does the "sending"; the page is shown what it sent.
  const recorder = opts.playground ? new PlaygroundPlatform(new DryRunPlatform(logger), new PlaygroundLog(now)) : undefined;
  const platform: ChatPlatform = recorder ?? createPlatform(config, logger, httpTimeoutMs);
  const dingtalkPlatform = platform instanceof PlatformRouter ? (platform.for('dingtalk') as DingTalkPlatform) : undefined;
  // Only when GET /metrics is served (METRICS_TOKEN): prom-client is not even loaded otherwise.
  const metrics = config.metricsToken ? new Metrics(ds, platform.name, now) : undefined;
  const outbox = new OutboxService(
    ds,
    platform,
    logger.child({ component: 'outbox' }),
    { ...DEFAULT_OUTBOX_OPTIONS, leaseMs: 2 * httpTimeoutMs, ...opts.outbox },
    now,
    metrics?.sent,
  );
  const ledger = createLedger(config, ds, logger, now, opts.ledger);
  const deps = createJobDeps(config, ds, platform, outbox, now, ledger?.view);
  const bindings = deps.bindings;
  const feishuDispatch = createEventDispatch(deps);
  const inbox = new InboxService(
    ds,
    dingtalkPlatform
      ? withDingTalk(feishuDispatch, deps, { ds, platform: dingtalkPlatform, adminStaffIds: config.dingtalk!.adminStaffIds, commands: opts.dingtalkCommands ?? COMMANDS, now })
      : feishuDispatch,
    logger.child({ component: 'inbox' }),
    { ...DEFAULT_INBOX_OPTIONS, ...opts.inbox },
    now,
    (evt) => tellSetAside(outbox, evt),
  );
  const dispatchCard = createCardDispatch(deps, { ...CARD_ACTIONS, ...opts.cardActions });
  const longConnection = createLongConnection(config, inbox, dispatchCard, outbox, logger, opts.longConnection);
  const dingtalk =
    dingtalkPlatform &&
    wireDingTalkReceiver(config.dingtalk!, dingtalkPlatform, { inbox, logger, now, maxBodyBytes: config.maxBodyBytes, requestTimeoutMs: config.http.requestTimeoutMs, ds, tuning: opts.dingtalkStream, handlers: deps });
  const routeDeps = {
    config,
    inbox,
    dispatchCard,
    logger: logger.child({ component: 'http' }),
    now,
    messenger: outbox,
  };
  const playground: Playground | undefined = recorder
    ? createPlayground({
        routes: routeDeps,
        platform: recorder,
        bindings,
        ds,
        jobDeps: (jobNow) => createJobDeps(config, ds, platform, outbox, jobNow),
        logger: logger.child({ component: 'playground' }),
        ...(opts.behindFront ? { peerOf: (ctx) => ctx.get(FRONT_PEER_HEADER) || undefined } : {}),
      })
    : undefined;
  const app = createHttpApp({
    ...routeDeps,
    ds,
    platformName: platform.name,
    feishuConnection: longConnection && (() => longConnection.state()),
    dingtalk: dingtalk && { webhook: dingtalk.webhook, state: () => dingtalk.state() },
    webhooks: servesFeishuWebhooks(config),
    routers: playground ? [playground.router] : [],
    metrics,
  });
  const calendar = createCalendarSync(config, ds, platform, logger, opts.calendar, now);
  const lease = new BotLease(ds, logger.child({ component: 'lease' }));
  const scheduler = createSchedule(config, ds, deps, { inbox, outbox }, logger, now);

  let server: Server | undefined;
  const startWorkers = async () => {
    await lease.start();
    outbox.start();
    inbox.start();
    calendar?.start();
    if (opts.cron !== false) scheduler.start();
  };
  const startConnections = () => {
    longConnection?.start();
    dingtalk?.stream?.start();
    ledger?.worker?.start();
  };
  return {
    async seed() {
      await playground?.seed();
    },
    ds,
    platform,
    outbox,
    inbox,
    bindings,
    calendar,
    dispatchCard,
    observeAck: (route, seconds) => metrics?.observeAck(route, seconds),
    connectionStates: () => ({
      ...(longConnection ? { feishu: longConnection.state() } : {}),
      ...(dingtalk ? { dingtalk: dingtalk.state() } : {}),
    }),
    async listenOn(path) {
      await startWorkers();
      server = createServer(app.callback());
      await listening(server.listen(path));
      startConnections();
    },
    async listen(port, host) {
      await startWorkers();
      const http = config.http;
      server = createServer(publicServerOptions(http), app.callback());
      // More connections than this are refused at once (each holds a file descriptor).
      server.maxConnections = http.maxConnections;
      await listening(server.listen(port, host));
      startConnections();
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      scheduler.stop();
      longConnection?.stop();
      playground?.close();
      dingtalk?.stream?.stop();
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
      await inbox.stop();
      await calendar?.stop();
      await outbox.stop();
      await ledger?.worker?.stop();
      if (ds.isInitialized) await lease.stop();
      if (ds.isInitialized) await ds.destroy();
    },
  };
}

function listening(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}
