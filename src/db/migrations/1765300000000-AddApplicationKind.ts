import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The activity's kind (issue 11): 能力提升 (企业创新能力提升活动) or 对外交流 (对外交流活动).
 * Every application filed before this counts as the first kind, which is the column's default.
 * Plain ALTER TABLE … ADD COLUMN: the same statement on SQLite and PostgreSQL, and on SQLite it
 * does not rebuild the table as TypeORM's addColumn would.
 * Landed: never edit; add a new migration instead.
 */
export class AddApplicationKind1765300000000 implements MigrationInterface {
  name = 'AddApplicationKind1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications ADD COLUMN kind varchar(8) NOT NULL DEFAULT '能力提升'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE applications DROP COLUMN kind');
  }
}
