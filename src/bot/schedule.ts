import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { type JobDeps, JobRunner } from '../jobs/job-runner';
import { JOBS } from '../jobs/registry';
import type { Logger } from '../logger';
import { Scheduler } from '../scheduler/scheduler';
import type { InboxService } from '../services/inbox-service';
import type { OutboxService } from '../services/outbox-service';

/** The bot's cron: the registry's jobs (those enabled by the configuration) and the delivery logs' pruning. */
export function createSchedule(
  config: Config,
  ds: DataSource,
  deps: JobDeps,
  delivery: { inbox: InboxService; outbox: OutboxService },
  logger: Logger,
  now: () => number,
): Scheduler {
  const scheduler = new Scheduler(config.timezone, logger.child({ component: 'scheduler' }));
  const jobs = new JobRunner(ds, deps, logger.child({ component: 'jobs' }));
  for (const [name, entry] of Object.entries(JOBS)) {
    if (entry.enabled && !entry.enabled(config)) continue;
    // Also shortly after start: what fell due while the bot was down goes out at once.
    scheduler.add(name, entry.cron, () => jobs.run(name, entry.job, new Date(now())), 60_000);
  }
  scheduler.add('prune-delivery-logs', '17 * * * *', async () => {
    const events = await delivery.inbox.prune(48 * 3600_000);
    // Sent cards can be updated for 14 days (FEISHU.md §3.4): their message ids are kept that long.
    const messages = await delivery.outbox.prune(15 * 24 * 3600_000);
    return { events, messages };
  });
  return scheduler;
}
