import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** The evaluation summary (活动评估总结) of a held activity: one per application. */
@Entity('activity_summaries')
@Index('uq_activity_summaries_application', ['applicationId'], { unique: true })
export class ActivitySummary {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'application_id', type: 'integer' })
  applicationId!: number;

  @Column({ type: 'integer' })
  headcount!: number;

  @Column({ name: 'core_count', type: 'integer' })
  coreCount!: number;

  @Column({ name: 'enterprise_count', type: 'integer' })
  enterpriseCount!: number;

  @Column({ name: 'key_industry_count', type: 'integer' })
  keyIndustryCount!: number;

  @Column({ type: 'integer' })
  satisfaction!: number;

  @Column({ type: 'text' })
  outcomes!: string;

  @Column({ name: 'followup_needs', type: 'text' })
  followupNeeds!: string;

  @Column({ name: 'filed_by', type: 'varchar', length: 128 })
  filedBy!: string;

  @Column({ name: 'filed_at', type: 'bigint', transformer: epochMs })
  filedAt!: number;

  /** Where the record came from (issue 12): 'feishu' or 'dingtalk' (src/db/origin.ts). */
  @Column({ name: 'origin_platform', type: 'varchar', length: 16, default: 'feishu' })
  originPlatform!: string;

  /** That platform's tenant (Feishu's tenant_key, DingTalk's corpId); `tenant_key` is the books it is kept in. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
