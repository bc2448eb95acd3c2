import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * An enterprise's need (企业需求), filed in chat and matched with an expert by the centre.
 * Like applications, every change is conditional on `version`.
 */
@Entity('needs')
@Index('uq_needs_form_token', ['tenantKey', 'formToken'], { unique: true })
@Index('uq_needs_code', ['codeYear', 'codeSeq'], { unique: true })
@Index('ix_needs_filer', ['tenantKey', 'filerOpenId'])
export class Need {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  @Column({ name: 'form_token', type: 'varchar', length: 64, nullable: true })
  formToken!: string | null;

  /** XQ<codeYear>-<codeSeq, 4 digits>. */
  @Column({ name: 'code_year', type: 'integer' })
  codeYear!: number;

  @Column({ name: 'code_seq', type: 'integer' })
  codeSeq!: number;

  @Column({ name: 'filer_open_id', type: 'varchar', length: 128 })
  filerOpenId!: string;

  /** 待对接 已对接 跟进中 已解决 已关闭. */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'enterprise_name', type: 'varchar', length: 200 })
  enterpriseName!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  /** An industry value from the configured list (src/domain/industries.ts). */
  @Column({ type: 'varchar', length: 32 })
  industry!: string;

  @Column({ name: 'need_type', type: 'varchar', length: 16 })
  needType!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'contact_name', type: 'varchar', length: 100 })
  contactName!: string;

  @Column({ type: 'varchar', length: 20 })
  mobile!: string;

  /** The expert it was matched with, and the centre's note to both sides. */
  @Column({ name: 'expert_id', type: 'integer', nullable: true })
  expertId!: number | null;

  @Column({ name: 'match_note', type: 'text', nullable: true })
  matchNote!: string | null;

  /** An application of the same region whose expert team should prepare for it. */
  @Column({ name: 'application_id', type: 'integer', nullable: true })
  applicationId!: number | null;

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
