import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';
import type { ApplicationStatus } from '../../domain/application-status';
import type { ActivityKind } from '../../domain/activity-menu';

/**
 * An activity application (申请表). A draft keeps what the filer typed in `draftForm` and may
 * have nothing else; from submission on, the checked values live in their own columns.
 * `version` grows with every change, so a stale card or a concurrent click cannot act on an
 * application that has moved on (every update is conditional on it).
 */
@Entity('applications')
@Index('uq_applications_form_token', ['tenantKey', 'formToken'], { unique: true })
@Index('uq_applications_code', ['codeYear', 'codeSeq'], { unique: true })
@Index('ix_applications_filer', ['tenantKey', 'filerOpenId'])
@Index('ix_applications_status', ['status'])
export class Application {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  /** The nonce of the 申请 card this application was filed from: a second submit of that card finds it. */
  @Column({ name: 'form_token', type: 'varchar', length: 64, nullable: true })
  formToken!: string | null;

  /** The code SQ<codeYear>-<codeSeq, 4 digits>, given on first submission. */
  @Column({ name: 'code_year', type: 'integer', nullable: true })
  codeYear!: number | null;

  @Column({ name: 'code_seq', type: 'integer', nullable: true })
  codeSeq!: number | null;

  @Column({ name: 'filer_open_id', type: 'varchar', length: 128 })
  filerOpenId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ApplicationStatus;

  @Column({ type: 'integer' })
  version!: number;

  /** 能力提升 or 对外交流 (activity-menu.ts); applications from before the kind existed are 能力提升. */
  @Column({ type: 'varchar', length: 8, default: '能力提升' })
  kind!: ActivityKind;

  @Column({ name: 'org_name', type: 'varchar', length: 200, nullable: true })
  orgName!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 400, nullable: true })
  venue!: string | null;

  @Column({ name: 'start_date', type: 'varchar', length: 10, nullable: true })
  startDate!: string | null;

  @Column({ name: 'end_date', type: 'varchar', length: 10, nullable: true })
  endDate!: string | null;

  @Column({ type: 'integer', nullable: true })
  headcount!: number | null;

  @Column({ name: 'core_count', type: 'integer', nullable: true })
  coreCount!: number | null;

  @Column({ name: 'enterprise_count', type: 'integer', nullable: true })
  enterpriseCount!: number | null;

  @Column({ name: 'key_industry_count', type: 'integer', nullable: true })
  keyIndustryCount!: number | null;

  @Column({ type: 'text', nullable: true })
  audience!: string | null;

  @Column({ type: 'text', nullable: true })
  needs!: string | null;

  /** JSON array of activity menu values. */
  @Column({ type: 'text', nullable: true })
  topics!: string | null;

  @Column({ name: 'contact_name', type: 'varchar', length: 100, nullable: true })
  contactName!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  mobile!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  remarks!: string | null;

  /** JSON of the form as last typed, for a draft whose checks failed. */
  @Column({ name: 'draft_form', type: 'text', nullable: true })
  draftForm!: string | null;

  /** The stamped scan: 'image' or 'file', its key in Feishu, a file name, when it came. */
  @Column({ name: 'attachment_kind', type: 'varchar', length: 8, nullable: true })
  attachmentKind!: 'image' | 'file' | null;

  @Column({ name: 'attachment_key', type: 'varchar', length: 200, nullable: true })
  attachmentKey!: string | null;

  @Column({ name: 'attachment_name', type: 'varchar', length: 300, nullable: true })
  attachmentName!: string | null;

  @Column({ name: 'attachment_message_id', type: 'varchar', length: 128, nullable: true })
  attachmentMessageId!: string | null;

  @Column({ name: 'attached_at', type: 'bigint', nullable: true, transformer: epochMs })
  attachedAt!: number | null;

  /** JSON array of the outbox keys of the review cards sent for it, to update them in place. */
  @Column({ name: 'review_keys', type: 'text', nullable: true })
  reviewKeys!: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 128, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'bigint', nullable: true, transformer: epochMs })
  decidedAt!: number | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason!: string | null;

  /** JSON of the latest change request after approval (see ChangeRequest in application-record.ts). */
  @Column({ name: 'change_request', type: 'text', nullable: true })
  changeRequest!: string | null;

  /** How many date changes were approved: reminder occasions of earlier dates are keyed apart. */
  @Column({ name: 'date_changes', type: 'integer', default: 0 })
  dateChanges!: number;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'cancelled_by', type: 'varchar', length: 128, nullable: true })
  cancelledBy!: string | null;

  @Column({ name: 'cancelled_at', type: 'bigint', nullable: true, transformer: epochMs })
  cancelledAt!: number | null;

  /** The expert team (issue 11, item 6): JSON array of { id, name } (see teamOf in application-record.ts). */
  @Column({ name: 'team_experts', type: 'text', nullable: true })
  teamExperts!: string | null;

  /** The team's travel note (行程). */
  @Column({ name: 'team_note', type: 'text', nullable: true })
  teamNote!: string | null;

  @Column({ name: 'team_by', type: 'varchar', length: 128, nullable: true })
  teamBy!: string | null;

  @Column({ name: 'team_at', type: 'bigint', nullable: true, transformer: epochMs })
  teamAt!: number | null;

  @Column({ name: 'submitted_at', type: 'bigint', nullable: true, transformer: epochMs })
  submittedAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  /** Where the record came from (issue 12): 'feishu' or 'dingtalk' (src/db/origin.ts). */
  @Column({ name: 'origin_platform', type: 'varchar', length: 16, default: 'feishu' })
  originPlatform!: string;

  /** That platform's tenant (Feishu's tenant_key, DingTalk's corpId); `tenant_key` is the books it is kept in. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
