import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Scheduled jobs (occasions done once, runs, locks), activity evaluation summaries and the
 * photos / sign-in sheets sent after an activity (issue 5).
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

export class CreateJobs1764600000000 implements MigrationInterface {
  name = 'CreateJobs1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'job_occasions',
        columns: [id, str('job', 32), str('subject', 128), str('occasion', 64), str('outcome', 16), instant('at')],
        indices: [new TableIndex({ name: 'uq_job_occasions', columnNames: ['job', 'subject', 'occasion'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'job_runs',
        columns: [
          id,
          str('job', 32),
          instant('as_of'),
          instant('started_at'),
          instant('finished_at', true),
          str('status', 16),
          int('sent'),
          int('skipped'),
          int('failures'),
          { name: 'error', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_job_runs_job_started', columnNames: ['job', 'started_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'job_locks',
        columns: [{ name: 'job', type: 'varchar', length: '32', isPrimary: true }, str('holder', 64), instant('lease_until')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'activity_summaries',
        columns: [
          id,
          int('application_id'),
          int('headcount'),
          int('core_count'),
          int('enterprise_count'),
          int('key_industry_count'),
          int('satisfaction'),
          { name: 'outcomes', type: 'text' },
          { name: 'followup_needs', type: 'text' },
          str('filed_by', 128),
          instant('filed_at'),
        ],
        indices: [new TableIndex({ name: 'uq_activity_summaries_application', columnNames: ['application_id'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'activity_files',
        columns: [
          id,
          int('application_id'),
          str('kind', 8),
          str('file_key', 200),
          str('name', 300, true),
          str('message_id', 128),
          str('sent_by', 128),
          instant('at'),
        ],
        indices: [new TableIndex({ name: 'uq_activity_files_message', columnNames: ['application_id', 'message_id'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('activity_files');
    await q.dropTable('activity_summaries');
    await q.dropTable('job_locks');
    await q.dropTable('job_runs');
    await q.dropTable('job_occasions');
  }
}
