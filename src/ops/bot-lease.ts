import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, LessThan, Like, Repository } from 'typeorm';
import { JobLock } from '../db/entities/job-lock.entity';
import type { Logger } from '../logger';

/**
 * A running bot's heartbeat: a row `bot:<holder>` in `job_locks` whose lease it renews while it
 * runs and gives up when it stops. `npm run job -- restore` refuses while such a lease is live;
 * a killed bot's lease runs out after LEASE_MS.
 */

export const BOT_LEASE_MS = 60_000;
const RENEW_EVERY_MS = 15_000;

export class BotLease {
  readonly job = `bot:${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly repo: Repository<JobLock>;
  private timer: NodeJS.Timeout | undefined;

  constructor(ds: DataSource, private readonly logger: Logger, private readonly now: () => number = Date.now) {
    this.repo = ds.getRepository(JobLock);
  }

  async start(): Promise<void> {
    const now = this.now();
    // Leases of bots that were killed long ago only clutter the table.
    await this.repo.delete({ job: Like('bot:%'), leaseUntil: LessThan(now - 24 * 3600_000) });
    await this.repo.insert({ job: this.job, holder: `${hostname()} pid ${process.pid}`.slice(0, 64), leaseUntil: now + BOT_LEASE_MS });
    this.timer = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    try {
      await this.repo.update({ job: this.job }, { leaseUntil: this.now() + BOT_LEASE_MS });
    } catch (err) {
      this.logger.warn({ err }, 'bot lease: renewal failed; will try again');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.repo.delete({ job: this.job }).catch((err) => this.logger.warn({ err }, 'bot lease: could not give it up; it runs out by itself'));
  }
}
