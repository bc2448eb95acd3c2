import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** A report collection (报送任务): the centre asks 盟市 for something by a deadline. */
@Entity('report_tasks')
@Index('uq_report_tasks_form_token', ['tenantKey', 'formToken'], { unique: true })
@Index('uq_report_tasks_code', ['codeYear', 'codeSeq'], { unique: true })
export class ReportTask {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  @Column({ name: 'form_token', type: 'varchar', length: 64 })
  formToken!: string;

  /** BS<codeYear>-<codeSeq, 4 digits>. */
  @Column({ name: 'code_year', type: 'integer' })
  codeYear!: number;

  @Column({ name: 'code_seq', type: 'integer' })
  codeSeq!: number;

  @Column({ type: 'varchar', length: 100 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'deadline_at', type: 'bigint', transformer: epochMs })
  deadlineAt!: number;

  /** JSON array of the targeted 盟市. */
  @Column({ type: 'text' })
  regions!: string;

  /** What is expected: 'text', 'file' or 'both'. */
  @Column({ type: 'varchar', length: 8 })
  expects!: 'text' | 'file' | 'both';

  @Column({ name: 'created_by', type: 'varchar', length: 128 })
  createdBy!: string;

  /** JSON array of the outbox keys of the centre's progress cards, to update them in place. */
  @Column({ name: 'progress_keys', type: 'text' })
  progressKeys!: string;

  /** Grows with every submission, naming each update of the progress cards. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  /** Where the record came from (issue 12): 'feishu' or 'dingtalk' (src/db/origin.ts). */
  @Column({ name: 'origin_platform', type: 'varchar', length: 16, default: 'feishu' })
  originPlatform!: string;

  /** That platform's tenant (Feishu's tenant_key, DingTalk's corpId); `tenant_key` is the books it is kept in. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
