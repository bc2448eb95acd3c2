import { Column, Entity, Index } from 'typeorm';
import { LeasedWork } from './leased-work';
import { epochMs } from '../epoch-ms';

export type InboundStatus = 'received' | 'processing' | 'done' | 'failed';

/** One verified delivery from Feishu, kept so that repeats are processed once (FEISHU.md §1.6). */
@Entity('inbound_events')
@Index('ix_inbound_events_status_next', ['status', 'nextAttemptAt'])
@Index('ix_inbound_events_received_at', ['receivedAt'])
export class InboundEvent extends LeasedWork {
  /** `msg:<message_id>` for messages (Feishu repeats them under new event ids), else `evt:<event_id>`. */
  @Index('uq_inbound_events_dedup_key', { unique: true })
  @Column({ name: 'dedup_key', type: 'varchar', length: 160 })
  dedupKey!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 128 })
  eventType!: string;

  /** The decrypted envelope's `event` object, as JSON. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: InboundStatus;

  /** Claims whose lease ran out: the worker died (or hung) while processing this event. */
  @Column({ name: 'abandoned_claims', type: 'integer' })
  abandonedClaims!: number;

  /** 'feishu' or 'dingtalk': which platform the row belongs to (issue 12). */
  @Column({ type: 'varchar', length: 16, default: 'feishu' })
  platform!: string;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMs })
  receivedAt!: number;

  @Column({ name: 'processed_at', type: 'bigint', nullable: true, transformer: epochMs })
  processedAt!: number | null;
}
