import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { CARD_ACTIONS } from '../handlers/registry';
import type { CardActionHandler, Command, LedgerView } from '../handlers/types';
import { BitableClient } from './platform/feishu/bitable-client';
import { DEFAULT_LEDGER_OPTIONS, LedgerOptions, LedgerWorker } from './services/ledger/ledger-worker';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import { UnitOfWork, type Db } from './db/unit-of-work';
import { createCardDispatch, createEventDispatch } from './dispatch';
import { createHttpApp } from './http/server';
import { publicServerOptions, servesFeishuWebhooks } from './http/server-options';
import type { Logger } from './logger';
import { DryRunPlatform } from './platform/dry-run-platform';
import { FeishuPlatform } from './platform/feishu/feishu-platform';
import { createLongConnection, LongConnectionTuning } from './platform/feishu/long-connection';
import type { ChatPlatform } from './platform/port';
import { ApplicationService } from './services/application-service';
import { BindingService } from './services/binding-service';
import { SummaryService } from './services/summary-service';
import { NeedService } from './services/need-service';
import { ExpertService } from './services/expert-service';
import { ReportService } from './services/report-service';
import { DEFAULT_INBOX_OPTIONS, InboxOptions, InboxService, ProcessableEvent } from './services/inbox-service';
import { DEFAULT_OUTBOX_OPTIONS, Messenger, OutboxOptions, OutboxService } from './services/outbox-service';
import { JobDeps, JobRunner } from './jobs/job-runner';
import { JOBS } from './jobs/registry';
import { DEFAULT_REMINDER_SCHEDULE } from './jobs/schedule-config';
import { Scheduler } from './scheduler/scheduler';
import { createPlayground, Playground } from './playground/playground';
import { ADMIN as PLAYGROUND_ADMIN } from './playground/people';
import { PlaygroundLog, PlaygroundPlatform } from './playground/playground-platform';
import { BotLease } from './ops/bot-lease';
import { Metrics } from './ops/metrics';
import { COMMANDS } from '../handlers/registry';
import { PlatformRouter, routeByTarget } from './platform/router';
import { adminsOf } from './platform/admins';
import { FormDraftService } from './services/form-draft-service';
import { withDingTalk } from './platform/dingtalk/message-handler';
import { createDingTalkPlatform, wireDingTalkReceiver } from './platform/dingtalk/setup';
import type { DingTalkPlatform } from './platform/dingtalk/dingtalk-platform';
import type { StreamTuning } from './platform/dingtalk/stream';
import { CalendarSync, CalendarSyncOptions, DEFAULT_CALENDAR_SYNC_OPTIONS } from './services/calendar-sync';
import type { CardDispatch } from './platform/feishu/intake';
import { FRONT_PEER_HEADER, type ConnectionStates } from './front/messages';

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

/**
 * The services handlers and jobs use, over one database and one outbox. `now` is the services'
 * clock (audit trail, "today"); `npm run job --now` passes its own, while the outbox keeps the
 * real one so that what a job queues is sent right away.
 */
export function createJobDeps(config: Config, ds: DataSource, platform: ChatPlatform, outbox: OutboxService, now: () => number, ledger?: LedgerView): JobDeps {
  const uow = new UnitOfWork(ds);
  // With DingTalk on, each message goes out on the platform of its target (issue 12, item 7).
  const routed = (m: Messenger) => (config.dingtalk ? routeByTarget(m) : m);
  const services = (db: Db, messenger: Messenger) => {
    const applications = new ApplicationService(db, now);
    return {
      messenger,
      bindings: new BindingService(db, now),
      applications,
      summaries: new SummaryService(db, applications, now),
      needs: new NeedService(db, now),
      experts: new ExpertService(db, now),
      reports: new ReportService(db, now),
      drafts: new FormDraftService(db, now),
    };
  };
  const deps: JobDeps = {
    ...services(ds, routed(outbox)),
    atomically: (fn) =>
      uow.run((tx) => {
        const txDeps: JobDeps = { ...deps, ...services(tx.manager, routed(outbox.within(tx))) };
        txDeps.atomically = (inner) => inner(txDeps);
        return fn(txDeps);
      }),
    settings: { ...(config.campaignYear ? { campaignYear: config.campaignYear } : {}), timezone: config.timezone, contact: config.centreContact, scanRequired: config.scanRequired, figures: { circularToRegions: config.circularToRegions, yearEndDate: config.yearEndFiguresDate }, urgentEscalation: config.urgentEscalation },
    schedule: { ...DEFAULT_REMINDER_SCHEDULE, hour: config.reminderHour, weeklyHour: config.reminderHour },
    platform,
    admins: adminsOf(config),
    now,
    ...(ledger ? { ledger } : {}),
    ops: { ds, databaseUrl: config.databaseUrl, backupDir: config.backupDir, backupKeep: config.backupKeep, dataRetentionYears: config.dataRetentionYears },
  };
  return deps;
}

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

/**
 * The 台账 writer (issue 13 item 1) when FEISHU_BITABLE_APP_TOKEN is set. It needs the Feishu
 * app's credentials: in dry-run mode changes are still queued (nothing is lost) but not written.
 */
export function createLedger(
  config: Config,
  ds: DataSource,
  logger: Logger,
  now: () => number,
  tuning: Partial<LedgerOptions> = {},
): { worker: LedgerWorker | undefined; view: LedgerView } | undefined {
  if (!config.ledger) return undefined;
  const { appId, appSecret } = config.feishu;
  const log = logger.child({ component: 'ledger' });
  if (config.dryRun || !appId || !appSecret) {
    log.warn('ledger: FEISHU_BITABLE_APP_TOKEN is set but the Feishu app is not (dry-run): changes are queued, not written');
    const view: LedgerView = {
      url: config.ledger.url,
      state: async () => ({ ...(await countLedger(ds)), problems: ['机器人处于试用模式（未配置飞书应用凭证），台账的变更已排队，但不会写入多维表格。'] }),
    };
    return { worker: undefined, view };
  }
  const client = new BitableClient({ appId, appSecret, baseUrl: config.feishu.baseUrl, timeoutMs: config.feishu.httpTimeoutMs, logger: log });
  const worker = new LedgerWorker(ds, client, config.ledger.appToken, config.timezone, log, { ...DEFAULT_LEDGER_OPTIONS, ...tuning }, now);
  return { worker, view: { url: config.ledger.url, state: () => worker.state() } };
}

async function countLedger(ds: DataSource): Promise<{ pending: number; failed: number; synced: number }> {
  const rows: Array<{ status: string; n: string | number }> = await ds.query('SELECT status, COUNT(*) AS n FROM ledger_queue GROUP BY status');
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending: count('pending') + count('syncing'), failed: count('failed'), synced: count('synced') };
}

/** The calendar sync, when FEISHU_CALENDAR_ID is set and there is a Feishu app to write with. */
function createCalendarSync(config: Config, ds: DataSource, platform: ChatPlatform, logger: Logger, tuning: Partial<CalendarSyncOptions> | undefined, now: () => number): CalendarSync | undefined {
  if (!config.calendarId) return undefined;
  const feishu = platform instanceof PlatformRouter ? platform.for('feishu') : platform;
  if (!(feishu instanceof FeishuPlatform)) {
    logger.warn('FEISHU_CALENDAR_ID is set, but without Feishu credentials no calendar entries are made');
    return undefined;
  }
  const log = logger.child({ component: 'calendar' });
  return new CalendarSync(ds, feishu.calendar(), config.calendarId, config.timezone, log, { ...DEFAULT_CALENDAR_SYNC_OPTIONS, ...tuning }, now);
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
  const scheduler = new Scheduler(config.timezone, logger.child({ component: 'scheduler' }));
  const jobs = new JobRunner(ds, deps, logger.child({ component: 'jobs' }));
  for (const [name, entry] of Object.entries(JOBS)) {
    if (entry.enabled && !entry.enabled(config)) continue;
    // Also shortly after start: what fell due while the bot was down goes out at once.
    scheduler.add(name, entry.cron, () => jobs.run(name, entry.job, new Date(now())), 60_000);
  }
  scheduler.add('prune-delivery-logs', '17 * * * *', async () => {
    const events = await inbox.prune(48 * 3600_000);
    // Sent cards can be updated for 14 days (FEISHU.md §3.4): their message ids are kept that long.
    const messages = await outbox.prune(15 * 24 * 3600_000);
    return { events, messages };
  });

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
      server.listen(path);
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
      startConnections();
    },
    async listen(port, host) {
      await startWorkers();
      const http = config.http;
      server = createServer(publicServerOptions(http), app.callback());
      // More connections than this are refused at once (each holds a file descriptor).
      server.maxConnections = http.maxConnections;
      server.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
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
