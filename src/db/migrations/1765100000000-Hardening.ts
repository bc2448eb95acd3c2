import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Hardening (issue 14):
 * - `inbound_events.abandoned_claims` counts the claims of an event whose lease ran out: the
 *   worker processing it died (or hung) each time. After a few the event is set aside as failed
 *   instead of killing the next process too.
 * - an index for the outbox's per-target heads (the oldest pending message of each chat or user),
 *   so one target's backlog never hides another's messages from the delivery scan.
 * Landed: never edit; add a new migration instead.
 */
export class Hardening1765100000000 implements MigrationInterface {
  name = 'Hardening1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inbound_events', new TableColumn({ name: 'abandoned_claims', type: 'integer', default: 0 }));
    await q.createIndex(
      'outbox_messages',
      new TableIndex({ name: 'ix_outbox_messages_status_rate_key', columnNames: ['status', 'rate_key', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('outbox_messages', 'ix_outbox_messages_status_rate_key');
    await q.dropColumn('inbound_events', 'abandoned_claims');
  }
}
