import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * Columns of a row that a worker claims for a while, then finishes or retries later: inbound
 * events and outbound messages. A claim whose lease ran out belonged to a worker that died.
 */
export abstract class LeasedWork {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  /** No entity-level default: with one, TypeORM re-reads every inserted row (the column keeps its DB default). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMs })
  nextAttemptAt!: number;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
