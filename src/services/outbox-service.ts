import { createHash } from 'node:crypto';
import { DataSource, In, LessThan, Repository } from 'typeorm';
import type { Tx } from '../db/unit-of-work';
import { claim, releaseExpired } from './leases';
import { PollingLoop } from './polling-loop';
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
  /**
   * Feishu's in-app urgent notice (issue 13 item 6) to `openId` on the private message queued
   * under `message` (to the same person): sent after that message, once per `ref`.
   */
  urgentApp?(ref: SendRef, message: SendRef, openId: string): Promise<void>;
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

/** Cards older than this are re-sent instead of updated: Feishu keeps a card updatable and clickable for 14 days. */
export const CARD_REPOST_AFTER_MS = 13 * 86_400_000;
export const CARD_REPOSTED_NOTICE = '原卡片已超过 13 天，无法再更新，已重新发送最新内容（以下方卡片为准）。';
const repostKey = (messageId: string) => `repost:${messageId}`;

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
    return this.patchOrRepost(ref, messageId, card);
  }

  urgentApp(ref: SendRef, message: SendRef, openId: string, tx?: Tx): Promise<void> {
    // The same rate key as the private message itself: one target's rows go out in order, so
    // the notice is attempted only once that message has been sent (or has failed for good).
    const payload = { type: 'urgent', openIds: [openId] } as unknown as OutboundMessage;
    return this.enqueue(ref, 'urgent_app', idempotencyKeyOf(message.tenantKey, message.key), `user:${openId}`, payload, tx);
  }

  /**
   * The one place that knows a card's age. Feishu lets a card be updated (and clicked) for 14
   * days only: a card this outbox sent more than CARD_REPOST_AFTER_MS ago is not patched but
   * sent again, to the same chat or person, under the key `repost:<old message id>`, with a line
   * saying why. Later updates of the old card follow that key to the new one (and so on, every
   * 13 days). A card not sent through the outbox (unknown age) is patched as before.
   */
  private async patchOrRepost(ref: SendRef, messageId: string, card: Record<string, unknown>, tx?: Tx): Promise<void> {
    const repo = tx ? tx.manager.getRepository(OutboxMessage) : this.repo;
    let current = messageId;
    for (let hop = 0; hop < 50; hop++) {
      const repost = await repo.findOne({ where: { idempotencyKey: idempotencyKeyOf(ref.tenantKey, repostKey(current)) } });
      if (!repost) break;
      if (repost.status === 'sent' && repost.resultId) {
        current = repost.resultId;
        continue;
      }
      // The re-post is still on its way: it goes out with the newest card.
      if (repost.status === 'pending' || repost.status === 'sending') {
        await repo.update({ id: repost.id }, { payload: JSON.stringify({ type: 'card', card }) });
        return;
      }
      break; // the re-post failed for good: patch the old card, the best there is
    }
    const original = await repo.findOne({ where: { resultId: current, status: 'sent', operation: In(['send_chat', 'send_user', 'reply']) } });
    const sentAt = original?.sentAt ?? original?.createdAt;
    if (original && sentAt !== undefined && this.now() - sentAt > CARD_REPOST_AFTER_MS) {
      const chatTarget = original.operation === 'send_chat' ? original.target : original.operation === 'reply' ? original.rateKey.replace(/^chat:/, '') : undefined;
      const operation: OutboxOperation = chatTarget ? 'send_chat' : 'send_user';
      const target = chatTarget ?? original.target;
      const rateKey = chatTarget ? `chat:${chatTarget}` : `user:${target}`;
      const on = { tenantKey: ref.tenantKey, platform: original.platform };
      await this.enqueue({ ...on, key: `${repostKey(current)}:notice` }, operation, target, rateKey, { type: 'text', text: CARD_REPOSTED_NOTICE }, tx);
      await this.enqueue({ ...on, key: repostKey(current) }, operation, target, rateKey, { type: 'card', card }, tx);
      return;
    }
    await this.enqueue(ref, 'update_card', current, `msg:${current}`, { type: 'card', card }, tx);
  }

  async sentMessageId(ref: SendRef, tx?: Tx): Promise<string | undefined> {
    const repo = tx ? tx.manager.getRepository(OutboxMessage) : this.repo;
    const row = await repo.findOne({
      select: { id: true, resultId: true },
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
      updateCard: (ref, messageId, card) => this.patchOrRepost(ref, messageId, card, tx),
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
      for (const [key, until] of this.pausedTargets) if (until <= now) this.pausedTargets.delete(key);
    }
    let wakeAt = now + this.opts.pollIntervalMs;
    // Every send slot busy: the next finished send starts the next pass; scanning now is waste.
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
      const messageId = await this.perform(row);
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
      case 'urgent_app':
        return this.performUrgent(row, platform);
    }
  }

  /** The urgent notice: on the message queued under the key in `target`, once Feishu has it. */
  private async performUrgent(row: OutboxMessage, platform: ChatPlatform): Promise<undefined> {
    const { openIds } = JSON.parse(row.payload) as { openIds: string[] };
    if (!platform.urgentApp) throw new PlatformError(`${platform.name} has no urgent notices`, { retryable: false });
    const message = await this.repo.findOne({ select: { id: true, status: true, resultId: true }, where: { idempotencyKey: row.target } });
    if (!message || message.status === 'failed') throw new PlatformError('urgent_app: the message to buzz was never sent', { retryable: false });
    if (message.status !== 'sent' || !message.resultId) throw new PlatformError('urgent_app: the message to buzz is not sent yet', { retryable: true });
    await platform.urgentApp(message.resultId, openIds);
    return undefined;
  }

  /** Removes delivered and failed messages older than `olderThanMs`. */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.repo.delete({ status: In(['sent', 'failed']), createdAt: LessThan(this.now() - olderThanMs) });
    return result.affected ?? 0;
  }
}
