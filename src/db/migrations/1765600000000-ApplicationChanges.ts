import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change and cancel after approval (issue 11, item 1). `change_request` is the latest change
 * request as JSON (old and new values, its state, who decided); `date_changes` counts approved
 * date changes, so that reminder occasions of earlier dates are told apart from the current
 * ones; `cancel_*` record a cancellation (已取消) for the cards. Plain ALTER TABLE … ADD COLUMN:
 * the same statements on SQLite and PostgreSQL.
 * Landed: never edit; add a new migration instead.
 */
export class ApplicationChanges1765600000000 implements MigrationInterface {
  name = 'ApplicationChanges1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE applications ADD COLUMN change_request text');
    await q.query('ALTER TABLE applications ADD COLUMN date_changes integer NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE applications ADD COLUMN cancel_reason text');
    await q.query('ALTER TABLE applications ADD COLUMN cancelled_by varchar(128)');
    await q.query('ALTER TABLE applications ADD COLUMN cancelled_at bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['cancelled_at', 'cancelled_by', 'cancel_reason', 'date_changes', 'change_request']) {
      await q.query(`ALTER TABLE applications DROP COLUMN ${column}`);
    }
  }
}
