import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Report forms issued by 提交 (issue 14): which 盟市 a private form submits for, to whom it was
 * sent and from which bound group, and whether it was used. Landed: never edit; add a new
 * migration instead.
 */
export class CreateReportForms1765000000000 implements MigrationInterface {
  name = 'CreateReportForms1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'report_forms',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_key', type: 'varchar', length: '64' },
          { name: 'token', type: 'varchar', length: '64' },
          { name: 'task_id', type: 'integer' },
          { name: 'region', type: 'varchar', length: '32' },
          { name: 'issued_to', type: 'varchar', length: '128' },
          { name: 'chat_id', type: 'varchar', length: '128' },
          { name: 'task_version', type: 'integer' },
          { name: 'issued_at', type: 'bigint' },
          { name: 'submitted_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_report_forms_token', columnNames: ['tenant_key', 'token'], isUnique: true }),
          new TableIndex({ name: 'uq_report_forms_issue', columnNames: ['task_id', 'region', 'issued_to', 'task_version'], isUnique: true }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_forms');
  }
}
