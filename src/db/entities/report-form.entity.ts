import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * A private report form issued by 提交 in a 盟市's bound group: it submits for that 盟市 only, only
 * when its own recipient submits it, and only once (a replayed callback finds it used).
 */
@Entity('report_forms')
@Index('uq_report_forms_token', ['tenantKey', 'token'], { unique: true })
@Index('uq_report_forms_issue', ['taskId', 'region', 'issuedTo', 'taskVersion'], { unique: true })
export class ReportForm {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  /** Carried in the form's submit button: unguessable, names this issuance. */
  @Column({ type: 'varchar', length: 64 })
  token!: string;

  @Column({ name: 'task_id', type: 'integer' })
  taskId!: number;

  /** The 盟市 the group where 提交 was clicked is bound to. */
  @Column({ type: 'varchar', length: 32 })
  region!: string;

  /** The open_id of who clicked 提交 (and got the form privately). */
  @Column({ name: 'issued_to', type: 'varchar', length: 128 })
  issuedTo!: string;

  /** The bound group 提交 was clicked in. */
  @Column({ name: 'chat_id', type: 'varchar', length: 128 })
  chatId!: string;

  /** The task's version when issued: a click after a submission issues a new form. */
  @Column({ name: 'task_version', type: 'integer' })
  taskVersion!: number;

  @Column({ name: 'issued_at', type: 'bigint', transformer: epochMs })
  issuedAt!: number;

  @Column({ name: 'submitted_at', type: 'bigint', transformer: epochMs, nullable: true })
  submittedAt!: number | null;
}
