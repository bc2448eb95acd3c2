import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** The audit trail: one row per change of an application, with who, when and why. */
@Entity('application_events')
@Index('ix_application_events_application', ['applicationId'])
export class ApplicationEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'application_id', type: 'integer' })
  applicationId!: number;

  /** A status action (submit, approve, …), or 'draft' / 'attach' for changes within a status. */
  @Column({ type: 'varchar', length: 16 })
  action!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: string;

  @Column({ name: 'actor_open_id', type: 'varchar', length: 128 })
  actorOpenId!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
