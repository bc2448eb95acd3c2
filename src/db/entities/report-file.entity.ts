import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/** A file or image sent for a report submission, after it was submitted. */
@Entity('report_files')
@Index('uq_report_files_message', ['submissionId', 'messageId'], { unique: true })
export class ReportFile {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'submission_id', type: 'integer' })
  submissionId!: number;

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
