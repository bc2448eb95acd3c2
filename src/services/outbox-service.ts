import { DataSource, In, LessThan, Repository } from 'typeorm';
import { OutboxMessage, OutboxOperation } from '../db/entities/outbox-message.entity';
import type { Tx } from '../db/unit-of-work';
import type { Logger } from '../logger';
import { ChatPlatform, OutboundMessage, PlatformError } from '../platform/port';
import { claim, releaseExpired } from './leases';
import { patchOrRepost } from './outbox/card-repost';
import { idempotencyKeyOf, type Messenger, type SendRef } from './outbox/messenger';
import { performRow } from './outbox/perform';
import { PollingLoop } from './polling-loop';
import { RateLimiter } from './rate-limiter';
import { decideRetry, DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

/**
 * The outbox: every outbound message is a row, written (inside the caller's transaction when
 * there is one) before it is sent, then delivered here with claims, retries and rate limits.
 * In src/services/outbox/: the Messenger interface and the idempotency key (messenger.ts), card
 * updates and re-posts of cards too old to update (card-repost.ts), one row's API call (perform.ts).
 */

// Their home was this file: imports from here keep working.
export { idempotencyKeyOf, type Messenger, type SendRef } from './outbox/messenger';
export { CARD_REPOST_AFTER_MS, CARD_REPOSTED_NOTICE } from './outbox/card-repost';

export interface OutboxOptions {
  /** How long a claimed message stays claimed; a crashed sender's claims expire after this. */
  leaseMs: number;
  pollIntervalMs: number;
  maxInFlight: number;
  perTargetPerSecond: number;
  perAppPerSecond: number;
  retry: RetryPolicy;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  leaseMs: 30_000,
  pollIntervalMs: 1000,
  maxInFlight: 32,
  perTargetPerSecond: 5,
  perAppPerSecond: 50,
  retry: DEFAULT_RETRY_POLICY,
};

export class OutboxService implements Messenger {
  private readonly repo: Repository<OutboxMessage>;
  private readonly limiter: RateLimiter;
  private readonly inFlight = new Set<number>();
  private readonly busyTargets = new Set<string>();
  private readonly pausedTargets = new Map<string, number>();
  private appPausedUntil = 0;
  private readonly loop: PollingLoop;
  private lastRecovery = 0;

  constructor(
    ds: DataSource,
    private readonly platform: ChatPlatform,
    private readonly logger: Logger,
    private readonly opts: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
    private readonly now: () => number = Date.now,
    /** Told the result of every send attempt (the /metrics counter). */
    private readonly onAttempt: (result: 'sent' | 'retry' | 'failed') => void = () => undefined,
  ) {
    this.repo = ds.getRepository(OutboxMessage);
    this.limiter = new RateLimiter(opts.perTargetPerSecond, opts.perAppPerSecond);
    // The database is busy or gone for a moment: log, and try again after the poll interval.
    this.loop = new PollingLoop(() => this.pump(), { intervalMs: opts.pollIntervalMs, logger, failureMessage: 'outbox: delivery pass failed; trying again shortly' });
  }

  sendToChat(ref: SendRef, chatId: string, message: OutboundMessage): Promise<void> {
    return this.enqueue(ref, 'send_chat', chatId, `chat:${chatId}`, message);
  }

  sendToUser(ref: SendRef, openId: string, message: OutboundMessage): Promise<void> {
    return this.enqueue(ref, 'send_user', openId, `user:${openId}`, message);
  }

  reply(ref: SendRef, messageId: string, chatId: string, message: OutboundMessage): Promise<void> {
    return this.enqueue(ref, 'reply', messageId, `chat:${chatId}`, message);
  }

  updateCard(ref: SendRef, messageId: string, card: Record<string, unknown>): Promise<void> {
    return this.updateCardOf(ref, messageId, card);
  }

  urgentApp(ref: SendRef, message: SendRef, openId: string, tx?: Tx): Promise<void> {
    // The same rate key as the private message itself: one target's rows go out in order, so
    // the notice is attempted only once that message has been sent (or has failed for good).
    const payload = { type: 'urgent', openIds: [openId] } as unknown as OutboundMessage;
    return this.enqueue(ref, 'urgent_app', idempotencyKeyOf(message.tenantKey, message.key), `user:${openId}`, payload, tx);
  }

  /** Patches the card, or re-sends it when it is too old to patch (see patchOrRepost). */
  private updateCardOf(ref: SendRef, messageId: string, card: Record<string, unknown>, tx?: Tx): Promise<void> {
    const repo = tx ? tx.manager.getRepository(OutboxMessage) : this.repo;
    return patchOrRepost(repo, () => this.now(), (r, operation, target, rateKey, message) => this.enqueue(r, operation, target, rateKey, message, tx), ref, messageId, card);
  }

  async sentMessageId(ref: SendRef, tx?: Tx): Promise<string | undefined> {
    const repo = tx ? tx.manager.getRepository(OutboxMessage) : this.repo;
    const row = await repo.findOne({
      // Stryker disable next-line ObjectLiteral: a projection only (no selection reads every column); resultId is read either way
      select: { resultId: true },
      where: { idempotencyKey: idempotencyKeyOf(ref.tenantKey, ref.key), status: 'sent' },
    });
    return row?.resultId ?? undefined;
  }

  /**
   * A messenger whose messages are queued inside a transaction: they exist exactly when the
   * change they announce is committed (see UnitOfWork), and delivery starts after the commit.
   */
  within(tx: Tx): Messenger {
    return {
      sendToChat: (ref, chatId, message) => this.enqueue(ref, 'send_chat', chatId, `chat:${chatId}`, message, tx),
      sendToUser: (ref, openId, message) => this.enqueue(ref, 'send_user', openId, `user:${openId}`, message, tx),
      reply: (ref, messageId, chatId, message) => this.enqueue(ref, 'reply', messageId, `chat:${chatId}`, message, tx),
      updateCard: (ref, messageId, card) => this.updateCardOf(ref, messageId, card, tx),
      sentMessageId: (ref) => this.sentMessageId(ref, tx),
      urgentApp: (ref, message, openId) => this.urgentApp(ref, message, openId, tx),
    };
  }

  /** Starts delivering, including whatever an earlier process left pending. */
  start(): void {
    this.loop.start();
  }

  /** Stops taking new work and waits for sends already under way. */
  async stop(): Promise<void> {
    await this.loop.stop();
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Queues a message once per key: the same key again is ignored (ON CONFLICT DO NOTHING, which
   * unlike a caught unique violation does not abort a PostgreSQL transaction). With `tx` the row
   * is written by the transaction and delivery is woken after it commits.
   */
  private async enqueue(
    ref: SendRef,
    operation: OutboxOperation,
    target: string,
    rateKey: string,
    message: OutboundMessage,
    tx?: Tx,
  ): Promise<void> {
    const now = this.now();
    const repo = tx ? tx.manager.getRepository(OutboxMessage) : this.repo;
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        tenantKey: ref.tenantKey,
        platform: ref.platform ?? 'feishu',
        idempotencyKey: idempotencyKeyOf(ref.tenantKey, ref.key),
        operation,
        target,
        rateKey,
        payload: JSON.stringify(message),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
        resultId: null,
      })
      .orIgnore()
      .execute();
    if (tx) tx.afterCommit(() => this.kick());
    else this.kick();
  }

  /** Runs a delivery pass soon; passes never overlap. */
  private kick(): void {
    this.loop.wake();
  }

  /** One delivery pass: starts what may go out now; returns when the next pass is due (ms). */
  private async pump(): Promise<number | void> {
    const now = this.now();
    if (now - this.lastRecovery >= this.opts.pollIntervalMs) {
      this.lastRecovery = now;
      await this.recoverExpiredClaims(now);
      this.limiter.sweep(now);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an ended pause blocks nothing (notBefore = until <= now); dropping it only frees memory
      for (const [key, until] of this.pausedTargets) if (until <= now) this.pausedTargets.delete(key);
    }
    let wakeAt = now + this.opts.pollIntervalMs;
    // Every send slot busy: the next finished send starts the next pass; scanning now is waste.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut only; without it the loop below stops at its first row for the same reason and the pass asks for the same delay
    if (this.inFlight.size >= this.opts.maxInFlight) return;
    const rows = await this.pendingHeads();
    // One chat's messages go out one at a time and in order; a held-back message holds back its successors.
    const blocked = new Set<string>(this.busyTargets);
    for (const row of rows) {
      if (!this.loop.running || this.inFlight.size >= this.opts.maxInFlight) break;
      if (this.inFlight.has(row.id) || blocked.has(row.rateKey)) continue;
      const notBefore = Math.max(row.nextAttemptAt, this.appPausedUntil, this.pausedTargets.get(row.rateKey) ?? 0);
      if (notBefore > now) {
        blocked.add(row.rateKey);
        wakeAt = Math.min(wakeAt, notBefore);
        continue;
      }
      const wait = this.limiter.wouldWait(row.rateKey, now);
      if (wait > 0) {
        blocked.add(row.rateKey);
        wakeAt = Math.min(wakeAt, now + wait);
        continue;
      }
      if (!(await claim(this.repo, row.id, { from: 'pending', to: 'sending' }, now + this.opts.leaseMs))) continue;
      this.limiter.record(row.rateKey, this.now());
      blocked.add(row.rateKey);
      this.inFlight.add(row.id);
      this.busyTargets.add(row.rateKey);
      void this.deliver(row.id)
        // A database error while recording the outcome: the claim expires and the message is retried.
        .catch((err) => this.logger.error({ err, outboxId: row.id }, 'outbox: recording a delivery failed; the message will be retried'))
        .finally(() => {
          this.inFlight.delete(row.id);
          this.busyTargets.delete(row.rateKey);
          this.kick();
        });
    }
    return wakeAt - this.now();
  }

  /**
   * The head of every target's queue: the oldest pending message of each chat, user or card,
   * oldest first. Only heads can go out (one target's messages are sent in order), so one
   * target's backlog of hundreds never hides another target's single message from the scan.
   * Only what the scan decides on: payloads (cards of several KB) are read for the rows sent.
   */
  private pendingHeads(): Promise<Array<Pick<OutboxMessage, 'id' | 'rateKey' | 'nextAttemptAt'>>> {
    const heads = this.repo
      .createQueryBuilder('h')
      .select('MIN(h.id)')
      .where('h.status = :pending')
      .groupBy('h.rate_key');
    return this.repo
      .createQueryBuilder('o')
      .select(['o.id', 'o.rateKey', 'o.nextAttemptAt'])
      .where(`o.id IN (${heads.getQuery()})`)
      .setParameter('pending', 'pending')
      .orderBy('o.id', 'ASC')
      .limit(500)
      .getMany();
  }

  private async recoverExpiredClaims(now: number): Promise<void> {
    const count = await releaseExpired(this.repo, { from: 'sending', to: 'pending' }, now);
    if (count) this.logger.warn({ count }, 'outbox: took back expired claims');
  }

  /** Sends a message this worker has claimed (its attempt already counted by the claim). */
  private async deliver(id: number): Promise<void> {
    let row: OutboxMessage;
    try {
      row = await this.repo.findOneByOrFail({ id });
    } catch (err) {
      this.logger.error({ err, outboxId: id }, 'outbox: a claimed message could not be read; its claim will expire and it is retried');
      return;
    }
    const log = this.logger.child({ outboxId: row.id, operation: row.operation, attempt: row.attempts });
    try {
      const messageId = await performRow(row, this.platform, this.repo);
      await this.repo.update({ id: row.id }, { status: 'sent', sentAt: this.now(), leaseUntil: null, resultId: messageId ?? null });
      this.onAttempt('sent');
      log.debug('outbox: delivered');
    } catch (err) {
      const error = err instanceof PlatformError ? err : new PlatformError(String(err), { retryable: true });
      const now = this.now();
      if (error.info.throttled === 'app') this.appPausedUntil = Math.max(this.appPausedUntil, now + (error.info.retryAfterMs ?? 1000));
      if (error.info.throttled === 'target') {
        this.pausedTargets.set(row.rateKey, now + (error.info.retryAfterMs ?? 1000));
      }
      const decision = decideRetry(error, row.attempts, this.opts.retry);
      this.onAttempt(decision.retry ? 'retry' : 'failed');
      if (decision.retry) {
        await this.repo.update(
          { id: row.id, status: 'sending' },
          { status: 'pending', leaseUntil: null, nextAttemptAt: now + decision.delayMs, lastError: error.message },
        );
        log.warn({ error: error.message, retryInMs: decision.delayMs }, 'outbox: send failed, will retry');
      } else {
        await this.repo.update({ id: row.id }, { status: 'failed', leaseUntil: null, lastError: error.message });
        log.error({ error: error.message, reason: decision.reason }, 'outbox: send failed for good');
      }
    }
  }

  /** Removes delivered and failed messages older than `olderThanMs`. */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.repo.delete({ status: In(['sent', 'failed']), createdAt: LessThan(this.now() - olderThanMs) });
    return result.affected ?? 0;
  }
}
