import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** Every run of a scheduled job: when, as of when, what it did, and how it ended. */
@Entity('job_runs')
@Index('ix_job_runs_job_started', ['job', 'startedAt'])
export class JobRun {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  job!: string;

  /** The instant the run was for (`--now`, or the clock). */
  @Column({ name: 'as_of', type: 'bigint', transformer: epochMs })
  asOf!: number;

  @Column({ name: 'started_at', type: 'bigint', transformer: epochMs })
  startedAt!: number;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt!: number | null;

  /** running, done, failed, or locked (another instance held the job). */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  sent!: number;

  @Column({ type: 'integer' })
  skipped!: number;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
