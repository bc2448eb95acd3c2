import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Enterprise needs, their audit trail, and experts (issue 4).
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable });
const instant = (name: string): TableColumnOptions => ({ name, type: 'bigint' });

export class CreateNeeds1764700000000 implements MigrationInterface {
  name = 'CreateNeeds1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'needs',
        columns: [
          id,
          str('tenant_key', 64),
          str('form_token', 64, true),
          int('code_year'),
          int('code_seq'),
          str('filer_open_id', 128),
          str('status', 16),
          int('version'),
          str('enterprise_name', 200),
          str('region', 32),
          str('industry', 32),
          str('need_type', 16),
          text('description'),
          str('contact_name', 100),
          str('mobile', 20),
          int('expert_id', true),
          text('match_note', true),
          int('application_id', true),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_needs_form_token', columnNames: ['tenant_key', 'form_token'], isUnique: true }),
          new TableIndex({ name: 'uq_needs_code', columnNames: ['code_year', 'code_seq'], isUnique: true }),
          new TableIndex({ name: 'ix_needs_filer', columnNames: ['tenant_key', 'filer_open_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'need_events',
        columns: [id, int('need_id'), str('action', 16), str('from_status', 16, true), str('to_status', 16), str('actor_open_id', 128), text('note', true), instant('at')],
        indices: [new TableIndex({ name: 'ix_need_events_need', columnNames: ['need_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'experts',
        columns: [
          id,
          str('tenant_key', 64),
          str('name', 50),
          str('organisation', 200),
          text('fields'),
          str('contact', 200),
          str('open_id', 128, true),
          str('added_by', 128),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [new TableIndex({ name: 'uq_experts_name_org', columnNames: ['tenant_key', 'name', 'organisation'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('experts');
    await q.dropTable('need_events');
    await q.dropTable('needs');
  }
}
