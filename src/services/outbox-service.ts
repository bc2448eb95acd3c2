import { createHash } from 'node:crypto';
import { DataSource, In, LessThan, Repository } from 'typeorm';
import { claim, releaseExpired } from './leases';
import { isUniqueViolation } from '../db/data-source';
import { OutboxMessage, OutboxOperation } from '../db/entities/outbox-message.entity';
import type { Logger } from '../logger';
import { ChatPlatform, OutboundMessage, PlatformError } from '../platform/port';
import { platformFor } from '../platform/router';
import { RateLimiter } from './rate-limiter';
import { decideRetry, DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

/**
 * What services and handlers use to say something. Each call names a caller-chosen key that
 * is stable across retries of the same work (e.g. derived from the event being handled), so
 * doing the work twice enqueues the message once.
 */
export interface Messenger {
  sendToChat(ref: SendRef, chatId: string, message: OutboundMessage): Promise<void>;
  sendToUser(ref: SendRef, openId: string, message: OutboundMessage): Promise<void>;
  /** `chatId` is the chat the replied-to message is in (Feishu rate-limits per chat). */
  reply(ref: SendRef, messageId: string, chatId: string, message: OutboundMessage): Promise<void>;
  updateCard(ref: SendRef, messageId: string, card: Record<string, unknown>): Promise<void>;
  /** The id Feishu gave the message queued under `ref`, once it has been sent. */
  sentMessageId(ref: SendRef): Promise<string | undefined>;
}

export interface SendRef {
  tenantKey: string;
  key: string;
  /** The platform that delivers it (issue 12); Feishu when not given. */
  platform?: string;
}

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

/** Feishu's `uuid` is at most 50 characters: a digest of the key fits and stays deterministic. */
export function idempotencyKeyOf(tenantKey: string, key: string): string {
  return createHash('sha256').update(`${tenantKey}\n${key}`).digest('base64url').slice(0, 40);
}

export class OutboxService implements Messenger {
  private readonly repo: Repository<OutboxMessage>;
  private readonly limiter: RateLimiter;
  private readonly inFlight = new Set<number>();
  private readonly busyTargets = new Set<string>();
  private readonly pausedTargets = new Map<string, number>();
  private appPausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private pumpAgain = false;
  private running = false;
  private lastRecovery = 0;

  constructor(
    ds: DataSource,
    private readonly platform: ChatPlatform,
    private readonly logger: Logger,
    private readonly opts: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = ds.getRepository(OutboxMessage);
    this.limiter = new RateLimiter(opts.perTargetPerSecond, opts.perAppPerSecond);
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
    return this.enqueue(ref, 'update_card', messageId, `msg:${messageId}`, { type: 'card', card });
  }

  async sentMessageId(ref: SendRef): Promise<string | undefined> {
    const row = await this.repo.findOne({
      select: { id: true, resultId: true },
      where: { idempotencyKey: idempotencyKeyOf(ref.tenantKey, ref.key), status: 'sent' },
    });
    return row?.resultId ?? undefined;
  }

  /** Starts delivering, including whatever an earlier process left pending. */
  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops taking new work and waits for sends already under way. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0 || this.pumping) await new Promise((r) => setTimeout(r, 10));
  }

  private async enqueue(
    ref: SendRef,
    operation: OutboxOperation,
    target: string,
    rateKey: string,
    message: OutboundMessage,
  ): Promise<void> {
    const now = this.now();
    try {
      await this.repo.insert({
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
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      this.logger.debug({ key: ref.key }, 'outbox: already queued');
      return;
    }
    this.kick();
  }

  /** Runs a delivery pass soon; passes never overlap. */
  private kick(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    setImmediate(() => {
      this.pump()
        .catch((err) => this.logger.error({ err }, 'outbox: delivery pass failed'))
        .finally(() => {
          this.pumping = false;
          if (this.pumpAgain) {
            this.pumpAgain = false;
            this.kick();
          }
        });
    });
  }

  private schedule(at: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, at - this.now()));
  }

  private async pump(): Promise<void> {
    const now = this.now();
    if (now - this.lastRecovery >= this.opts.pollIntervalMs) {
      this.lastRecovery = now;
      await this.recoverExpiredClaims(now);
      this.limiter.sweep(now);
      for (const [key, until] of this.pausedTargets) if (until <= now) this.pausedTargets.delete(key);
    }
    let wakeAt = now + this.opts.pollIntervalMs;
    // Every send slot busy: the next finished send starts the next pass; scanning now is waste.
    if (this.inFlight.size >= this.opts.maxInFlight) return;
    // Only what the scan decides on: payloads (cards of several KB) are read for the rows sent.
    const rows = await this.repo.find({
      select: { id: true, rateKey: true, nextAttemptAt: true },
      where: { status: 'pending' },
      order: { id: 'ASC' },
      take: 500,
    });
    // One chat's messages go out one at a time and in order; a held-back message holds back its successors.
    const blocked = new Set<string>(this.busyTargets);
    for (const row of rows) {
      if (!this.running || this.inFlight.size >= this.opts.maxInFlight) break;
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
      void this.deliver(row.id).finally(() => {
        this.inFlight.delete(row.id);
        this.busyTargets.delete(row.rateKey);
        this.kick();
      });
    }
    this.schedule(wakeAt);
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
      const messageId = await this.perform(row);
      await this.repo.update({ id: row.id }, { status: 'sent', sentAt: this.now(), leaseUntil: null, resultId: messageId ?? null });
      log.debug('outbox: delivered');
    } catch (err) {
      const error = err instanceof PlatformError ? err : new PlatformError(String(err), { retryable: true });
      const now = this.now();
      if (error.info.throttled === 'app') this.appPausedUntil = Math.max(this.appPausedUntil, now + (error.info.retryAfterMs ?? 1000));
      if (error.info.throttled === 'target') {
        this.pausedTargets.set(row.rateKey, now + (error.info.retryAfterMs ?? 1000));
      }
      const decision = decideRetry(error, row.attempts, this.opts.retry);
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

  private async perform(row: OutboxMessage): Promise<string | undefined> {
    const message = JSON.parse(row.payload) as OutboundMessage;
    const platform = platformFor(this.platform, row.platform);
    switch (row.operation) {
      case 'send_chat':
        return (await platform.sendToChat(row.target, message, row.idempotencyKey)).messageId;
      case 'send_user':
        return (await platform.sendToUser(row.target, message, row.idempotencyKey)).messageId;
      case 'reply':
        return (await platform.reply(row.target, message, row.idempotencyKey)).messageId;
      case 'update_card':
        if (message.type !== 'card') throw new PlatformError('update_card needs a card', { retryable: false });
        await platform.updateCard(row.target, message.card);
        return undefined;
    }
  }

  /** Removes delivered and failed messages older than `olderThanMs`. */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.repo.delete({ status: In(['sent', 'failed']), createdAt: LessThan(this.now() - olderThanMs) });
    return result.affected ?? 0;
  }
}
