import type { FeishuEnvelope } from '../platform/feishu/inbound';

/**
 * Feishu delivers at least once and repeats messages under new event ids (FEISHU.md §1.6):
 * a message is known by its message_id, anything else by its event id. (Its own module: the
 * main thread's inbox recorder, src/front/, uses it without loading TypeORM.)
 */
export function dedupKeyOf(envelope: FeishuEnvelope): string {
  const messageId = envelope.event?.message?.message_id;
  if (envelope.eventType === 'im.message.receive_v1' && typeof messageId === 'string' && messageId) {
    return `msg:${messageId}`;
  }
  return `evt:${envelope.eventId}`;
}
