import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, openDatabase } from '../../src/db/data-source';
import { Application } from '../../src/db/entities/application.entity';
import { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { UnitOfWork } from '../../src/db/unit-of-work';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { ApplicationService } from '../../src/services/application-service';
import { OutboxService } from '../../src/services/outbox-service';
import { checked } from '../helpers/factories';

/**
 * The unit of work against real databases: SQLite (a file, always) and PostgreSQL (when
 * TEST_POSTGRES_URL is set). A change, its audit row and its outbox rows commit together or not
 * at all; on SQLite's one shared connection a transaction neither takes in other requests'
 * statements nor lets them read what it has not committed, and a failing one undoes only its own
 * work. The outbox is never started here: what is asserted is what was queued.
 */

const TENANT = 'tenant-uow';
const YEAR = 2027;
const PG_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

/** Lets `n` turns of the event loop pass, so that concurrent work interleaves. */
const turns = (n: number) =>
  new Promise<void>((resolve) => {
    const step = (left: number): void => void (left <= 0 ? resolve() : setImmediate(() => step(left - 1)));
    step(n);
  });

class Boom extends Error {}

const databases: Array<[string, () => Promise<{ ds: DataSource; cleanup: () => Promise<void> }>]> = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'unit-of-work-'));
      const ds = await openDatabase(`sqlite:${join(dir, 'bot.sqlite')}`);
      return { ds, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
if (PG_URL) {
  databases.push([
    'PostgreSQL',
    async () => {
      const admin = createDataSource(PG_URL);
      await admin.initialize();
      await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
      await admin.query('CREATE SCHEMA public');
      await admin.destroy();
      return { ds: await openDatabase(PG_URL), cleanup: async () => undefined };
    },
  ]);
}

describe.each(databases)('unit of work on %s', (_name, open) => {
  let ds: DataSource;
  let cleanup: () => Promise<void>;
  let uow: UnitOfWork;
  let outbox: OutboxService;
  let tokens = 0;
  const token = () => `uow-form-${++tokens}`;

  beforeEach(async () => {
    ({ ds, cleanup } = await open());
    uow = new UnitOfWork(ds);
    const logger = createLogger('silent');
    outbox = new OutboxService(ds, new DryRunPlatform(logger), logger);
  });
  afterEach(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await cleanup();
  });

  const submitted = () => ds.getRepository(Application).find({ where: { status: '待审核' }, order: { codeSeq: 'ASC' } });
  const queued = async () => (await ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).map((m) => m.target);
  const audited = async () => (await ds.getRepository(ApplicationEvent).find({ order: { id: 'ASC' } })).map((e) => e.applicationId);

  /** Submits a fresh card and queues its review card, in one transaction; fails after both if told to. */
  const submitAndQueue = (i: number, fail: boolean) =>
    uow.run(async (tx) => {
      const apps = new ApplicationService(tx.manager);
      const r = await apps.submit({ tenantKey: TENANT, actorOpenId: `ou_filer_${i}`, formToken: token(), app: null, checked: checked(), year: YEAR });
      if (!r.ok) throw new Error('submit refused');
      await outbox.within(tx).sendToChat({ tenantKey: TENANT, key: `review:${r.app.id}` }, `oc_centre_${i}`, { type: 'text', text: `审核 ${i}` });
      await turns(3);
      if (fail) throw new Boom(`failed after queueing ${i}`);
      return r.app;
    });

  it('commits the change, its audit row and its messages together, or none of them', async () => {
    const ok = await submitAndQueue(1, false);
    await expect(submitAndQueue(2, true)).rejects.toThrow(Boom);
    expect((await submitted()).map((a) => a.id)).toEqual([ok.id]);
    expect(await audited()).toEqual([ok.id]);
    expect(await queued()).toEqual(['oc_centre_1']);
  });

  it('keeps 20 concurrent transactions apart: the failing half leaves nothing, the rest everything, codes 1..10', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => submitAndQueue(i, i % 2 === 1)));
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof Boom)).toBe(true);
    const apps = await submitted();
    expect(apps.map((a) => a.codeSeq)).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
    expect(apps.map((a) => Number(a.filerOpenId.slice('ou_filer_'.length)) % 2)).toEqual(Array(10).fill(0));
    expect((await queued()).sort()).toEqual(apps.map((a) => `oc_centre_${a.filerOpenId.slice('ou_filer_'.length)}`).sort());
    expect((await audited()).sort()).toEqual(apps.map((a) => a.id).sort());
  });

  it('undoes only its own work when it fails while other requests write', async () => {
    const standalone = new ApplicationService(ds);
    const [failed, ...others] = await Promise.allSettled([
      submitAndQueue(1, true),
      ...Array.from({ length: 8 }, (_, i) => standalone.submit({ tenantKey: TENANT, actorOpenId: `ou_other_${i}`, formToken: token(), app: null, checked: checked(), year: YEAR })),
    ]);
    expect(failed.status).toBe('rejected');
    expect(others.every((r) => r.status === 'fulfilled' && r.value.ok)).toBe(true);
    const apps = await submitted();
    expect(apps.map((a) => a.filerOpenId).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `ou_other_${i}`).sort());
    expect(apps.map((a) => a.codeSeq)).toEqual(Array.from({ length: 8 }, (_, k) => k + 1));
    expect(await queued()).toEqual([]);
  });

  it('lets nobody outside read what a transaction has not committed', async () => {
    let inside!: () => void;
    const wrote = new Promise<void>((resolve) => (inside = resolve));
    const tx = uow.run(async (t) => {
      await outbox.within(t).sendToUser({ tenantKey: TENANT, key: 'never-committed' }, 'ou_someone', { type: 'text', text: '不会发出' });
      inside();
      await turns(20);
      throw new Boom('rolled back');
    });
    await wrote;
    // Issued while the transaction is open, from outside it: it sees the state before or after, never the row in between.
    const seen = await ds.getRepository(OutboxMessage).count();
    await expect(tx).rejects.toThrow(Boom);
    expect(seen).toBe(0);
    expect(await queued()).toEqual([]);
  });

  it('queues a message once per key inside a transaction, without aborting it', async () => {
    await uow.run(async (tx) => {
      const m = outbox.within(tx);
      await m.sendToChat({ tenantKey: TENANT, key: 'same' }, 'oc_a', { type: 'text', text: '一' });
      await m.sendToChat({ tenantKey: TENANT, key: 'same' }, 'oc_a', { type: 'text', text: '一' });
      await m.sendToChat({ tenantKey: TENANT, key: 'other' }, 'oc_b', { type: 'text', text: '二' });
    });
    expect(await queued()).toEqual(['oc_a', 'oc_b']);
  });

  it('joins the open transaction when called inside it (one commit, one rollback)', async () => {
    await expect(
      uow.run(async (outer) => {
        await outbox.within(outer).sendToChat({ tenantKey: TENANT, key: 'outer' }, 'oc_outer', { type: 'text', text: '外' });
        await uow.run(async (inner) => {
          expect(inner).toBe(outer);
          await outbox.within(inner).sendToChat({ tenantKey: TENANT, key: 'inner' }, 'oc_inner', { type: 'text', text: '内' });
        });
        throw new Boom('after the inner one');
      }),
    ).rejects.toThrow(Boom);
    expect(await queued()).toEqual([]);
  });
});
