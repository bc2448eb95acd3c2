import { Column, Entity, Index } from 'typeorm';
import { LeasedWork } from './leased-work';
import { epochMs } from '../epoch-ms';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
/**
 * urgent_app: Feishu's in-app urgent notice on a message queued earlier (its key is the target).
 * update_sent: a card update of a message queued earlier (its key is the target), once it is sent.
 */
export type OutboxOperation = 'send_chat' | 'send_user' | 'reply' | 'update_card' | 'urgent_app' | 'update_sent';

/** One outbound message, persisted before it is sent so that nothing is lost on a crash. */
@Entity('outbox_messages')
@Index('ix_outbox_messages_status_next', ['status', 'nextAttemptAt'])
export class OutboxMessage extends LeasedWork {
  /** Sent to Feishu as `uuid`: Feishu itself then sends at most one message per key per hour. */
  @Index('uq_outbox_messages_idempotency_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'varchar', length: 50 })
  idempotencyKey!: string;

  @Column({ type: 'varchar', length: 32 })
  operation!: OutboxOperation;

  /** chat_id, open_id or message_id, depending on the operation. */
  @Column({ type: 'varchar', length: 128 })
  target!: string;

  /** What Feishu rate-limits this send by: `chat:<id>`, `user:<open_id>` or `msg:<id>`. */
  @Column({ name: 'rate_key', type: 'varchar', length: 160 })
  rateKey!: string;

  /** The OutboundMessage, as JSON. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;

  /** 'feishu' or 'dingtalk': which platform the row belongs to (issue 12). */
  @Column({ type: 'varchar', length: 16, default: 'feishu' })
  platform!: string;

  /** The message_id Feishu returned (indexed: a card's age is looked up by it before an update). */
  @Index('ix_outbox_messages_result_id')
  @Column({ name: 'result_id', type: 'varchar', length: 128, nullable: true })
  resultId!: string | null;
}
