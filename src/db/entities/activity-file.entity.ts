import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** Photos or the sign-in sheet (照片、签到表) of a held activity, sent by the filer as images or files. */
@Entity('activity_files')
@Index('uq_activity_files_message', ['applicationId', 'messageId'], { unique: true })
export class ActivityFile {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'application_id', type: 'integer' })
  applicationId!: number;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'image' | 'file';

  @Column({ name: 'file_key', type: 'varchar', length: 200 })
  fileKey!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  name!: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 128 })
  messageId!: string;

  @Column({ name: 'sent_by', type: 'varchar', length: 128 })
  sentBy!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
