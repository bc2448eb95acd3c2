import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Forms filled in as a conversation (issue 12 item 4, the DingTalk wizard): one draft per
 * person and platform, with its answers and current step. Landed: never edit; add a new
 * migration instead.
 */
export class CreateFormDrafts1766300000000 implements MigrationInterface {
  name = 'CreateFormDrafts1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'form_drafts',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'platform', type: 'varchar', length: '16' },
          { name: 'tenant_key', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '128' },
          { name: 'form', type: 'varchar', length: '16' },
          { name: 'subject', type: 'text' },
          { name: 'answers', type: 'text' },
          { name: 'step', type: 'integer' },
          { name: 'last_message_id', type: 'varchar', length: '256', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_form_drafts_person', columnNames: ['platform', 'tenant_key', 'user_id'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('form_drafts');
  }
}
