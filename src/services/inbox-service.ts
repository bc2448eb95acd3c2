import { DataSource, In, LessThan, LessThanOrEqual, Repository } from 'typeorm';
import { isUniqueViolation, retryBusy } from '../db/data-source';
import { InboundEvent, InboundStatus } from '../db/entities/inbound-event.entity';
import type { Logger } from '../logger';
import type { FeishuEnvelope } from '../platform/feishu/inbound';
import { dedupKeyOf } from './dedup-key';
import { PlatformError } from '../platform/port';
import { claim } from './leases';
import { PollingLoop } from './polling-loop';
import { decideRetry, RetryPolicy } from './retry-policy';

export interface InboxOptions {
  /** A claimed event stays claimed this long; a crashed worker's claims expire after it. */
  leaseMs: number;
  pollIntervalMs: number;
  concurrency: number;
  retry: RetryPolicy;
  /**
   * An event whose claim ran out this many times (its worker died or hung each time: a poison
   * message, e.g. a file that exhausts memory) is set aside as failed instead of being retried.
   */
  maxAbandonedClaims: number;
}

/** An event set aside: told to whoever sent it, when that is possible. */
export type SetAside = (evt: ProcessableEvent, log: Logger) => Promise<void>;

export const DEFAULT_INBOX_OPTIONS: InboxOptions = {
  leaseMs: 60_000,
  pollIntervalMs: 2000,
  concurrency: 2,
  retry: { baseDelayMs: 5000, maxDelayMs: 10 * 60_000, maxAttempts: 6 },
  maxAbandonedClaims: 3,
};

export interface ProcessableEvent {
  tenantKey: string;
  eventId: string;
  eventType: string;
  dedupKey: string;
  event: Record<string, any>;
}

const RECORD_BUSY_DEADLINE_MS = 2000;

/** An event not yet done or failed; a worker records its outcome only then. */
const UNFINISHED: InboundStatus[] = ['processing', 'received'];

export type Dispatch = (evt: ProcessableEvent, log: Logger) => Promise<void>;

export { dedupKeyOf } from './dedup-key';

/**
 * The inbound log. `record` is all the webhook does before answering; processing happens
 * afterwards, here, at most `concurrency` at a time, and resumes after a restart.
 */
export class InboxService {
  private readonly repo: Repository<InboundEvent>;
  /** Ids to process, oldest first; a Set, so an id queued again keeps its place. */
  private readonly queue = new Set<number>();
  private readonly active = new Set<number>();
  private readonly loop: PollingLoop;

  constructor(
    ds: DataSource,
    private readonly dispatch: Dispatch,
    private readonly logger: Logger,
    private readonly opts: InboxOptions = DEFAULT_INBOX_OPTIONS,
    private readonly now: () => number = Date.now,
    private readonly setAside: SetAside = async () => undefined,
  ) {
    this.repo = ds.getRepository(InboundEvent);
    this.loop = new PollingLoop(() => this.poll(), { intervalMs: opts.pollIntervalMs, logger, failureMessage: 'inbox: poll failed' });
  }

  /** Stores a verified envelope. 'duplicate' when it (or the same message) was seen before. */
  async record(envelope: FeishuEnvelope, platform = 'feishu'): Promise<{ status: 'new'; id: number } | { status: 'duplicate' }> {
    const now = this.now();
    try {
      // Feishu waits 3 s for the answer: a database locked by another process is waited out
      // that long (in short, retried waits), then the webhook fails and Feishu delivers again.
      const result = await retryBusy(() => this.repo.insert({
        tenantKey: envelope.tenantKey,
        platform,
        dedupKey: dedupKeyOf(envelope),
        eventId: envelope.eventId,
        eventType: envelope.eventType,
        payload: JSON.stringify(envelope.event),
        status: 'received',
        attempts: 0,
        abandonedClaims: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        lastError: null,
        receivedAt: now,
        processedAt: null,
      }), RECORD_BUSY_DEADLINE_MS);
      return { status: 'new', id: Number(result.identifiers[0].id) };
    } catch (err) {
      if (isUniqueViolation(err)) return { status: 'duplicate' };
      throw err;
    }
  }

  /** Queues a recorded event for processing (called right after the webhook has answered). */
  schedule(id: number): void {
    if (!this.loop.running) return;
    this.queue.add(id);
    this.drain();
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.queue.clear();
    // A poll under way must finish before the database may be closed.
    await this.loop.stop();
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** Picks up what is due: left over from before a restart, waiting for a retry, or orphaned by a crash. */
  private async poll(): Promise<void> {
    const now = this.now();
    const abandoned = await this.releaseAbandoned(now);
    if (abandoned > 0) this.logger.warn({ count: abandoned }, 'inbox: took back events whose worker stopped while processing them');
    // Stryker disable next-line ObjectLiteral: with no options find() loads every row (SQLite scans them in id order): the same events are processed, since process() claims only a row that is 'received' and due; loading 48 h of history each poll is a cost, not a behaviour
    const due = await this.repo.find({
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a projection only: TypeORM selects the primary column whatever `select` says (and every column without one), and only `id` is read
      select: { id: true },
      where: { status: 'received', nextAttemptAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
      take: 200,
    });
    // An id under way is queued too: drain() skips it, and the claim takes only a row still
    // 'received' and due.
    for (const { id } of due) this.queue.add(id);
    this.drain();
  }

  private drain(): void {
    for (const id of this.queue) {
      if (!this.loop.running || this.active.size >= this.opts.concurrency) return;
      this.queue.delete(id);
      if (this.active.has(id)) continue;
      this.active.add(id);
      void this.process(id)
        .catch((err) => this.logger.error({ err, inboundId: id }, 'inbox: processing crashed'))
        .finally(() => {
          this.active.delete(id);
          this.drain();
        });
    }
  }

  private async process(id: number): Promise<void> {
    const now = this.now();
    if (!(await claim(this.repo, id, { from: 'received', to: 'processing' }, now + this.opts.leaseMs, now))) return;
    const row = await this.repo.findOneByOrFail({ id });
    // Stryker disable next-line ObjectLiteral: the log lines' fields only
    const log = this.logger.child({ eventId: row.eventId, eventType: row.eventType, attempt: row.attempts });
    const evt: ProcessableEvent = { tenantKey: row.tenantKey, eventId: row.eventId, eventType: row.eventType, dedupKey: row.dedupKey, event: JSON.parse(row.payload) };
    if (row.abandonedClaims >= this.opts.maxAbandonedClaims) {
      await this.setAsidePoison(row, evt, log);
      return;
    }
    try {
      await this.dispatch(evt, log);
      // Not once set aside: a worker that finishes after that changes nothing. (A worker slower
      // than its lease finds its event given back, 'received': its outcome still counts.)
      await this.repo.update({ id, status: In(UNFINISHED) }, { status: 'done', processedAt: this.now(), leaseUntil: null, lastError: null });
    } catch (err) {
      const error = err instanceof PlatformError ? err : new PlatformError(err instanceof Error ? err.message : String(err), { retryable: true });
      const decision = decideRetry(error, row.attempts, this.opts.retry);
      if (decision.retry) {
        await this.repo.update(
          { id, status: In(UNFINISHED) },
          { status: 'received', leaseUntil: null, nextAttemptAt: this.now() + decision.delayMs, lastError: error.message },
        );
        log.warn({ error: error.message, retryInMs: decision.delayMs }, 'inbox: handler failed, will retry');
      } else {
        await this.repo.update({ id, status: In(UNFINISHED) }, { status: 'failed', leaseUntil: null, lastError: error.message });
        log.error({ error: error.message, reason: decision.reason }, 'inbox: handler failed for good');
      }
    }
  }

  /**
   * Gives events whose claim ran out (their worker died or hung) back to the queue, counting it
   * on the event: `process` sets aside one that has been abandoned too often.
   */
  private async releaseAbandoned(now: number): Promise<number> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ status: 'received', leaseUntil: null, abandonedClaims: () => 'abandoned_claims + 1' } as any)
      .where('status = :processing AND lease_until < :now', { processing: 'processing', now })
      .execute();
    return result.affected ?? 0;
  }

  /** A poison message: marked failed with the reason, logged, and its sender told (if possible). */
  private async setAsidePoison(row: InboundEvent, evt: ProcessableEvent, log: Logger): Promise<void> {
    const reason = `set aside: processing stopped without finishing ${row.abandonedClaims} times (the worker died or hung each time)`;
    await this.repo.update({ id: row.id, status: 'processing' }, { status: 'failed', leaseUntil: null, lastError: reason });
    log.error({ abandonedClaims: row.abandonedClaims, dedupKey: row.dedupKey }, 'inbox: poison event set aside, not retried');
    try {
      await this.setAside(evt, log);
    } catch (err) {
      log.error({ err }, 'inbox: could not tell the sender that their event was set aside');
    }
  }

  /** Forgets finished events older than `olderThanMs` (kept long enough to outlast Feishu's retries). */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.repo.delete({ status: In(['done', 'failed']), receivedAt: LessThan(this.now() - olderThanMs) });
    return result.affected ?? 0;
  }
}
