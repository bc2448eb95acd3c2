import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export type OutboxOperation = 'send_chat' | 'send_user' | 'reply' | 'update_card';

/** One outbound message, persisted before it is sent so that nothing is lost on a crash. */
@Entity('outbox_messages')
@Index('ix_outbox_messages_status_next', ['status', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

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

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMs })
  nextAttemptAt!: number;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;

  /** The message_id Feishu returned. */
  @Column({ name: 'result_id', type: 'varchar', length: 128, nullable: true })
  resultId!: string | null;
}
