import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expert team of an approved activity (issue 11, item 6). `team_experts` is a JSON array of
 * the experts assigned, each with its id and the name it had when assigned (the cards show the
 * team without a second query, and the record reads the same if the expert is renamed later);
 * `team_note` is the travel note (行程); `team_by` / `team_at` who assigned it and when. Plain
 * ALTER TABLE … ADD COLUMN: the same statements on SQLite and PostgreSQL.
 * Landed: never edit; add a new migration instead.
 */
export class ExpertTeam1766000000000 implements MigrationInterface {
  name = 'ExpertTeam1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE applications ADD COLUMN team_experts text');
    await q.query('ALTER TABLE applications ADD COLUMN team_note text');
    await q.query('ALTER TABLE applications ADD COLUMN team_by varchar(128)');
    await q.query('ALTER TABLE applications ADD COLUMN team_at bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['team_at', 'team_by', 'team_note', 'team_experts']) {
      await q.query(`ALTER TABLE applications DROP COLUMN ${column}`);
    }
  }
}
