import { type EntityManager, Not } from 'typeorm';
import { Application } from '../../db/entities/application.entity';
import { LedgerEntry, type LedgerEntity } from '../../db/entities/ledger-entry.entity';
import { Need } from '../../db/entities/need.entity';
import { ReportSubmission } from '../../db/entities/report-submission.entity';
import { ReportTask } from '../../db/entities/report-task.entity';

/**
 * Marks a record of the centre's 台账 as due to be written (issue 13 item 1). Services call it
 * with the manager they write through, so inside `atomically` the mark commits with the change
 * (a change that rolls back marks nothing; one that commits is never forgotten). Marking is one
 * upsert and never waits for Bitable: the ledger worker writes the record later.
 *
 * Repeated changes coalesce: the row's `generation` goes up, and the worker writes the latest
 * state once. A row being written right now stays `syncing`; the worker sees the newer
 * generation when it finishes and leaves the row pending for another pass. A row waiting out a
 * backoff keeps its time (an outage is not hammered by every click); a synced or failed one is
 * due at once. `now` is the change's instant (the record's 最近更新). Marks are kept even when no Base is configured, so turning the 台账 on later
 * loses nothing (and `npm run job -- ledger-sync --full` writes everything anyway).
 */
export async function markLedger(manager: EntityManager, tenantKey: string, entity: LedgerEntity, entityId: number, now: number): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(LedgerEntry)
    .values({
      tenantKey,
      entity,
      entityId,
      status: 'pending',
      generation: 1,
      syncedGeneration: 0,
      attempts: 0,
      // Due at once, whatever the caller's clock (`npm run job --now` marks as of its own
      // instant): backoffs are set by the writer, on its clock.
      nextAttemptAt: 0,
      changedAt: now,
    })
    .onConflict(
      `("entity", "entity_id") DO UPDATE SET ` +
        `"generation" = "ledger_queue"."generation" + 1, ` +
        `"changed_at" = excluded."changed_at", ` +
        `"next_attempt_at" = CASE WHEN "ledger_queue"."status" IN ('synced', 'failed') THEN excluded."next_attempt_at" ELSE "ledger_queue"."next_attempt_at" END, ` +
        `"attempts" = CASE WHEN "ledger_queue"."status" IN ('synced', 'failed') THEN 0 ELSE "ledger_queue"."attempts" END, ` +
        `"status" = CASE WHEN "ledger_queue"."status" = 'syncing' THEN 'syncing' ELSE 'pending' END`,
    )
    .execute();
}

/**
 * Marks every submitted application, every need and every report submission due (the full
 * rebuild): returns how many were marked.
 */
export async function markAllForLedger(em: EntityManager, now: number): Promise<number> {
  let n = 0;
  const apps = await em.getRepository(Application).find({
    // Stryker disable next-line ObjectLiteral: a projection only; just id and tenantKey are read, so loading every column marks the same records
    select: { id: true, tenantKey: true },
    where: { status: Not('草稿') },
  });
  for (const a of apps) await markLedger(em, a.tenantKey, 'application', a.id, now), (n += 1);
  // Stryker disable next-line ObjectLiteral: a projection only; just id and tenantKey are read, so loading every column marks the same records
  const needs = await em.getRepository(Need).find({ select: { id: true, tenantKey: true } });
  for (const x of needs) await markLedger(em, x.tenantKey, 'need', x.id, now), (n += 1);
  // Stryker disable next-line ObjectLiteral: a projection only; just id and tenantKey are read, so loading every column marks the same records
  const tasks = new Map((await em.getRepository(ReportTask).find({ select: { id: true, tenantKey: true } })).map((t) => [t.id, t.tenantKey]));
  // Stryker disable next-line ObjectLiteral: a projection only; just id and taskId are read, so loading every column marks the same records
  const subs = await em.getRepository(ReportSubmission).find({ select: { id: true, taskId: true } });
  for (const s of subs) {
    const tenantKey = tasks.get(s.taskId);
    if (tenantKey) await markLedger(em, tenantKey, 'report', s.id, now), (n += 1);
  }
  return n;
}

/** The queue's counts: pending (syncing included), failed, synced. */
export async function countLedgerQueue(em: EntityManager): Promise<{ pending: number; failed: number; synced: number }> {
  const rows: Array<{ status: string; n: string | number }> = await em
    .getRepository(LedgerEntry)
    .createQueryBuilder('l')
    .select('l.status', 'status')
    .addSelect('COUNT(*)', 'n')
    .groupBy('l.status')
    .getRawMany();
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending: count('pending') + count('syncing'), failed: count('failed'), synced: count('synced') };
}
