import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Experts whose personal data an admin deleted but whom needs still name keep their row,
 * emptied, with the instant of deletion (issue 15).
 * Landed: never edit; add a new migration instead.
 */
export class ExpertDeletion1765200000000 implements MigrationInterface {
  name = 'ExpertDeletion1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('experts', new TableColumn({ name: 'deleted_at', type: 'bigint', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('experts', 'deleted_at');
  }
}
