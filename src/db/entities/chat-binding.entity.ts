import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** A group chat bound to one 盟市 or to the centre: where reminders and summaries for that scope go. */
@Entity('chat_bindings')
@Index('uq_chat_bindings_tenant_chat', ['tenantKey', 'chatId'], { unique: true })
export class ChatBinding {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  @Column({ name: 'chat_id', type: 'varchar', length: 128 })
  chatId!: string;

  /** A region name such as 包头市, or 中心. */
  @Column({ type: 'varchar', length: 32 })
  scope!: string;

  @Column({ name: 'bound_by', type: 'varchar', length: 128 })
  boundBy!: string;

  /** 'feishu' or 'dingtalk': which platform the row belongs to (issue 12). */
  @Column({ type: 'varchar', length: 16, default: 'feishu' })
  platform!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  /** The tenant the binding was made in (DingTalk: the corpId); `tenant_key` is the books it belongs to. */
  @Column({ name: 'origin_tenant', type: 'varchar', length: 64, nullable: true })
  originTenant!: string | null;
}
