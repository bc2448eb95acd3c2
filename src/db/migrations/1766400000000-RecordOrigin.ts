import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Where each record came from (issue 12, tenant mapping): the platform and that platform's tenant
 * (DingTalk: the corpId), apart from `tenant_key`, the books it is kept in (DINGTALK_TENANT_KEY
 * may put DingTalk's records into the Feishu tenant's books: one centre). Existing rows are
 * Feishu's, of their own tenant. Bindings already say their platform; they get the tenant only.
 */
const RECORDS = ['applications', 'needs', 'experts', 'activity_summaries', 'report_tasks', 'report_submissions'] as const;

export class RecordOrigin1766400000000 implements MigrationInterface {
  name = 'RecordOrigin1766400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of RECORDS) {
      await q.addColumns(table, [
        new TableColumn({ name: 'origin_platform', type: 'varchar', length: '16', isNullable: false, default: "'feishu'" }),
        new TableColumn({ name: 'origin_tenant', type: 'varchar', length: '64', isNullable: true }),
      ]);
    }
    await q.addColumn('chat_bindings', new TableColumn({ name: 'origin_tenant', type: 'varchar', length: '64', isNullable: true }));
    // Records made before: of the tenant whose books they are in (a summary's or a submission's: its parent's).
    for (const table of ['applications', 'needs', 'experts', 'report_tasks', 'chat_bindings']) await q.query(`UPDATE ${table} SET origin_tenant = tenant_key`);
    await q.query('UPDATE activity_summaries SET origin_tenant = (SELECT a.tenant_key FROM applications a WHERE a.id = activity_summaries.application_id)');
    await q.query('UPDATE report_submissions SET origin_tenant = (SELECT t.tenant_key FROM report_tasks t WHERE t.id = report_submissions.task_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('chat_bindings', 'origin_tenant');
    for (const table of [...RECORDS].reverse()) {
      await q.dropColumn(table, 'origin_tenant');
      await q.dropColumn(table, 'origin_platform');
    }
  }
}
