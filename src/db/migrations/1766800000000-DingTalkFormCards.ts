import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * DingTalk form cards (issue 12 item 6): each card instance's outTrackId tied to the form, its
 * subject and the person it was sent to. Landed: never edit; add a new migration instead.
 */
export class DingTalkFormCards1766800000000 implements MigrationInterface {
  name = 'DingTalkFormCards1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'dingtalk_form_cards',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'out_track_id', type: 'varchar', length: '64' },
          { name: 'tenant_key', type: 'varchar', length: '64' },
          { name: 'staff_id', type: 'varchar', length: '128' },
          { name: 'form', type: 'varchar', length: '16' },
          { name: 'subject', type: 'text' },
          { name: 'preset', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'last_message_id', type: 'varchar', length: '256', isNullable: true },
          { name: 'last_response', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_dingtalk_form_cards_track', columnNames: ['out_track_id'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('dingtalk_form_cards');
  }
}
