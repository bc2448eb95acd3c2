import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Calendar entries of approved activities (issue 13 item 5): one row per application, the queue
 * of syncs it is waiting for and the Feishu event it has; and the position up to which the
 * audit trail (`application_events`) has been read for changes that concern the calendar.
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

export class CalendarEntries1766600000000 implements MigrationInterface {
  name = 'CalendarEntries1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'calendar_entries',
        columns: [
          id,
          str('tenant_key', 64),
          int('application_id'),
          str('status', 16),
          int('attempts'),
          instant('next_attempt_at'),
          instant('lease_until', true),
          { name: 'last_error', type: 'text', isNullable: true },
          int('requested'),
          int('synced'),
          str('calendar_id', 255, true),
          str('event_id', 128, true),
          { name: 'attendees', type: 'text', isNullable: true },
          instant('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_calendar_entries_application', columnNames: ['application_id'], isUnique: true }),
          new TableIndex({ name: 'ix_calendar_entries_status_next', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'calendar_cursor',
        columns: [{ name: 'name', type: 'varchar', length: '32', isPrimary: true }, int('position')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('calendar_cursor');
    await q.dropTable('calendar_entries');
  }
}
