import { randomBytes } from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import { isUniqueViolation } from '../db/data-source';
import { JobLock } from '../db/entities/job-lock.entity';
import { JobOccasion } from '../db/entities/job-occasion.entity';
import { JobRun } from '../db/entities/job-run.entity';
import type { HandlerDeps } from '../../handlers/types';
import type { Logger } from '../logger';
import type { ChatPlatform, OutboundMessage } from '../platform/port';
import { localDate } from '../domain/calendar';
import type { ReminderSchedule } from './schedule-config';

/**
 * Runs scheduled jobs: one at a time per job across every instance sharing the database (a
 * lease row in `job_locks`), each run recorded in `job_runs`, each occasion done once
 * (`job_occasions`). A job is a plain function of its context, which carries `now`, so the
 * same code runs from cron and from `npm run job -- <name> --now <ISO-8601>`.
 */

export interface JobDeps extends HandlerDeps {
  platform: ChatPlatform;
  schedule: ReminderSchedule;
  /** Backups and personal data retention (from the configuration). */
  ops?: OpsSettings;
}

export interface OpsSettings {
  /** The database the retention job masks personal data in. */
  ds: DataSource;
  databaseUrl: string;
  backupDir: string | undefined;
  backupKeep: number;
  dataRetentionYears: number;
}

export interface JobContext {
  deps: JobDeps;
  now: Date;
  /** Today's date in SCHEDULE_TIMEZONE. */
  today: string;
  log: Logger;
  /** Has this (subject, occasion) been done (sent or skipped)? */
  done(subject: string, occasion: string): Promise<boolean>;
  /** Records an occasion as done; a second record of the same one is a no-op. */
  record(subject: string, occasion: string, outcome: 'sent' | 'skipped'): Promise<void>;
  /** Queues a message under a key derived from the occasion, so a rerun queues it once. */
  sendToChat(key: string, tenantKey: string, chatId: string, message: OutboundMessage): Promise<void>;
  sendToUser(key: string, tenantKey: string, openId: string, message: OutboundMessage): Promise<void>;
  /**
   * Feishu's urgent notice (issue 13 item 6) to `openId` on the private message this job queued
   * under `messageKey` (with sendToUser), once per `key`. False when the messenger has none.
   */
  urgent(key: string, tenantKey: string, openId: string, messageKey: string): Promise<boolean>;
  /** Counts a failure that did not stop the run (it is logged by the caller). */
  failed(): void;
  /** A line on what the run did, printed by `npm run job`. */
  note(line: string): void;
}

export type Job = (ctx: JobContext) => Promise<void>;

export interface JobRunResult {
  status: 'done' | 'failed' | 'locked';
  sent: number;
  skipped: number;
  failures: number;
  /** The outbox keys of what this run queued, to wait for their delivery. */
  keys: Array<{ tenantKey: string; key: string }>;
  /** What the job said it did (see JobContext.note). */
  notes: string[];
  error?: string;
}

/** Longer than any run; a crashed runner's lease runs out after this. */
const LEASE_MS = 15 * 60_000;

export class JobRunner {
  private readonly locks: Repository<JobLock>;
  private readonly occasions: Repository<JobOccasion>;
  private readonly runs: Repository<JobRun>;
  readonly holder = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(ds: DataSource, private readonly deps: JobDeps, private readonly logger: Logger) {
    this.locks = ds.getRepository(JobLock);
    this.occasions = ds.getRepository(JobOccasion);
    this.runs = ds.getRepository(JobRun);
  }

  async run(name: string, job: Job, asOf: Date): Promise<JobRunResult> {
    const started = Date.now();
    const result: JobRunResult = { status: 'done', sent: 0, skipped: 0, failures: 0, keys: [], notes: [] };
    const log = this.logger.child({ job: name, asOf: asOf.toISOString() });
    if (!(await this.acquire(name, started))) {
      log.info('job: another instance holds it; not run');
      await this.runs.insert({ job: name, asOf: asOf.getTime(), startedAt: started, finishedAt: Date.now(), status: 'locked', sent: 0, skipped: 0, failures: 0, error: null });
      return { ...result, status: 'locked' };
    }
    // insert, not save: save opens a transaction, which SQLite's shared connection would spread to others.
    const inserted = await this.runs.insert({ job: name, asOf: asOf.getTime(), startedAt: started, finishedAt: null, status: 'running', sent: 0, skipped: 0, failures: 0, error: null });
    const run = { id: inserted.identifiers[0].id as number };
    const messenger = this.deps.messenger;
    const ctx: JobContext = {
      deps: this.deps,
      now: asOf,
      today: localDate(asOf, this.deps.settings.timezone),
      log,
      done: async (subject, occasion) => (await this.occasions.countBy({ job: name, subject, occasion })) > 0,
      record: async (subject, occasion, outcome) => {
        try {
          await this.occasions.insert({ job: name, subject, occasion, outcome, at: asOf.getTime() });
          if (outcome === 'skipped') result.skipped += 1;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      },
      sendToChat: async (key, tenantKey, chatId, message) => {
        const full = `job:${name}:${key}`;
        await messenger.sendToChat({ tenantKey, key: full }, chatId, message);
        result.keys.push({ tenantKey, key: full });
        result.sent += 1;
      },
      sendToUser: async (key, tenantKey, openId, message) => {
        const full = `job:${name}:${key}`;
        await messenger.sendToUser({ tenantKey, key: full }, openId, message);
        result.keys.push({ tenantKey, key: full });
        result.sent += 1;
      },
      urgent: async (key, tenantKey, openId, messageKey) => {
        if (!messenger.urgentApp) return false;
        const full = `job:${name}:${key}`;
        await messenger.urgentApp({ tenantKey, key: full }, { tenantKey, key: `job:${name}:${messageKey}` }, openId);
        result.keys.push({ tenantKey, key: full });
        result.sent += 1;
        return true;
      },
      failed: () => {
        result.failures += 1;
      },
      note: (line) => {
        result.notes.push(line);
      },
    };
    try {
      await job(ctx);
    } catch (err) {
      result.status = 'failed';
      result.error = err instanceof Error ? err.message : String(err);
      log.error({ err }, 'job failed');
    } finally {
      await this.runs.update(
        { id: run.id },
        { finishedAt: Date.now(), status: result.status, sent: result.sent, skipped: result.skipped, failures: result.failures, error: result.error ?? null },
      );
      await this.release(name);
    }
    log.info({ status: result.status, sent: result.sent, skipped: result.skipped, failures: result.failures }, 'job run recorded');
    return result;
  }

  /** Takes the job's lease row: insert it, or take it over once the previous lease ran out. */
  private async acquire(name: string, now: number): Promise<boolean> {
    try {
      await this.locks.insert({ job: name, holder: this.holder, leaseUntil: now + LEASE_MS });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const res = await this.locks.update({ job: name, leaseUntil: LessThan(now) }, { holder: this.holder, leaseUntil: now + LEASE_MS });
    return res.affected === 1;
  }

  private async release(name: string): Promise<void> {
    await this.locks.update({ job: name, holder: this.holder }, { leaseUntil: 0 });
  }
}
