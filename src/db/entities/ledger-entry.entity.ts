import { Column, Entity, Index } from 'typeorm';
import { LeasedWork } from './leased-work';
import { epochMs } from '../epoch-ms';

/** What the centre's 多维表格 台账 holds a record of (issue 13 item 1). */
export type LedgerEntity = 'application' | 'need' | 'report';
/** `pending`: the record must be written; `syncing`: a worker is writing it; `synced`; `failed`: refused for good. */
export type LedgerStatus = 'pending' | 'syncing' | 'synced' | 'failed';

/**
 * The 台账's persisted queue, one row per record (entity, id): a change bumps `generation` in the
 * same transaction as the change itself, so repeated changes coalesce into one write of the
 * latest state. A worker writes the record and marks it synced only if no change came in
 * meanwhile. The row stays afterwards: it remembers the Bitable record the entity was written
 * to (`record_id` in `table_id` of `app_token`), so the next change updates that record.
 */
@Entity('ledger_queue')
@Index('uq_ledger_queue_entity', ['entity', 'entityId'], { unique: true })
@Index('ix_ledger_queue_status_next', ['status', 'nextAttemptAt'])
export class LedgerEntry extends LeasedWork {
  @Column({ type: 'varchar', length: 16 })
  entity!: LedgerEntity;

  @Column({ name: 'entity_id', type: 'integer' })
  entityId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: LedgerStatus;

  /** Bumped by every change; the worker writes the state as of the generation it read. */
  @Column({ type: 'integer' })
  generation!: number;

  @Column({ name: 'synced_generation', type: 'integer' })
  syncedGeneration!: number;

  /** Where the record was written: the Base, its table and the record (null: not written yet). */
  @Column({ name: 'app_token', type: 'varchar', length: 64, nullable: true })
  appToken!: string | null;

  @Column({ name: 'table_id', type: 'varchar', length: 64, nullable: true })
  tableId!: string | null;

  @Column({ name: 'record_id', type: 'varchar', length: 64, nullable: true })
  recordId!: string | null;

  @Column({ name: 'changed_at', type: 'bigint', transformer: epochMs })
  changedAt!: number;

  @Column({ name: 'synced_at', type: 'bigint', nullable: true, transformer: epochMs })
  syncedAt!: number | null;
}
