import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** A need's audit trail: who changed what, when, with which note. */
@Entity('need_events')
@Index('ix_need_events_need', ['needId'])
export class NeedEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'need_id', type: 'integer' })
  needId!: number;

  /** file, match, follow, resolve, close, link. */
  @Column({ type: 'varchar', length: 16 })
  action!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: string;

  @Column({ name: 'actor_open_id', type: 'varchar', length: 128 })
  actorOpenId!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
