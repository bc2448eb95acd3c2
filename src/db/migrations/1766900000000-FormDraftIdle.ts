import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Wizard drafts (issue 12): `dormant_at`, when a draft left untouched for WIZARD_IDLE_MS was put
 * aside (the person's messages are commands again until 继续填写), and `pending_text`, a
 * command-like answer the wizard asked about (填写 or 执行). Landed: never edit; add a new migration.
 */
export class FormDraftIdle1766900000000 implements MigrationInterface {
  name = 'FormDraftIdle1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('form_drafts', new TableColumn({ name: 'dormant_at', type: 'bigint', isNullable: true }));
    await q.addColumn('form_drafts', new TableColumn({ name: 'pending_text', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('form_drafts', 'pending_text');
    await q.dropColumn('form_drafts', 'dormant_at');
  }
}
