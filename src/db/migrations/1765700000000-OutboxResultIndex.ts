import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 11 item 4: before a card is updated, the outbox looks up when it was sent (by the
 * message id Feishu returned) to re-post cards older than 13 days instead of patching them.
 * Landed: never edit; add a new migration instead.
 */
export class OutboxResultIndex1765700000000 implements MigrationInterface {
  name = 'OutboxResultIndex1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('outbox_messages', new TableIndex({ name: 'ix_outbox_messages_result_id', columnNames: ['result_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('outbox_messages', 'ix_outbox_messages_result_id');
  }
}
