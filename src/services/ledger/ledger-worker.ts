import { createHash } from 'node:crypto';
import { DataSource, In, LessThanOrEqual, Repository } from 'typeorm';
import { LedgerEntry, type LedgerEntity } from '../../db/entities/ledger-entry.entity';
import type { Logger } from '../../logger';
import { BitableClient, CODE_FIELD_NAME_NOT_FOUND, CODE_RECORD_NOT_FOUND, CODE_TABLE_NOT_FOUND, type FieldValue } from '../../platform/feishu/bitable-client';
import { PlatformError } from '../../platform/port';
import { claim, releaseExpired } from '../leases';
import { PollingLoop } from '../polling-loop';
import { RateLimiter } from '../rate-limiter';
import { decideRetry, type RetryPolicy } from '../retry-policy';
import { prepareBase, type ReadyTable } from './ledger-base';
import { countLedgerQueue, markAllForLedger } from './ledger-marks';

/**
 * Writes the 台账 (issue 13 item 1): takes due rows of `ledger_queue` one at a time, reads the
 * record's current state from the database and creates or updates it in the Base. Like the
 * outbox: a row is claimed with a lease (a crashed writer's rows come back), retried with
 * exponential backoff (a Bitable outage pauses the whole queue for the backoff, and nothing is
 * lost: the rows stay pending), rate-limited, one write at a time (Bitable reports concurrent
 * writes to one table as failures). A record is created with a `client_token` derived from the
 * Base, table and entity, so a create whose answer was lost returns the same record when tried
 * again instead of making a second one.
 *
 * On start it finds (or creates) its three tables and their fields in the configured Base
 * (ledger-base.ts); what it cannot find or make is listed in `problems()` (logged, and shown by
 * `台账`), and fields of the wrong type are left out of the writes. A table or field deleted by
 * hand later is noticed by the write that fails on it: the Base is looked at again before the
 * row is retried.
 */

export interface LedgerOptions {
  pollIntervalMs: number;
  leaseMs: number;
  /** Bitable calls per second, at most. */
  perSecond: number;
  /** How often tables and fields are checked again while something is missing. */
  recheckMs: number;
  retry: RetryPolicy;
  /** Rows taken per pass. */
  batch: number;
}

export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = {
  pollIntervalMs: 5000,
  leaseMs: 60_000,
  perSecond: 5,
  recheckMs: 5 * 60_000,
  retry: { baseDelayMs: 2000, maxDelayMs: 10 * 60_000, maxAttempts: 30 },
  batch: 50,
};

/** Answers saying a table or field the worker knew was deleted or renamed by hand in the Base. */
const STRUCTURE_GONE = new Set([CODE_TABLE_NOT_FOUND, CODE_FIELD_NAME_NOT_FOUND]);

export interface LedgerState {
  pending: number;
  failed: number;
  synced: number;
  problems: string[];
}

/** The client_token of a record's create: a UUIDv4-shaped digest, the same on every retry. */
export function clientTokenOf(appToken: string, tableId: string, entity: LedgerEntity, entityId: number, salt = ''): string {
  const h = createHash('sha256').update(`${appToken}/${tableId}/${entity}:${entityId}${salt}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class LedgerWorker {
  private readonly repo: Repository<LedgerEntry>;
  private readonly limiter: RateLimiter;
  private tables: Map<LedgerEntity, ReadyTable> | undefined;
  private problemList: string[] = [];
  /** When the Base was last looked at (-Infinity: never, so the first pass looks). */
  private checkedAt = -Infinity;
  private pausedUntil = 0;
  private readonly loop: PollingLoop;
  /** `drain` runs passes without the loop: they must not stop early. */
  private draining = false;

  constructor(
    private readonly ds: DataSource,
    private readonly client: BitableClient,
    readonly appToken: string,
    private readonly timezone: string,
    private readonly logger: Logger,
    private readonly opts: LedgerOptions = DEFAULT_LEDGER_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = ds.getRepository(LedgerEntry);
    this.limiter = new RateLimiter(opts.perSecond, opts.perSecond);
    this.loop = new PollingLoop(async () => void (await this.pass()), {
      intervalMs: opts.pollIntervalMs,
      logger,
      // Stryker disable next-line StringLiteral: the log line's text, nothing else reads it
      failureMessage: 'ledger: pass failed',
      // Stryker disable next-line ObjectLiteral: the log line's fields, nothing else reads them
      errorFields: (err) => ({ err: err instanceof Error ? err.message : String(err) }),
    });
  }

  /** What is missing in the Base (in Chinese: `台账` shows it), empty when all is well. */
  problems(): string[] {
    return [...this.problemList];
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Finds the three tables (creating what is missing) and their fields (adding what is
   * missing). True when at least one table can be written.
   */
  async ensureTables(): Promise<boolean> {
    const { tables, problems } = await prepareBase(this.client, this.appToken, () => this.slot(), this.logger);
    this.tables = tables;
    this.problemList = problems;
    this.checkedAt = this.now();
    return (tables?.size ?? 0) > 0;
  }

  /**
   * One pass over the due rows: returns how many records were written. Stops early while
   * Bitable is failing (the queue pauses for the backoff).
   */
  async pass(): Promise<number> {
    const now = this.now();
    if (now < this.pausedUntil) return 0;
    // Checked again while something is missing: every recheckMs, or every 30 s at most while
    // the Base cannot be read at all (a wrong token, no permission yet, a network failure).
    const since = now - this.checkedAt;
    const stale = this.tables
      ? this.problemList.length > 0 && since >= this.opts.recheckMs
      : since >= Math.min(this.opts.recheckMs, 30_000);
    if (stale && !(await this.ensureTables())) return 0;
    if (!this.tables?.size) return 0;
    await releaseExpired(this.repo, { from: 'syncing', to: 'pending' }, now);
    const due = await this.repo.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now), entity: In([...this.tables.keys()]) },
      // Stryker disable next-line ObjectLiteral: SQLite's (status, next_attempt_at) index yields this order unasked; PostgreSQL promises none, so it is kept
      order: { nextAttemptAt: 'ASC', id: 'ASC' },
      take: this.opts.batch,
    });
    let written = 0;
    for (const row of due) {
      if (!this.loop.running && !this.draining) break;
      const result = await this.syncOne(row.id);
      if (result === 'written') written += 1;
      if (result === 'paused') break;
    }
    return written;
  }

  private async syncOne(id: number): Promise<'written' | 'skipped' | 'retry' | 'paused' | 'failed'> {
    const queued = await this.repo.findOneBy({ id });
    if (!queued) return 'skipped';
    const table = this.tables?.get(queued.entity);
    if (!table) return 'skipped';
    await this.slot();
    const now = this.now();
    if (!(await claim(this.repo, id, { from: 'pending', to: 'syncing' }, now + this.opts.leaseMs, now))) return 'skipped';
    const row = await this.repo.findOneByOrFail({ id });
    const generation = row.generation;
    try {
      const all = await table.spec.read(this.ds.manager, row.entityId, { timezone: this.timezone, changedAt: row.changedAt });
      let recordId = row.appToken === this.appToken && row.tableId === table.tableId ? row.recordId : null;
      if (all) {
        const fields = Object.fromEntries(Object.entries(all).filter(([k]) => table.writable.has(k))) as Record<string, FieldValue>;
        recordId = await this.write(table, row, recordId, fields);
      }
      await this.repo
        .createQueryBuilder()
        .update()
        .set({
          status: () => `CASE WHEN generation = ${Number(generation)} THEN 'synced' ELSE 'pending' END`,
          syncedGeneration: generation,
          appToken: all ? this.appToken : row.appToken,
          tableId: all ? table.tableId : row.tableId,
          recordId: all ? recordId : row.recordId,
          attempts: 0,
          lastError: null,
          leaseUntil: null,
          syncedAt: this.now(),
          nextAttemptAt: this.now(),
        } as any)
        .where('id = :id AND status = :syncing', { id, syncing: 'syncing' })
        .execute();
      return all ? 'written' : 'skipped';
    } catch (err) {
      let error = err instanceof PlatformError ? err : new PlatformError(err instanceof Error ? err.message : String(err), { retryable: true });
      if (error.info.code !== undefined && STRUCTURE_GONE.has(error.info.code)) {
        // A table or field deleted by hand in the Base: the next pass after the backoff looks at
        // the Base again (making what is missing, or leaving out what it cannot make) and then
        // tries the row again, instead of failing it and every row after it for good.
        this.tables = undefined;
        this.checkedAt = -Infinity;
        error = new PlatformError(error.message, { ...error.info, retryable: true });
      }
      const decision = decideRetry(error, row.attempts, this.opts.retry);
      const lastError = error.message.slice(0, 1000);
      if (decision.retry) {
        await this.repo.update({ id, status: 'syncing' }, { status: 'pending', nextAttemptAt: this.now() + decision.delayMs, leaseUntil: null, lastError });
        this.logger.warn({ entity: row.entity, entityId: row.entityId, attempts: row.attempts, retryInMs: decision.delayMs, err: lastError }, 'ledger: write failed, will retry');
        // Bitable is down or throttling: the whole queue waits, not just this row.
        this.pausedUntil = this.now() + decision.delayMs;
        return 'paused';
      }
      await this.repo.update({ id, status: 'syncing' }, { status: 'failed', leaseUntil: null, lastError });
      this.logger.error({ entity: row.entity, entityId: row.entityId, err: lastError, reason: decision.reason }, 'ledger: write failed for good');
      return 'failed';
    }
  }

  private async write(table: ReadyTable, row: LedgerEntry, recordId: string | null, fields: Record<string, FieldValue>): Promise<string> {
    if (recordId) {
      try {
        await this.client.updateRecord(this.appToken, table.tableId, recordId, fields);
        return recordId;
      } catch (err) {
        if (!(err instanceof PlatformError) || err.info.code !== CODE_RECORD_NOT_FOUND) throw err;
        // Deleted by hand in the Base: written anew, under a token of its own.
        this.logger.warn({ entity: row.entity, entityId: row.entityId, recordId }, 'ledger: record gone from the Base, writing it again');
        await this.slot();
        return this.client.createRecord(this.appToken, table.tableId, fields, clientTokenOf(this.appToken, table.tableId, row.entity, row.entityId, `:${recordId}`));
      }
    }
    return this.client.createRecord(this.appToken, table.tableId, fields, clientTokenOf(this.appToken, table.tableId, row.entity, row.entityId));
  }

  /** Waits for a slot of the rate limit. */
  private async slot(): Promise<void> {
    for (;;) {
      // Stryker disable next-line StringLiteral: the limiter is this worker's alone, one key under it, so the key's name is not seen
      const wait = this.limiter.tryAcquire('bitable', Date.now());
      if (wait === 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * Marks every submitted application, every need and every report submission due (the full
   * rebuild of `npm run job -- ledger-sync --full`); records already written are updated, the
   * others created. Returns how many were marked.
   */
  async markAll(): Promise<number> {
    return markAllForLedger(this.ds.manager, this.now());
  }

  /**
   * Runs passes until nothing due is left or `deadline` (ms, real clock) has passed, waiting
   * out backoffs in between (`npm run job -- ledger-sync`).
   */
  async drain(deadline: number): Promise<void> {
    this.draining = true;
    try {
      while (Date.now() < deadline) {
        await this.loop.runPass();
        const state = await this.state();
        if (state.pending === 0) return;
        await new Promise((r) => setTimeout(r, Math.min(this.opts.pollIntervalMs, Math.max(50, deadline - Date.now()))));
      }
    } finally {
      this.draining = false;
    }
  }

  /** The queue's counts and what is missing in the Base. */
  async state(): Promise<LedgerState> {
    return { ...(await countLedgerQueue(this.ds.manager)), problems: this.problems() };
  }
}
