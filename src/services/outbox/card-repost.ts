import { In, type Repository } from 'typeorm';
import type { OutboxMessage, OutboxOperation } from '../../db/entities/outbox-message.entity';
import type { OutboundMessage } from '../../platform/port';
import { idempotencyKeyOf, type SendRef } from './messenger';

/** Cards older than this are re-sent instead of updated: Feishu keeps a card updatable and clickable for 14 days. */
export const CARD_REPOST_AFTER_MS = 13 * 86_400_000;
export const CARD_REPOSTED_NOTICE = '原卡片已超过 13 天，无法再更新，已重新发送最新内容（以下方卡片为准）。';
const repostKey = (messageId: string) => `repost:${messageId}`;

/** Queues one outbound row (the outbox's enqueue, inside the caller's transaction if any). */
export type Enqueue = (ref: SendRef, operation: OutboxOperation, target: string, rateKey: string, message: OutboundMessage) => Promise<void>;

/**
 * The one place that knows a card's age. Feishu lets a card be updated (and clicked) for 14
 * days only: a card this outbox sent more than CARD_REPOST_AFTER_MS ago is not patched but
 * sent again, to the same chat or person, under the key `repost:<old message id>`, with a line
 * saying why. Later updates of the old card follow that key to the new one (and so on, every
 * 13 days). A card not sent through the outbox (unknown age) is patched as before.
 */
export async function patchOrRepost(
  repo: Repository<OutboxMessage>,
  now: () => number,
  enqueue: Enqueue,
  ref: SendRef,
  messageId: string,
  card: Record<string, unknown>,
): Promise<void> {
  let current = messageId;
  for (let hop = 0; hop < 50; hop++) {
    const repost = await repo.findOne({ where: { idempotencyKey: idempotencyKeyOf(ref.tenantKey, repostKey(current)) } });
    if (!repost) break;
    if (repost.status === 'sent' && repost.resultId) {
      current = repost.resultId;
      continue;
    }
    if (repost.status === 'pending' || repost.status === 'sending') {
      const payload = JSON.stringify({ type: 'card', card });
      // The re-post is still waiting: it goes out with the newest card.
      if ((await repo.update({ id: repost.id, status: 'pending' }, { payload })).affected) return;
      // It is being sent, and its sender may have read the older card: a retry sends the newest,
      // and a patch queued behind it (the same rate key, so not before it is sent) brings the
      // card it got up to date.
      await repo.update({ id: repost.id }, { payload });
      await enqueue(ref, 'update_sent', repost.idempotencyKey, repost.rateKey, { type: 'card', card });
      return;
    }
    // The re-post failed for good: patch the old card, the best there is (re-posting it again
    // is no option: the re-post's and its notice's keys are taken, so both would be ignored).
    await enqueue(ref, 'update_card', current, `msg:${current}`, { type: 'card', card });
    return;
  }
  const original = await repo.findOne({ where: { resultId: current, status: 'sent', operation: In(['send_chat', 'send_user', 'reply']) } });
  const sentAt = original?.sentAt ?? original?.createdAt;
  if (original && sentAt !== undefined && now() - sentAt > CARD_REPOST_AFTER_MS) {
    // Stryker disable next-line Regex: a reply's rate key is always `chat:<chat id>` (the outbox writes it so), its only "chat:" at the start
    const chatTarget = original.operation === 'send_chat' ? original.target : original.operation === 'reply' ? original.rateKey.replace(/^chat:/, '') : undefined;
    const operation: OutboxOperation = chatTarget ? 'send_chat' : 'send_user';
    const target = chatTarget ?? original.target;
    const rateKey = chatTarget ? `chat:${chatTarget}` : `user:${target}`;
    const on = { tenantKey: ref.tenantKey, platform: original.platform };
    await enqueue({ ...on, key: `${repostKey(current)}:notice` }, operation, target, rateKey, { type: 'text', text: CARD_REPOSTED_NOTICE });
    await enqueue({ ...on, key: repostKey(current) }, operation, target, rateKey, { type: 'card', card });
    return;
  }
  await enqueue(ref, 'update_card', current, `msg:${current}`, { type: 'card', card });
}
