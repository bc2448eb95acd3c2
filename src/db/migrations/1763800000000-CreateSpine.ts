import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * The webhook spine: inbound event log (dedup), outbound queue, chat bindings.
 * Written with TypeORM's Table API so that it produces the right DDL on SQLite and PostgreSQL.
 * Landed: never edit; add a new migration instead.
 */
const id: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};
const tenantKey: TableColumnOptions = { name: 'tenant_key', type: 'varchar', length: '64' };
const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

export class CreateSpine1763800000000 implements MigrationInterface {
  name = 'CreateSpine1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'inbound_events',
        columns: [
          id,
          tenantKey,
          { name: 'dedup_key', type: 'varchar', length: '160' },
          { name: 'event_id', type: 'varchar', length: '128' },
          { name: 'event_type', type: 'varchar', length: '128' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          instant('next_attempt_at'),
          instant('lease_until', true),
          { name: 'last_error', type: 'text', isNullable: true },
          instant('received_at'),
          instant('processed_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_inbound_events_dedup_key', columnNames: ['dedup_key'], isUnique: true }),
          new TableIndex({ name: 'ix_inbound_events_status_next', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_inbound_events_received_at', columnNames: ['received_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox_messages',
        columns: [
          id,
          tenantKey,
          { name: 'idempotency_key', type: 'varchar', length: '50' },
          { name: 'operation', type: 'varchar', length: '32' },
          { name: 'target', type: 'varchar', length: '128' },
          { name: 'rate_key', type: 'varchar', length: '160' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          instant('next_attempt_at'),
          instant('lease_until', true),
          { name: 'last_error', type: 'text', isNullable: true },
          instant('created_at'),
          instant('sent_at', true),
          { name: 'result_id', type: 'varchar', length: '128', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_outbox_messages_idempotency_key', columnNames: ['idempotency_key'], isUnique: true }),
          new TableIndex({ name: 'ix_outbox_messages_status_next', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chat_bindings',
        columns: [
          id,
          tenantKey,
          { name: 'chat_id', type: 'varchar', length: '128' },
          { name: 'scope', type: 'varchar', length: '32' },
          { name: 'bound_by', type: 'varchar', length: '128' },
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_chat_bindings_tenant_chat', columnNames: ['tenant_key', 'chat_id'], isUnique: true }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('chat_bindings');
    await q.dropTable('outbox_messages');
    await q.dropTable('inbound_events');
  }
}
