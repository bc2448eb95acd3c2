import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Which chat platform a row belongs to (issue 12): a deployment may run Feishu, DingTalk or
 * both against one database. Inbound events, outbound messages and group bindings route by it;
 * every existing row is Feishu's. Landed: never edit; add a new migration instead.
 */
const TABLES = ['inbound_events', 'outbox_messages', 'chat_bindings'] as const;

export class AddPlatform1765500000000 implements MigrationInterface {
  name = 'AddPlatform1765500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.addColumn(table, new TableColumn({ name: 'platform', type: 'varchar', length: '16', isNullable: false, default: "'feishu'" }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await q.dropColumn(table, 'platform');
  }
}
