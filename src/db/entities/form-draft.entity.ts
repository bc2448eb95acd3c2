import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * A form being filled in as a conversation (the DingTalk wizard, issue 12 item 4): which form,
 * for what, the answers so far and the field asked now. One per person and platform: starting
 * another form replaces it. Survives a restart; 继续填写 (or the form's command again) resumes it.
 */
@Entity('form_drafts')
@Index('uq_form_drafts_person', ['platform', 'tenantKey', 'userId'], { unique: true })
export class FormDraft {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  /** The person filling it in (a DingTalk staff id). */
  @Column({ name: 'user_id', type: 'varchar', length: 128 })
  userId!: string;

  /** application, need, summary, report or expert (src/forms). */
  @Column({ type: 'varchar', length: 16 })
  form!: string;

  /**
   * JSON: what the submission is for, as the form's card action expects it: the fresh form's
   * token (application, need, expert), the application id (summary), the issued report forms.
   */
  @Column({ type: 'text' })
  subject!: string;

  /** JSON: the answers by component name, as the card would submit them. */
  @Column({ type: 'text' })
  answers!: string;

  /** The index of the field asked now; the number of fields: the summary with 提交. */
  @Column({ type: 'integer' })
  step!: number;

  /** The last message applied: a redelivered one changes nothing. */
  @Column({ name: 'last_message_id', type: 'varchar', length: 256, nullable: true })
  lastMessageId!: string | null;

  /**
   * Set when the draft, untouched for WIZARD_IDLE_MS, was put aside: the person's messages are
   * commands again (told so once) until 继续填写 or the form's command resumes it.
   */
  @Column({ name: 'dormant_at', type: 'bigint', nullable: true, transformer: epochMs })
  dormantAt!: number | null;

  /** An answer that reads as a command (通过 SQ…), kept while the wizard asks 填写 or 执行. */
  @Column({ name: 'pending_text', type: 'text', nullable: true })
  pendingText!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
