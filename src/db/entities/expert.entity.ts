import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** An expert the centre can match needs with. Registered by admins, by card or spreadsheet. */
@Entity('experts')
@Index('uq_experts_name_org', ['tenantKey', 'name', 'organisation'], { unique: true })
export class Expert {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  @Column({ type: 'varchar', length: 50 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  organisation!: string;

  /** JSON array of industry values (src/domain/industries.ts). */
  @Column({ type: 'text' })
  fields!: string;

  /** Phone or e-mail, as the expert wishes to be reached. */
  @Column({ type: 'varchar', length: 200 })
  contact!: string;

  /** Their Feishu open_id, when they use Feishu: they then get a private card with the need. */
  @Column({ name: 'open_id', type: 'varchar', length: 128, nullable: true })
  openId!: string | null;

  @Column({ name: 'added_by', type: 'varchar', length: 128 })
  addedBy!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  /** When an admin deleted the expert's personal data (the row stays because needs name it). */
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: epochMs })
  deletedAt!: number | null;

  /** Where the record came from (issue 12): 'feishu' or 'dingtalk' (src/db/origin.ts). */
  @Column({ name: 'origin_platform', type: 'varchar', length: 16, default: 'feishu' })
  originPlatform!: string;

  /** That platform's tenant (Feishu's tenant_key, DingTalk's corpId); `tenant_key` is the books it is kept in. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
