import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Issue 13 item 1: the persisted queue of the centre's 多维表格 台账. One row per application,
 * need or report submission: the change that makes it due bumps `generation` in its own
 * transaction; the worker writes the record and remembers where (app_token, table_id,
 * record_id). Landed: never edit; add a new migration instead.
 */
export class CreateLedgerQueue1766500000000 implements MigrationInterface {
  name = 'CreateLedgerQueue1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ledger_queue',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_key', type: 'varchar', length: '64' },
          { name: 'entity', type: 'varchar', length: '16' },
          { name: 'entity_id', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'generation', type: 'integer', default: 1 },
          { name: 'synced_generation', type: 'integer', default: 0 },
          { name: 'app_token', type: 'varchar', length: '64', isNullable: true },
          { name: 'table_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'record_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'lease_until', type: 'bigint', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'changed_at', type: 'bigint' },
          { name: 'synced_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_ledger_queue_entity', columnNames: ['entity', 'entity_id'], isUnique: true }),
          new TableIndex({ name: 'ix_ledger_queue_status_next', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ledger_queue');
  }
}
