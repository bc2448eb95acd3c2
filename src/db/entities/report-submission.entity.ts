import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** One 盟市's answer to a report task; resubmitting replaces the text and keeps the files. */
@Entity('report_submissions')
@Index('uq_report_submissions_task_region', ['taskId', 'region'], { unique: true })
export class ReportSubmission {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'task_id', type: 'integer' })
  taskId!: number;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'submitted_by', type: 'varchar', length: 128 })
  submittedBy!: string;

  @Column({ name: 'submitted_at', type: 'bigint', transformer: epochMs })
  submittedAt!: number;

  /** Submitted (last) after the deadline. */
  @Column({ type: 'boolean' })
  late!: boolean;

  /** How many times it was submitted. */
  @Column({ type: 'integer' })
  times!: number;

  /** Where the record came from (issue 12): 'feishu' or 'dingtalk' (src/db/origin.ts). */
  @Column({ name: 'origin_platform', type: 'varchar', length: 16, default: 'feishu' })
  originPlatform!: string;

  /** That platform's tenant (Feishu's tenant_key, DingTalk's corpId); `tenant_key` is the books it is kept in. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
