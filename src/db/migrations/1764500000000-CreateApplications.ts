import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Activity applications and their audit trail (issue 3).
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const text = (name: string, length?: number): TableColumnOptions =>
  length ? { name, type: 'varchar', length: String(length), isNullable: true } : { name, type: 'text', isNullable: true };
const int = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'integer', isNullable });
const instant = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'bigint', isNullable });

export class CreateApplications1764500000000 implements MigrationInterface {
  name = 'CreateApplications1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'applications',
        columns: [
          id,
          { name: 'tenant_key', type: 'varchar', length: '64' },
          text('form_token', 64),
          int('code_year'),
          int('code_seq'),
          { name: 'filer_open_id', type: 'varchar', length: '128' },
          { name: 'status', type: 'varchar', length: '16' },
          int('version', false),
          text('org_name', 200),
          text('region', 32),
          text('venue', 400),
          text('start_date', 10),
          text('end_date', 10),
          int('headcount'),
          int('core_count'),
          int('enterprise_count'),
          int('key_industry_count'),
          text('audience'),
          text('needs'),
          text('topics'),
          text('contact_name', 100),
          text('mobile', 20),
          text('email', 200),
          text('remarks'),
          text('draft_form'),
          text('attachment_kind', 8),
          text('attachment_key', 200),
          text('attachment_name', 300),
          text('attachment_message_id', 128),
          instant('attached_at'),
          text('review_keys'),
          text('decided_by', 128),
          instant('decided_at'),
          text('decision_reason'),
          instant('submitted_at'),
          instant('created_at', false),
          instant('updated_at', false),
        ],
        indices: [
          new TableIndex({ name: 'uq_applications_form_token', columnNames: ['tenant_key', 'form_token'], isUnique: true }),
          new TableIndex({ name: 'uq_applications_code', columnNames: ['code_year', 'code_seq'], isUnique: true }),
          new TableIndex({ name: 'ix_applications_filer', columnNames: ['tenant_key', 'filer_open_id'] }),
          new TableIndex({ name: 'ix_applications_status', columnNames: ['status'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'application_events',
        columns: [
          id,
          int('application_id', false),
          { name: 'action', type: 'varchar', length: '16' },
          text('from_status', 16),
          { name: 'to_status', type: 'varchar', length: '16' },
          { name: 'actor_open_id', type: 'varchar', length: '128' },
          text('reason'),
          instant('at', false),
        ],
        indices: [new TableIndex({ name: 'ix_application_events_application', columnNames: ['application_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('application_events');
    await q.dropTable('applications');
  }
}
