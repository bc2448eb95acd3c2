import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * Who runs a job right now. Several instances (or `npm run job` beside the bot) share the
 * database: the one whose conditional update takes the row runs, until `leaseUntil`.
 */
@Entity('job_locks')
export class JobLock {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  job!: string;

  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  @Column({ name: 'lease_until', type: 'bigint', transformer: epochMs })
  leaseUntil!: number;
}
