import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../epoch-ms';

/**
 * A form sent as a DingTalk form-variable card (issue 12 item 6, DINGTALK_FORM_TEMPLATE_ID):
 * the card instance's outTrackId tied on the server to the form, what it is for and the one
 * person it was sent to. A callback is accepted only from that person, and only until the form
 * has been submitted; its answer (the card update) is kept so that a repeated callback is
 * answered the same and changes nothing.
 */
@Entity('dingtalk_form_cards')
@Index('uq_dingtalk_form_cards_track', ['outTrackId'], { unique: true })
export class DingTalkFormCard {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The card instance's id: the idempotency key of the outbox row that sends it. */
  @Column({ name: 'out_track_id', type: 'varchar', length: 64 })
  outTrackId!: string;

  @Column({ name: 'tenant_key', type: 'varchar', length: 64 })
  tenantKey!: string;

  /** The person the card was sent to (a DingTalk staff id): the only one who may submit it. */
  @Column({ name: 'staff_id', type: 'varchar', length: 128 })
  staffId!: string;

  /** application, need, summary, report, expert or task (src/forms). */
  @Column({ type: 'varchar', length: 16 })
  form!: string;

  /** JSON: what the submission is for (the wizard's subject: a fresh form's token, an id, report forms). */
  @Column({ type: 'text' })
  subject!: string;

  /** JSON: the values the card was sent with (a 修改's current values), for the wizard if the card cannot be sent. */
  @Column({ type: 'text' })
  preset!: string;

  /** sent → submitted; or fallback (the card could not be sent, the wizard took over). */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** The last callback frame applied (its messageId). */
  @Column({ name: 'last_message_id', type: 'varchar', length: 256, nullable: true })
  lastMessageId!: string | null;

  /** JSON: the card update the last callback was answered with. */
  @Column({ name: 'last_response', type: 'text', nullable: true })
  lastResponse!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
