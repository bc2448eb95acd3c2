import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Report collections (报送任务): tasks, each 盟市's submission, and files sent for them (issue 6).
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const text = (name: string): TableColumnOptions => ({ name, type: 'text' });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const instant = (name: string): TableColumnOptions => ({ name, type: 'bigint' });

export class CreateReports1764800000000 implements MigrationInterface {
  name = 'CreateReports1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'report_tasks',
        columns: [
          id,
          str('tenant_key', 64),
          str('form_token', 64),
          int('code_year'),
          int('code_seq'),
          str('title', 100),
          text('description'),
          instant('deadline_at'),
          text('regions'),
          str('expects', 8),
          str('created_by', 128),
          text('progress_keys'),
          int('version'),
          instant('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_report_tasks_form_token', columnNames: ['tenant_key', 'form_token'], isUnique: true }),
          new TableIndex({ name: 'uq_report_tasks_code', columnNames: ['code_year', 'code_seq'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'report_submissions',
        columns: [id, int('task_id'), str('region', 32), text('text'), str('submitted_by', 128), instant('submitted_at'), { name: 'late', type: 'boolean' }, int('times')],
        indices: [new TableIndex({ name: 'uq_report_submissions_task_region', columnNames: ['task_id', 'region'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'report_files',
        columns: [id, int('submission_id'), str('kind', 8), str('file_key', 200), str('name', 300, true), str('message_id', 128), str('sent_by', 128), instant('at')],
        indices: [new TableIndex({ name: 'uq_report_files_message', columnNames: ['submission_id', 'message_id'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_files');
    await q.dropTable('report_submissions');
    await q.dropTable('report_tasks');
  }
}
