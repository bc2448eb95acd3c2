import type { DataSource } from 'typeorm';
import { Application } from '../../src/db/entities/application.entity';
import { Need } from '../../src/db/entities/need.entity';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.entity';
import { createLogger } from '../../src/logger';
import { BitableClient } from '../../src/platform/feishu/bitable-client';
import { markLedger } from '../../src/services/ledger/ledger-marks';
import { LedgerWorker, type LedgerOptions } from '../../src/services/ledger/ledger-worker';
import { FakeFeishu } from '../helpers/fake-feishu';
import { makeApp, makeNeed, T0 } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The ledger worker against the fake Bitable (loopback): the tables it makes, the records a
 * pass writes (in due order, a batch at most), what a Bitable failure leaves queued (retryable:
 * the row pending after its backoff and the whole queue paused; permanent: the row failed, the
 * others written), an update of a record already written, and a record deleted by hand. Also
 * what it does not do: look at the Base again while nothing is missing, take a row another
 * writer holds, outrun perSecond, go on after `stop`, wait past a drain's deadline.
 */

const BASE = 'bascnLedgerUnit00000000001';
const NEEDS = '企业需求台账';
const OPTS: LedgerOptions = {
  pollIntervalMs: 3_600_000,
  leaseMs: 60_000,
  perSecond: 1000,
  recheckMs: 300_000,
  retry: { baseDelayMs: 1000, maxDelayMs: 1000, maxAttempts: 5 },
  batch: 50,
};

let ds: DataSource;
let fake: FakeFeishu;
let clock: number;
let seq = 0;
beforeEach(async () => {
  ds = await openTempDatabase('ledger-worker-');
  fake = await new FakeFeishu().start();
  fake.bitable.addBase(BASE);
  clock = T0;
});
afterEach(async () => {
  await fake.stop();
  await closeTempDatabase(ds);
});

/** A worker as the bot makes it: its passes run only while its loop runs (`start`). */
function loopWorker(opts: Partial<LedgerOptions> = {}): LedgerWorker {
  const logger = createLogger('fatal');
  const client = new BitableClient({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.url, timeoutMs: 5000, logger });
  return new LedgerWorker(ds, client, BASE, 'Asia/Shanghai', logger, { ...OPTS, ...opts }, () => clock);
}

function worker(opts: Partial<LedgerOptions> = {}): LedgerWorker {
  const w = loopWorker(opts);
  // Passes run as `drain` runs them (the loop itself is not started: no timers).
  (w as any).draining = true;
  return w;
}

async function need(name: string): Promise<number> {
  seq += 1;
  const { id: _id, ...n } = makeNeed({ enterpriseName: name, formToken: `tok_${seq}`, codeSeq: seq });
  const saved = await ds.getRepository(Need).save(n as Need);
  await markLedger(ds.manager, 'tenant_1', 'need', saved.id, T0);
  return saved.id;
}

const queue = () => ds.getRepository(LedgerEntry).find({ order: { id: 'ASC' } });
const names = () => fake.bitable.records(BASE, NEEDS).map((r) => r['企业名称']);

it('makes the three tables, then writes due records in due order and marks them synced where they went', async () => {
  const w = worker();
  const a = await need('甲公司');
  const b = await need('乙公司');
  const c = await need('丙公司');
  // 丙 is due first, then 乙; 甲 not yet.
  await ds.getRepository(LedgerEntry).update({ entityId: b }, { nextAttemptAt: T0 - 5 });
  await ds.getRepository(LedgerEntry).update({ entityId: c }, { nextAttemptAt: T0 - 10 });
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { nextAttemptAt: T0 + 1 });
  expect(await w.pass()).toBe(2);
  expect(w.problems()).toEqual([]);
  expect(['活动申请台账', NEEDS, '报送台账'].map((n) => fake.bitable.table(BASE, n) !== undefined)).toEqual([true, true, true]);
  expect(names()).toEqual(['丙公司', '乙公司']);
  const table = fake.bitable.table(BASE, NEEDS)!;
  const rows = await queue();
  expect(rows.map((r) => [r.entityId, r.status, r.appToken, r.tableId, r.recordId !== null, r.attempts, r.syncedGeneration])).toEqual([
    [a, 'pending', null, null, false, 0, 0],
    [b, 'synced', BASE, table.table_id, true, 0, 1],
    [c, 'synced', BASE, table.table_id, true, 0, 1],
  ]);
  expect(rows[1].syncedAt).toBe(T0);
  expect(await w.state()).toEqual({ pending: 1, failed: 0, synced: 2, problems: [] });
  clock = T0 + 1;
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['丙公司', '乙公司', '甲公司']);
});

it('takes at most a batch per pass', async () => {
  const w = worker({ batch: 2 });
  for (const n of ['甲公司', '乙公司', '丙公司']) await need(n);
  expect(await w.pass()).toBe(2);
  expect(names()).toEqual(['甲公司', '乙公司']);
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司', '乙公司', '丙公司']);
});

it('updates the record already written instead of making a second one', async () => {
  const w = worker();
  const a = await need('甲公司');
  await w.pass();
  const [first] = await queue();
  await ds.getRepository(Need).update({ id: a }, { enterpriseName: '甲公司（改名）' });
  await markLedger(ds.manager, 'tenant_1', 'need', a, T0 + 5);
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司（改名）']);
  const [row] = await queue();
  expect([row.recordId, row.generation, row.syncedGeneration, row.status]).toEqual([first.recordId, 2, 2, 'synced']);
});

it('writes a record deleted by hand in the Base anew', async () => {
  const w = worker();
  const a = await need('甲公司');
  await w.pass();
  const [first] = await queue();
  fake.bitable.deleteRecord(BASE, NEEDS, first.recordId!);
  await markLedger(ds.manager, 'tenant_1', 'need', a, T0 + 5);
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
  const [row] = await queue();
  expect(row.status).toBe('synced');
  expect(row.recordId).not.toBe(first.recordId);
  // Bitable answers a client_token it has seen with the record that create made, the deleted
  // one: the new create goes under a token of its own.
  const tokens = fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/records')).map((c) => c.query.client_token);
  expect(tokens).toHaveLength(2);
  expect(tokens[1]).not.toBe(tokens[0]);
});

it('on a retryable failure leaves the row pending after its backoff and pauses the whole queue', async () => {
  const w = worker();
  const a = await need('甲公司');
  const b = await need('乙公司');
  fake.bitable.writeFailures.push({ status: 500 });
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual([]);
  const rows = await queue();
  expect(rows.map((r) => [r.entityId, r.status, r.attempts])).toEqual([
    [a, 'pending', 1],
    [b, 'pending', 0],
  ]);
  expect(rows[0].nextAttemptAt).toBeGreaterThanOrEqual(T0 + 800);
  expect(rows[0].nextAttemptAt).toBeLessThanOrEqual(T0 + 1200);
  expect(rows[0].lastError).toEqual(expect.any(String));
  // Paused: nothing is tried before the backoff is over, not even the other row.
  clock = rows[0].nextAttemptAt - 1;
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual([]);
  clock = rows[0].nextAttemptAt;
  expect(await w.pass()).toBe(2);
  expect(names()).toEqual(['乙公司', '甲公司']);
  expect((await queue()).map((r) => [r.status, r.attempts, r.lastError])).toEqual([
    ['synced', 0, null],
    ['synced', 0, null],
  ]);
});

it('on a permanent failure marks the row failed and writes the others', async () => {
  const w = worker();
  const a = await need('甲公司');
  const b = await need('乙公司');
  fake.bitable.writeFailures.push({ status: 400, body: { code: 1254001, msg: 'WrongRequestBody' } });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['乙公司']);
  const rows = await queue();
  expect(rows.map((r) => [r.entityId, r.status])).toEqual([
    [a, 'failed'],
    [b, 'synced'],
  ]);
  expect(rows[0].lastError).toContain('WrongRequestBody');
  expect(await w.state()).toEqual({ pending: 0, failed: 1, synced: 1, problems: [] });
});

it('marks a record with nothing to write synced without writing it', async () => {
  const w = worker();
  await markLedger(ds.manager, 'tenant_1', 'need', 999, T0);
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual([]);
  expect((await queue()).map((r) => [r.status, r.recordId])).toEqual([['synced', null]]);
});

it('writes nothing while the Base cannot be read, and says why', async () => {
  const w = worker();
  fake.bitable.bases.delete(BASE);
  await need('甲公司');
  expect(await w.pass()).toBe(0);
  expect(w.problems()).toHaveLength(1);
  expect(w.problems()[0]).toContain(`无法读取多维表格（${BASE}）的数据表`);
  expect((await queue()).map((r) => r.status)).toEqual(['pending']);
});

describe('checking the Base again', () => {
  /** Writes 甲公司, renames it in the database and marks it due again. */
  async function writtenThenRenamed(w: LedgerWorker): Promise<number> {
    const a = await need('甲公司');
    expect(await w.pass()).toBe(1);
    await ds.getRepository(Need).update({ id: a }, { enterpriseName: '甲公司（改名）' });
    await markLedger(ds.manager, 'tenant_1', 'need', a, T0 + 5);
    return a;
  }

  it('makes a table deleted by hand again after the backoff and writes the row there, not failing it', async () => {
    const w = worker();
    await writtenThenRenamed(w);
    const oldId = fake.bitable.table(BASE, NEEDS)!.table_id;
    fake.bitable.deleteTable(BASE, NEEDS);
    expect(await w.pass()).toBe(0);
    const [waiting] = await queue();
    expect([waiting.status, waiting.lastError]).toEqual(['pending', expect.stringContaining('1254041')]);
    expect(fake.bitable.table(BASE, NEEDS)).toBeUndefined();
    // Paused for the backoff like any retryable failure; then the Base is looked at again.
    clock = waiting.nextAttemptAt - 1;
    expect(await w.pass()).toBe(0);
    expect(fake.bitable.table(BASE, NEEDS)).toBeUndefined();
    clock = waiting.nextAttemptAt;
    expect(await w.pass()).toBe(1);
    const made = fake.bitable.table(BASE, NEEDS)!;
    expect(made.table_id).not.toBe(oldId);
    expect(names()).toEqual(['甲公司（改名）']);
    const [row] = await queue();
    expect([row.status, row.tableId, row.lastError]).toEqual(['synced', made.table_id, null]);
    expect(w.problems()).toEqual([]);
  });

  it('adds a field deleted by hand again and writes the row with it', async () => {
    const w = worker();
    await writtenThenRenamed(w);
    fake.bitable.deleteField(BASE, NEEDS, '企业名称');
    expect(await w.pass()).toBe(0);
    const [waiting] = await queue();
    expect([waiting.status, waiting.lastError]).toEqual(['pending', expect.stringContaining('1254045')]);
    clock = waiting.nextAttemptAt;
    expect(await w.pass()).toBe(1);
    expect(fake.bitable.table(BASE, NEEDS)!.fields.map((f) => f.field_name)).toContain('企业名称');
    expect(names()).toEqual(['甲公司（改名）']);
    expect((await queue()).map((r) => r.status)).toEqual(['synced']);
    expect(fake.violations).toEqual([]);
  });

  it('writes the other fields when a field deleted by hand cannot be made again, and says so', async () => {
    const w = worker();
    await writtenThenRenamed(w);
    fake.bitable.deleteField(BASE, NEEDS, '企业名称');
    fake.bitable.denyStructure = true;
    expect(await w.pass()).toBe(0);
    clock = (await queue())[0].nextAttemptAt;
    expect(await w.pass()).toBe(1);
    expect(w.problems()).toEqual([expect.stringContaining(`数据表「${NEEDS}」缺少字段「企业名称」`)]);
    expect(names()).toEqual([undefined]);
    expect((await queue()).map((r) => r.status)).toEqual(['synced']);
  });

  it('tries an unreadable Base again after 30 s at most, not before', async () => {
    const w = worker();
    fake.bitable.bases.delete(BASE);
    await need('甲公司');
    expect(await w.pass()).toBe(0);
    fake.bitable.addBase(BASE);
    clock = T0 + 29_999;
    expect(await w.pass()).toBe(0);
    clock = T0 + 30_000;
    expect(await w.pass()).toBe(1);
    expect(names()).toEqual(['甲公司']);
  });

  it('tries an unreadable Base again after recheckMs when that is shorter', async () => {
    const w = worker({ recheckMs: 10_000 });
    fake.bitable.bases.delete(BASE);
    await need('甲公司');
    expect(await w.pass()).toBe(0);
    fake.bitable.addBase(BASE);
    clock = T0 + 9_999;
    expect(await w.pass()).toBe(0);
    clock = T0 + 10_000;
    expect(await w.pass()).toBe(1);
  });

  it('writes the tables it has, only their right fields, and looks for the rest every recheckMs', async () => {
    const w = worker();
    fake.bitable.addBase(BASE, [
      {
        table_id: 'tblHand01',
        name: NEEDS,
        fields: [
          { field_id: 'fld1', field_name: '编号', type: 1, is_primary: true },
          { field_id: 'fld2', field_name: '企业名称', type: 2, is_primary: false },
        ],
        records: new Map(),
      },
    ]);
    fake.bitable.denyStructure = true;
    await need('甲公司');
    await markLedger(ds.manager, 'tenant_1', 'application', 77, T0);
    expect(await w.pass()).toBe(1);
    // Only 编号 is written: 企业名称 is a number field, the others are missing.
    expect(fake.bitable.records(BASE, NEEDS)).toEqual([{ 编号: expect.stringMatching(/^XQ2027-\d{4}$/) }]);
    expect(w.problems()).toHaveLength(12);
    // The application's row is not taken while its table is missing.
    expect((await queue()).map((r) => [r.entity, r.status])).toEqual([
      ['need', 'synced'],
      ['application', 'pending'],
    ]);
    fake.bitable.denyStructure = false;
    clock = T0 + OPTS.recheckMs - 1;
    await w.pass();
    expect(fake.bitable.table(BASE, '活动申请台账')).toBeUndefined();
    clock = T0 + OPTS.recheckMs;
    await w.pass();
    expect(fake.bitable.table(BASE, '活动申请台账')).toBeDefined();
    expect(w.problems()).toEqual([`数据表「${NEEDS}」的字段「企业名称」类型为数字，应为文本（该字段暂不写入，请修改类型或删除后由机器人重建）`]);
    // Application 77 does not exist: nothing to write, the row is done.
    expect((await queue()).map((r) => r.status)).toEqual(['synced', 'synced']);
  });
});

it('takes back a row whose writer\'s lease ran out', async () => {
  const w = worker();
  const a = await need('甲公司');
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { status: 'syncing', leaseUntil: T0 - 1 });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
});

it('leaves a row being written by another writer alone', async () => {
  const w = worker();
  const a = await need('甲公司');
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { status: 'syncing', leaseUntil: T0 + 1 });
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual([]);
});

it('creates a new record when the one remembered is in another Base', async () => {
  const w = worker();
  const a = await need('甲公司');
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { appToken: 'bascnOldBase', tableId: 'tblOld', recordId: 'recOld' });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
  const [row] = await queue();
  expect([row.appToken, row.recordId === 'recOld']).toEqual([BASE, false]);
});

it('gives up on a row after maxAttempts retryable failures', async () => {
  const w = worker({ retry: { baseDelayMs: 1000, maxDelayMs: 1000, maxAttempts: 1 } });
  const a = await need('甲公司');
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { attempts: 0 });
  fake.bitable.writeFailures.push({ status: 500 }, { status: 500 });
  expect(await w.pass()).toBe(0);
  expect((await queue()).map((r) => [r.status, r.attempts])).toEqual([['failed', 1]]);
});

it('leaves a record changed while it was being written pending, and writes the change on the next pass', async () => {
  const w = worker();
  const a = await need('甲公司');
  // The change commits while the create is on its way to Bitable.
  const handle = fake.bitable.handle.bind(fake.bitable);
  let changed = false;
  fake.bitable.handle = async (call, send) => {
    if (!changed && call.method === 'POST' && call.path.endsWith('/records')) {
      changed = true;
      await ds.getRepository(Need).update({ id: a }, { enterpriseName: '甲公司（改名）' });
      await markLedger(ds.manager, 'tenant_1', 'need', a, T0 + 5);
    }
    return handle(call, send);
  };
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
  expect((await queue()).map((r) => [r.status, r.generation, r.syncedGeneration])).toEqual([['pending', 2, 1]]);
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司（改名）']);
  expect((await queue()).map((r) => [r.status, r.generation, r.syncedGeneration])).toEqual([['synced', 2, 2]]);
});

it('creates a new record, without trying the old one, when the one remembered is in another table of the Base', async () => {
  const w = worker();
  const a = await need('甲公司');
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { appToken: BASE, tableId: 'tblOld', recordId: 'recOld' });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
  expect(fake.calls.filter((c) => c.path.includes('/records/'))).toEqual([]);
  const [row] = await queue();
  expect(row.tableId).toBe(fake.bitable.table(BASE, NEEDS)!.table_id);
});

it('retries a failed update of the record later instead of writing a second record', async () => {
  const w = worker();
  const a = await need('甲公司');
  await w.pass();
  await ds.getRepository(Need).update({ id: a }, { enterpriseName: '甲公司（改名）' });
  await markLedger(ds.manager, 'tenant_1', 'need', a, T0 + 5);
  fake.bitable.writeFailures.push({ status: 500 });
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual(['甲公司']);
  expect((await queue()).map((r) => r.status)).toEqual(['pending']);
});

describe('drain', () => {
  it('runs passes until nothing is due, then passes outside the loop stop at once again', async () => {
    const w = worker({ batch: 1, pollIntervalMs: 10 });
    for (const n of ['甲公司', '乙公司', '丙公司']) await need(n);
    const started = Date.now();
    await w.drain(started + 20_000);
    // It returned as soon as nothing was due, long before its deadline.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(names()).toEqual(['甲公司', '乙公司', '丙公司']);
    expect(await w.state()).toEqual({ pending: 0, failed: 0, synced: 3, problems: [] });
    await need('丁公司');
    expect(await w.pass()).toBe(0);
    expect(names()).toHaveLength(3);
  });

  it('when its deadline comes sooner than pollIntervalMs, waits for exactly that: no more passes, no longer wait', async () => {
    // Every pass looks at the (unreadable) Base again: each look is one pass.
    const w = worker({ pollIntervalMs: 10_000, recheckMs: 0 });
    fake.bitable.bases.delete(BASE);
    await need('甲公司');
    const started = Date.now();
    await w.drain(started + 300);
    expect(Date.now() - started).toBeLessThan(5_000);
    const looks = fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/tables')).length;
    expect(looks).toBeGreaterThanOrEqual(1);
    expect(looks).toBeLessThanOrEqual(2);
  });

  it('runs no pass once its deadline has come', async () => {
    const w = worker();
    await need('甲公司');
    // Date.now stands still (only Date is faked): the deadline is this very millisecond.
    jest.useFakeTimers({
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
    try {
      await w.drain(Date.now());
    } finally {
      jest.useRealTimers();
    }
    expect(fake.calls.filter((c) => c.path.includes('/bitable/'))).toEqual([]);
    expect((await w.state()).pending).toBe(1);
  });

  it('stops at its deadline while something is still due', async () => {
    const w = worker({ pollIntervalMs: 10 });
    fake.bitable.bases.delete(BASE);
    await need('甲公司');
    const started = Date.now();
    await w.drain(started + 300);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await w.state()).pending).toBe(1);
  });
});

it('reports nothing missing before it has looked at the Base, and calls no Bitable API for that', async () => {
  const w = loopWorker();
  expect(await w.state()).toEqual({ pending: 0, failed: 0, synced: 0, problems: [] });
  expect(fake.calls.filter((c) => c.path.includes('/bitable/'))).toEqual([]);
});

it('once stopped, finishes the write under way and takes no other row', async () => {
  const w = loopWorker();
  for (const n of ['甲公司', '乙公司', '丙公司']) await need(n);
  // The first create is held until the test has called stop.
  let writing = false;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const handle = fake.bitable.handle.bind(fake.bitable);
  fake.bitable.handle = async (call, send) => {
    if (!writing && call.method === 'POST' && call.path.endsWith('/records')) {
      writing = true;
      await held;
    }
    return handle(call, send);
  };
  w.start();
  await fake.waitFor(() => writing, 'the first create');
  const stopping = w.stop();
  release();
  await stopping;
  // stop waited for that write and its row; the pass then stopped.
  expect(names()).toEqual(['甲公司']);
  expect(await w.state()).toEqual({ pending: 2, failed: 0, synced: 1, problems: [] });
  // A pass outside the loop (neither started nor draining) takes nothing either.
  expect(await w.pass()).toBe(0);
  expect(names()).toEqual(['甲公司']);
});

describe('ensureTables', () => {
  it('answers false when the Base cannot be read', async () => {
    fake.bitable.bases.delete(BASE);
    expect(await loopWorker().ensureTables()).toBe(false);
  });

  it('answers false when no table exists and none may be made', async () => {
    fake.bitable.denyStructure = true;
    const w = loopWorker();
    expect(await w.ensureTables()).toBe(false);
    expect(w.problems()).toHaveLength(3);
  });

  it('answers true when one table can be written, though the others cannot be made', async () => {
    fake.bitable.addBase(BASE, [
      { table_id: 'tblHand01', name: NEEDS, fields: [{ field_id: 'fld1', field_name: '编号', type: 1, is_primary: true }], records: new Map() },
    ]);
    fake.bitable.denyStructure = true;
    const w = loopWorker();
    expect(await w.ensureTables()).toBe(true);
    expect(w.problems().length).toBeGreaterThan(2);
  });
});

it('does not look at the Base again while nothing is missing in it', async () => {
  const w = worker();
  await need('甲公司');
  expect(await w.pass()).toBe(1);
  clock = T0 + OPTS.recheckMs;
  await need('乙公司');
  expect(await w.pass()).toBe(1);
  expect(fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/tables'))).toHaveLength(1);
});

it('fills a batch with due pending rows only, however many rows are done before them', async () => {
  const w = worker({ batch: 1 });
  const a = await need('甲公司');
  const b = await need('乙公司');
  const c = await need('丙公司');
  const repo = ds.getRepository(LedgerEntry);
  await repo.update({ entityId: a }, { status: 'synced', nextAttemptAt: T0 - 30 });
  await repo.update({ entityId: b }, { status: 'failed', nextAttemptAt: T0 - 20 });
  await repo.update({ entityId: c }, { nextAttemptAt: T0 - 10 });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['丙公司']);
});

it('writes each kind of record into its own table', async () => {
  const w = worker();
  await need('甲公司');
  const { id: _id, ...app } = makeApp({ formToken: 'tok_app_1' });
  const saved = await ds.getRepository(Application).save(app as Application);
  await markLedger(ds.manager, 'tenant_1', 'application', saved.id, T0);
  expect(await w.pass()).toBe(2);
  expect(names()).toEqual(['甲公司']);
  expect(fake.bitable.records(BASE, '活动申请台账').map((r) => r['申请单位'])).toEqual([app.orgName]);
});

it('holds a row it is writing for leaseMs: another writer meanwhile leaves it alone', async () => {
  const w = worker();
  const other = worker();
  await need('甲公司');
  let hooked = false;
  let otherWrote: number | undefined;
  const handle = fake.bitable.handle.bind(fake.bitable);
  fake.bitable.handle = async (call, send) => {
    if (!hooked && call.method === 'POST' && call.path.endsWith('/records')) {
      hooked = true;
      // The create takes almost all of the lease.
      clock = T0 + OPTS.leaseMs - 1;
      otherWrote = await other.pass();
    }
    return handle(call, send);
  };
  expect(await w.pass()).toBe(1);
  expect(otherWrote).toBe(0);
  expect(fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/records'))).toHaveLength(1);
  expect((await queue()).map((r) => [r.status, r.attempts])).toEqual([['synced', 0]]);
});

it('creates a new record, without trying the old one, when the one remembered is in another Base with a table of the same id', async () => {
  // A copy of a Base keeps its tables' ids; its records are not ours to update.
  const w = worker();
  const a = await need('甲公司');
  expect(await w.ensureTables()).toBe(true);
  const tableId = fake.bitable.table(BASE, NEEDS)!.table_id;
  await ds.getRepository(LedgerEntry).update({ entityId: a }, { appToken: 'bascnCopiedBase', tableId, recordId: 'recOld' });
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
  expect(fake.calls.filter((c) => c.path.includes('/records/'))).toEqual([]);
  const [row] = await queue();
  expect([row.appToken, row.recordId === 'recOld']).toEqual([BASE, false]);
});

it('on a database failure while reading the record leaves the row pending after its backoff and writes it then', async () => {
  const w = worker();
  await need('甲公司');
  expect(await w.ensureTables()).toBe(true);
  await ds.query('ALTER TABLE needs RENAME TO needs_away');
  expect(await w.pass()).toBe(0);
  const [row] = await queue();
  expect([row.status, row.attempts]).toEqual(['pending', 1]);
  expect(row.lastError).toContain('needs');
  expect(row.nextAttemptAt).toBeGreaterThan(T0);
  await ds.query('ALTER TABLE needs_away RENAME TO needs');
  clock = row.nextAttemptAt;
  expect(await w.pass()).toBe(1);
  expect(names()).toEqual(['甲公司']);
});

it('keeps the first 1000 characters of a long error', async () => {
  const w = worker();
  await need('甲公司');
  fake.bitable.writeFailures.push({ status: 400, body: { code: 1254001, msg: `WrongRequestBody ${'字'.repeat(2000)}` } });
  expect(await w.pass()).toBe(0);
  const [row] = await queue();
  expect(row.status).toBe('failed');
  expect(row.lastError).toHaveLength(1000);
  expect(row.lastError).toContain('WrongRequestBody 字字');
});

it('makes at most perSecond Bitable calls in any second', async () => {
  const w = worker({ perSecond: 2 });
  await need('甲公司');
  expect(await w.pass()).toBe(1);
  // The tables listed, three tables made, the record created: five calls, two a second.
  const at = fake.calls.filter((c) => c.path.includes('/bitable/')).map((c) => c.at);
  expect(at).toHaveLength(5);
  // A call may arrive a little later than its slot (a busy machine): 800 ms, not 1000.
  for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 2]).toBeGreaterThanOrEqual(800);
});
