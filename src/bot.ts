import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { CARD_ACTIONS } from '../handlers/registry';
import type { CardActionHandler } from '../handlers/types';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import { createCardDispatch, createEventDispatch } from './dispatch';
import { createHttpApp } from './http/server';
import type { Logger } from './logger';
import { DryRunPlatform } from './platform/dry-run-platform';
import { FeishuPlatform } from './platform/feishu/feishu-platform';
import type { ChatPlatform } from './platform/port';
import { ApplicationService } from './services/application-service';
import { BindingService } from './services/binding-service';
import { SummaryService } from './services/summary-service';
import { NeedService } from './services/need-service';
import { ExpertService } from './services/expert-service';
import { ReportService } from './services/report-service';
import { DEFAULT_INBOX_OPTIONS, InboxOptions, InboxService } from './services/inbox-service';
import { DEFAULT_OUTBOX_OPTIONS, Messenger, OutboxOptions, OutboxService } from './services/outbox-service';
import { JobDeps, JobRunner } from './jobs/job-runner';
import { JOBS } from './jobs/registry';
import { DEFAULT_REMINDER_SCHEDULE } from './jobs/schedule-config';
import { Scheduler } from './scheduler/scheduler';

export interface BotOptions {
  now?: () => number;
  outbox?: Partial<OutboxOptions>;
  inbox?: Partial<InboxOptions>;
  /** Off in tests that drive jobs by hand. */
  cron?: boolean;
  /** Card actions added to (or replacing) the registry's, by name. */
  cardActions?: Record<string, CardActionHandler>;
}

export interface Bot {
  ds: DataSource;
  platform: ChatPlatform;
  outbox: OutboxService;
  inbox: InboxService;
  bindings: BindingService;
  /** Starts the workers and listens on `port` (0 for any free port). Returns the port. */
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The services handlers and jobs use, over one database and one outbox. `now` is the services'
 * clock (audit trail, "today"); `npm run job --now` passes its own, while the outbox keeps the
 * real one so that what a job queues is sent right away.
 */
export function createJobDeps(config: Config, ds: DataSource, platform: ChatPlatform, messenger: Messenger, now: () => number): JobDeps {
  const applications = new ApplicationService(ds, now);
  return {
    messenger,
    bindings: new BindingService(ds, now),
    applications,
    summaries: new SummaryService(ds, applications, now),
    needs: new NeedService(ds, now),
    experts: new ExpertService(ds, now),
    reports: new ReportService(ds, now),
    settings: { ...(config.campaignYear ? { campaignYear: config.campaignYear } : {}), timezone: config.timezone, contact: config.centreContact },
    schedule: { ...DEFAULT_REMINDER_SCHEDULE, hour: config.reminderHour, weeklyHour: config.reminderHour },
    platform,
    admins: config.adminOpenIds,
    now,
  };
}

export function createPlatform(config: Config, logger: Logger, timeoutMs: number): ChatPlatform {
  if (config.dryRun || !config.feishu.appId || !config.feishu.appSecret) return new DryRunPlatform(logger);
  return new FeishuPlatform({
    appId: config.feishu.appId,
    appSecret: config.feishu.appSecret,
    baseUrl: config.feishu.baseUrl,
    timeoutMs,
    logger: logger.child({ component: 'feishu' }),
  });
}

/** The composition root: config → database → services → HTTP app → workers. */
export async function createBot(config: Config, logger: Logger, opts: BotOptions = {}): Promise<Bot> {
  const ds = await openDatabase(config.databaseUrl);
  try {
    return assemble(config, logger, opts, ds);
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}

function assemble(config: Config, logger: Logger, opts: BotOptions, ds: DataSource): Bot {
  const now = opts.now ?? Date.now;
  const httpTimeoutMs = config.feishu.httpTimeoutMs;
  const platform = createPlatform(config, logger, httpTimeoutMs);
  const outbox = new OutboxService(
    ds,
    platform,
    logger.child({ component: 'outbox' }),
    { ...DEFAULT_OUTBOX_OPTIONS, leaseMs: 2 * httpTimeoutMs, ...opts.outbox },
    now,
  );
  const deps = createJobDeps(config, ds, platform, outbox, now);
  const bindings = deps.bindings;
  const inbox = new InboxService(
    ds,
    createEventDispatch(deps),
    logger.child({ component: 'inbox' }),
    { ...DEFAULT_INBOX_OPTIONS, ...opts.inbox },
    now,
  );
  const app = createHttpApp({
    config,
    inbox,
    dispatchCard: createCardDispatch(deps, { ...CARD_ACTIONS, ...opts.cardActions }),
    logger: logger.child({ component: 'http' }),
    now,
    ds,
    platformName: platform.name,
  });
  const scheduler = new Scheduler(config.timezone, logger.child({ component: 'scheduler' }));
  const jobs = new JobRunner(ds, deps, logger.child({ component: 'jobs' }));
  for (const [name, entry] of Object.entries(JOBS)) {
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
  return {
    ds,
    platform,
    outbox,
    inbox,
    bindings,
    async listen(port, host) {
      outbox.start();
      inbox.start();
      if (opts.cron !== false) scheduler.start();
      server = app.listen(port, host);
      // Feishu's connect timeout is 2 s and its total 3 s; idle keep-alive sockets may go sooner.
      server.keepAliveTimeout = 5000;
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      scheduler.stop();
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
      await inbox.stop();
      await outbox.stop();
      if (ds.isInitialized) await ds.destroy();
    },
  };
}
