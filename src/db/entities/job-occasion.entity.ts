import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * One occasion of a scheduled job, done once: (job, subject, occasion), e.g. ('reminders',
 * 'application:12', 'before-3'). A rerun, an overlapping run or a second instance finds the
 * row and sends nothing new. `outcome` says whether it was sent or skipped (no longer useful).
 */
@Entity('job_occasions')
@Index('uq_job_occasions', ['job', 'subject', 'occasion'], { unique: true })
export class JobOccasion {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  job!: string;

  @Column({ type: 'varchar', length: 128 })
  subject!: string;

  @Column({ type: 'varchar', length: 64 })
  occasion!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'sent' | 'skipped';

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
