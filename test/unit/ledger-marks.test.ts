import type { DataSource } from 'typeorm';
import { Application } from '../../src/db/entities/application.entity';
import { LedgerEntry, type LedgerStatus } from '../../src/db/entities/ledger-entry.entity';
import { Need } from '../../src/db/entities/need.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { ReportTask } from '../../src/db/entities/report-task.entity';
import { countLedgerQueue, markAllForLedger, markLedger } from '../../src/services/ledger/ledger-marks';
import { makeApp, makeNeed, T0 } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ledger-marks.ts on SQLite: what a mark leaves in `ledger_queue` (a new row due at once; a
 * marked row's generation going up, its backoff kept unless it was synced or failed, a row being
 * written staying `syncing`), the full rebuild's marks (drafts and orphan submissions left out)
 * and the queue's counts.
 */

let ds: DataSource;
let seq = 0;
beforeEach(async () => {
  ds = await openTempDatabase('ledger-marks-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

const rows = () => ds.getRepository(LedgerEntry).find({ order: { id: 'ASC' } });
const pick = (r: LedgerEntry) => ({
  tenantKey: r.tenantKey,
  entity: r.entity,
  entityId: r.entityId,
  status: r.status,
  generation: r.generation,
  syncedGeneration: r.syncedGeneration,
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  changedAt: r.changedAt,
});

describe('markLedger', () => {
  it('queues a new record as pending, generation 1, due at once, whatever the caller clock', async () => {
    await markLedger(ds.manager, 'tenant_1', 'need', 42, T0);
    expect((await rows()).map(pick)).toEqual([
      { tenantKey: 'tenant_1', entity: 'need', entityId: 42, status: 'pending', generation: 1, syncedGeneration: 0, attempts: 0, nextAttemptAt: 0, changedAt: T0 },
    ]);
  });

  it('keeps one row per record: marks of other records are rows of their own', async () => {
    await markLedger(ds.manager, 'tenant_1', 'need', 42, T0);
    await markLedger(ds.manager, 'tenant_1', 'application', 42, T0);
    await markLedger(ds.manager, 'tenant_1', 'need', 43, T0);
    await markLedger(ds.manager, 'tenant_1', 'need', 42, T0 + 1);
    expect((await rows()).map((r) => [r.entity, r.entityId, r.generation])).toEqual([
      ['need', 42, 2],
      ['application', 42, 1],
      ['need', 43, 1],
    ]);
  });

  async function markedAgain(status: LedgerStatus) {
    await markLedger(ds.manager, 'tenant_1', 'report', 5, T0);
    await ds.getRepository(LedgerEntry).update({ entity: 'report', entityId: 5 }, { status, generation: 3, syncedGeneration: 2, attempts: 4, nextAttemptAt: T0 + 60_000 });
    await markLedger(ds.manager, 'tenant_1', 'report', 5, T0 + 1000);
    const [row] = await rows();
    return pick(row);
  }

  it.each(['synced', 'failed'] as const)('makes a %s record pending again, due at once, its attempts reset', async (status) => {
    expect(await markedAgain(status)).toMatchObject({ status: 'pending', generation: 4, syncedGeneration: 2, attempts: 0, nextAttemptAt: 0, changedAt: T0 + 1000 });
  });

  it('leaves a pending record waiting out its backoff: time and attempts kept', async () => {
    expect(await markedAgain('pending')).toMatchObject({ status: 'pending', generation: 4, attempts: 4, nextAttemptAt: T0 + 60_000, changedAt: T0 + 1000 });
  });

  it('leaves a record being written syncing, with a newer generation for the writer to see', async () => {
    expect(await markedAgain('syncing')).toMatchObject({ status: 'syncing', generation: 4, attempts: 4, nextAttemptAt: T0 + 60_000, changedAt: T0 + 1000 });
  });
});

describe('markAllForLedger', () => {
  it('marks every submitted application, every need and every submission of a known task', async () => {
    const apps = ds.getRepository(Application);
    const app = (over: Partial<Application>) => {
      const { id: _id, ...rest } = makeApp({ formToken: `tok_app_${(seq += 1)}`, codeSeq: seq, ...over });
      return apps.save(rest as Application);
    };
    const a1 = await app({ tenantKey: 't_a', status: '已通过' });
    await app({ tenantKey: 't_a', status: '草稿' });
    const a3 = await app({ tenantKey: 't_b', status: '待审核' });
    const { id: _n, ...need } = makeNeed({ tenantKey: 't_c' });
    const n1 = await ds.getRepository(Need).save(need as Need);
    const task = await ds.getRepository(ReportTask).save({
      tenantKey: 't_d',
      formToken: 'tok_task',
      codeYear: 2027,
      codeSeq: 1,
      title: '五月活动开展情况',
      description: '',
      deadlineAt: T0,
      regions: '[]',
      expects: 'text',
      createdBy: 'ou_admin',
      progressKeys: '[]',
      version: 1,
      createdAt: T0,
      originPlatform: 'feishu',
      originTenant: 't_d',
    } as ReportTask);
    const sub = (taskId: number, region: string) =>
      ds.getRepository(ReportSubmission).save({
        taskId,
        region,
        text: '',
        submittedBy: 'ou_x',
        submittedAt: T0,
        late: false,
        times: 1,
        originPlatform: 'feishu',
        originTenant: 't_d',
      } as ReportSubmission);
    const s1 = await sub(task.id, '包头市');
    await sub(task.id + 100, '呼和浩特市');

    expect(await markAllForLedger(ds.manager, T0 + 7)).toBe(4);
    expect((await rows()).map((r) => [r.tenantKey, r.entity, r.entityId, r.status, r.changedAt])).toEqual([
      ['t_a', 'application', a1.id, 'pending', T0 + 7],
      ['t_b', 'application', a3.id, 'pending', T0 + 7],
      ['t_c', 'need', n1.id, 'pending', T0 + 7],
      ['t_d', 'report', s1.id, 'pending', T0 + 7],
    ]);
  });

  it('marks nothing in an empty database', async () => {
    expect(await markAllForLedger(ds.manager, T0)).toBe(0);
    expect(await rows()).toEqual([]);
  });
});

describe('countLedgerQueue', () => {
  it('counts pending and syncing as pending, failed and synced apart', async () => {
    const statuses: LedgerStatus[] = ['synced', 'pending', 'failed', 'syncing', 'synced', 'pending', 'synced'];
    for (const [i, status] of statuses.entries()) {
      await markLedger(ds.manager, 'tenant_1', 'need', i + 1, T0);
      await ds.getRepository(LedgerEntry).update({ entity: 'need', entityId: i + 1 }, { status });
    }
    expect(await countLedgerQueue(ds.manager)).toEqual({ pending: 3, failed: 1, synced: 3 });
  });

  it('counts zeros in an empty queue', async () => {
    expect(await countLedgerQueue(ds.manager)).toEqual({ pending: 0, failed: 0, synced: 0 });
  });
});
