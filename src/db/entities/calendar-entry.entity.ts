import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { LeasedWork } from './leased-work';
import { epochMs } from '../epoch-ms';

export type CalendarEntryStatus = 'pending' | 'syncing' | 'done' | 'failed';

/**
 * An application's entry in the configured Feishu calendar (issue 13 item 5), and the queue of
 * syncs it waits for: `requested` counts the requests, `synced` the one last carried out, so a
 * request made while a sync runs is not lost.
 */
@Entity('calendar_entries')
@Index('ix_calendar_entries_status_next', ['status', 'nextAttemptAt'])
export class CalendarEntry extends LeasedWork {
  @Index('uq_calendar_entries_application', { unique: true })
  @Column({ name: 'application_id', type: 'integer' })
  applicationId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: CalendarEntryStatus;

  @Column({ type: 'integer' })
  requested!: number;

  @Column({ type: 'integer' })
  synced!: number;

  /** The calendar the event is in (FEISHU_CALENDAR_ID when it was made). */
  @Column({ name: 'calendar_id', type: 'varchar', length: 255, nullable: true })
  calendarId!: string | null;

  /** Feishu's event_id; null before it is made and after it is deleted. */
  @Column({ name: 'event_id', type: 'varchar', length: 128, nullable: true })
  eventId!: string | null;

  /** The open_ids added as attendees, as JSON. */
  @Column({ type: 'text', nullable: true })
  attendees!: string | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

/** How far the audit trail has been read for changes that concern the calendar. */
@Entity('calendar_cursor')
export class CalendarCursor {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'integer' })
  position!: number;
}
