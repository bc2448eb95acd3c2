import type { DataSource } from 'typeorm';
import { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import { Application } from '../../src/db/entities/application.entity';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.entity';
import type { ApplicationStatus } from '../../src/domain/application-status';
import { ApplicationStore, type Change, type ChangeResult } from '../../src/services/application-store';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ApplicationStore's reads against a real SQLite file: which rows each list returns (tenant,
 * filer, region, status and date filters) and in which order, the audit trail reads, the
 * bookings the team-overlap check sees, and the 台账 mark of the conditional update (every
 * change but one that leaves an application a 草稿). Rows are inserted directly, in an order
 * that differs from the expected one, so that a lost ORDER BY shows.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const FILER_A = 'ou_filer_a';
const FILER_B = 'ou_filer_b';
const T0 = Date.UTC(2027, 4, 1, 2, 0, 0);

/** Exposes the protected conditional update. */
class TestStore extends ApplicationStore {
  change(app: Application, values: Record<string, unknown>, change: Change): Promise<ChangeResult> {
    return this.update(app, values, change);
  }
}

let ds: DataSource;
let store: TestStore;
let now: number;
let inserted = 0;

beforeEach(async () => {
  ds = await openTempDatabase('application-store-');
  now = T0;
  store = new TestStore(ds, () => now);
  inserted = 0;
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

/** Inserts one application row with plain defaults (a submitted 待审核 application of FILER_A). */
async function insertApp(values: Partial<Application> = {}): Promise<Application> {
  inserted += 1;
  const repo = ds.getRepository(Application);
  return repo.save(
    repo.create({
      tenantKey: TENANT,
      filerOpenId: FILER_A,
      status: '待审核',
      version: 1,
      formToken: `token-${inserted}`,
      codeYear: 2027,
      codeSeq: inserted,
      orgName: `单位${inserted}`,
      region: '呼和浩特市',
      startDate: '2027-06-01',
      endDate: '2027-06-02',
      createdAt: T0 + inserted,
      updatedAt: T0 + inserted,
      ...values,
    }),
  );
}

async function insertEvent(applicationId: number, action: string, at: number): Promise<ApplicationEvent> {
  const repo = ds.getRepository(ApplicationEvent);
  return repo.save(repo.create({ applicationId, action, fromStatus: '草稿', toStatus: '待审核', actorOpenId: FILER_A, reason: null, at }));
}

const ids = (apps: { id: number }[]): number[] => apps.map((a) => a.id);
const ledgerRows = () => ds.getRepository(LedgerEntry).find({ order: { entityId: 'ASC' } });

describe('history and eventsSince', () => {
  it('history gives only that application’s events, by time then id', async () => {
    const a = await insertApp();
    const b = await insertApp();
    const late = await insertEvent(a.id, 'approve', T0 + 300);
    await insertEvent(b.id, 'submit', T0 + 100);
    const early = await insertEvent(a.id, 'submit', T0 + 100);
    const tieFirst = await insertEvent(a.id, 'team', T0 + 200);
    const tieSecond = await insertEvent(a.id, 'attach', T0 + 200);
    const history = await store.history(a.id);
    expect(history.map((e) => e.id)).toEqual([early.id, tieFirst.id, tieSecond.id, late.id]);
    expect(history.map((e) => e.action)).toEqual(['submit', 'team', 'attach', 'approve']);
  });

  it('eventsSince gives every application’s events from that instant on (included), by time then id', async () => {
    const a = await insertApp();
    const b = await insertApp({ tenantKey: OTHER_TENANT });
    const third = await insertEvent(a.id, 'approve', T0 + 300);
    await insertEvent(a.id, 'submit', T0 + 99);
    const second = await insertEvent(b.id, 'submit', T0 + 200);
    const first = await insertEvent(a.id, 'return', T0 + 100);
    const events = await store.eventsSince(T0 + 100);
    expect(events.map((e) => e.id)).toEqual([first.id, second.id, third.id]);
    expect(await store.eventsSince(T0 + 301)).toEqual([]);
  });
});

describe('list', () => {
  it('shows the newest created first, then the higher id, paged, with the total', async () => {
    const a = await insertApp({ createdAt: T0 + 50 });
    const b = await insertApp({ createdAt: T0 + 10 });
    const c = await insertApp({ createdAt: T0 + 90 });
    const d = await insertApp({ createdAt: T0 + 50 });
    await insertApp({ tenantKey: OTHER_TENANT, createdAt: T0 + 100 });
    const page0 = await store.list({ tenantKey: TENANT, viewerOpenId: FILER_A }, 0, 3);
    expect(ids(page0.items)).toEqual([c.id, d.id, a.id]);
    expect(page0.total).toBe(4);
    const page1 = await store.list({ tenantKey: TENANT, viewerOpenId: FILER_A }, 1, 3);
    expect(ids(page1.items)).toEqual([b.id]);
  });
});

describe('startingBetween', () => {
  it('gives the tenant’s approved, held and summarised activities starting in the range, soonest first', async () => {
    const held = await insertApp({ status: '已举办', startDate: '2027-06-10' });
    const approved = await insertApp({ status: '已通过', startDate: '2027-06-05' });
    const summarised = await insertApp({ status: '已总结', startDate: '2027-06-20' });
    const sameDay = await insertApp({ status: '已通过', startDate: '2027-06-05' });
    await insertApp({ status: '待审核', startDate: '2027-06-06' });
    await insertApp({ status: '已取消', startDate: '2027-06-06' });
    await insertApp({ status: '已通过', startDate: '2027-06-04' });
    await insertApp({ status: '已通过', startDate: '2027-06-21' });
    await insertApp({ status: '已通过', startDate: '2027-06-07', tenantKey: OTHER_TENANT });
    const found = await store.startingBetween(TENANT, '2027-06-05', '2027-06-20');
    expect(ids(found)).toEqual([approved.id, sameDay.id, held.id, summarised.id]);
  });

  it('narrows to one filer', async () => {
    const mine = await insertApp({ status: '已通过', startDate: '2027-06-08', filerOpenId: FILER_B });
    await insertApp({ status: '已通过', startDate: '2027-06-06', filerOpenId: FILER_A });
    const mineEarlier = await insertApp({ status: '已举办', startDate: '2027-06-05', filerOpenId: FILER_B });
    const found = await store.startingBetween(TENANT, '2027-06-01', '2027-06-30', { filerOpenId: FILER_B });
    expect(ids(found)).toEqual([mineEarlier.id, mine.id]);
  });

  it('narrows to one region', async () => {
    await insertApp({ status: '已通过', startDate: '2027-06-06', region: '呼和浩特市' });
    const there = await insertApp({ status: '已通过', startDate: '2027-06-08', region: '包头市' });
    const found = await store.startingBetween(TENANT, '2027-06-01', '2027-06-30', { region: '包头市' });
    expect(ids(found)).toEqual([there.id]);
  });
});

describe('ofTenant and inStatuses', () => {
  it('ofTenant gives all the tenant’s applications by id, whatever their filer or form token', async () => {
    const a = await insertApp({ filerOpenId: 'ou_z', formToken: 'z-token' });
    await insertApp({ tenantKey: OTHER_TENANT });
    const b = await insertApp({ filerOpenId: 'ou_m', formToken: 'm-token' });
    const c = await insertApp({ filerOpenId: 'ou_a', formToken: 'a-token' });
    expect(ids(await store.ofTenant(TENANT))).toEqual([a.id, b.id, c.id]);
  });

  it('inStatuses gives every tenant’s applications in those statuses, by id', async () => {
    const a = await insertApp({ status: '已通过' });
    await insertApp({ status: '已总结' });
    const b = await insertApp({ status: '已举办', tenantKey: OTHER_TENANT });
    const c = await insertApp({ status: '已通过' });
    await insertApp({ status: '待审核' });
    const d = await insertApp({ status: '已举办' });
    expect(ids(await store.inStatuses(['已通过', '已举办']))).toEqual([a.id, b.id, c.id, d.id]);
    expect(await store.inStatuses(['已撤回'])).toEqual([]);
  });
});

describe('attachable and recentlyHeld', () => {
  it('attachable gives the filer’s submitted applications still in play, newest submission first', async () => {
    const older = await insertApp({ status: '已通过', submittedAt: T0 + 10 });
    const newest = await insertApp({ status: '待审核', submittedAt: T0 + 30 });
    const middle = await insertApp({ status: '已退回', submittedAt: T0 + 20 });
    await insertApp({ status: '已举办', submittedAt: T0 + 40 });
    await insertApp({ status: '待审核', submittedAt: T0 + 50, filerOpenId: FILER_B });
    await insertApp({ status: '待审核', submittedAt: T0 + 60, tenantKey: OTHER_TENANT });
    expect(ids(await store.attachable(TENANT, FILER_A))).toEqual([newest.id, middle.id, older.id]);
  });

  it('recentlyHeld gives the filer’s held and summarised activities ended on or after the date, latest end first', async () => {
    const summarised = await insertApp({ status: '已总结', startDate: '2027-06-01', endDate: '2027-06-03' });
    const held = await insertApp({ status: '已举办', startDate: '2027-06-09', endDate: '2027-06-10' });
    const onTheDay = await insertApp({ status: '已举办', startDate: '2027-06-01', endDate: '2027-06-01' });
    await insertApp({ status: '已举办', startDate: '2027-05-30', endDate: '2027-05-31' });
    await insertApp({ status: '已通过', startDate: '2027-06-05', endDate: '2027-06-05' });
    await insertApp({ status: '已取消', startDate: '2027-06-05', endDate: '2027-06-05' });
    await insertApp({ status: '已举办', startDate: '2027-06-05', endDate: '2027-06-05', filerOpenId: FILER_B });
    await insertApp({ status: '已举办', startDate: '2027-06-05', endDate: '2027-06-05', tenantKey: OTHER_TENANT });
    expect(ids(await store.recentlyHeld(TENANT, FILER_A, '2027-06-01'))).toEqual([held.id, summarised.id, onTheDay.id]);
    expect(await store.recentlyHeld(TENANT, FILER_A, '2027-06-11')).toEqual([]);
  });
});

describe('bookingsBetween', () => {
  const team = (...expertIds: number[]): string => JSON.stringify(expertIds.map((id) => ({ id, name: `专家${id}` })));

  it('gives the other teamed activities overlapping the dates, soonest first, with blanks for what is missing', async () => {
    const later = await insertApp({ status: '已通过', codeSeq: 37, orgName: '兴安盟科协', startDate: '2027-06-09', endDate: '2027-06-12', teamExperts: team(3) });
    const bare = await insertApp({
      status: '已举办',
      startDate: '2027-06-08',
      endDate: null,
      codeYear: null,
      codeSeq: null,
      orgName: null,
      region: null,
      teamExperts: team(1, 2),
    });
    const self = await insertApp({ status: '已通过', startDate: '2027-06-08', endDate: '2027-06-08', teamExperts: team(4) });
    await insertApp({ status: '已通过', startDate: '2027-06-08', endDate: '2027-06-08', teamExperts: null });
    await insertApp({ status: '已取消', startDate: '2027-06-08', endDate: '2027-06-08', teamExperts: team(5) });
    await insertApp({ status: '已通过', startDate: '2027-06-13', endDate: '2027-06-14', teamExperts: team(6) });
    const bookings = await store.bookingsBetween(TENANT, '2027-06-08', '2027-06-10', self.id);
    expect(bookings).toEqual([
      { applicationId: bare.id, code: '', orgName: '', region: '', startDate: '2027-06-08', endDate: '2027-06-08', expertIds: [1, 2] },
      {
        applicationId: later.id,
        code: 'SQ2027-0037',
        orgName: '兴安盟科协',
        region: '呼和浩特市',
        startDate: '2027-06-09',
        endDate: '2027-06-12',
        expertIds: [3],
      },
    ]);
  });
});

describe('the 台账 mark of a change', () => {
  async function changeAndLedger(status: ApplicationStatus, change: Change): Promise<{ result: ChangeResult; ledger: LedgerEntry[] }> {
    const app = await insertApp({ status });
    const result = await store.change(app, { updatedAt: now }, change);
    return { result, ledger: await ledgerRows() };
  }

  it('a draft that stays a draft is not marked', async () => {
    const { result, ledger } = await changeAndLedger('草稿', { action: 'draft', actorOpenId: FILER_A });
    expect(result.ok).toBe(true);
    expect(ledger).toEqual([]);
  });

  it('a submission is marked, as of the change', async () => {
    now = T0 + 5000;
    const { result, ledger } = await changeAndLedger('草稿', { action: 'submit', actorOpenId: FILER_A });
    if (!result.ok) throw new Error('expected the submission to apply');
    expect(result.app.status).toBe('待审核');
    expect(ledger.map((r) => [r.tenantKey, r.entity, r.entityId, r.status, r.changedAt])).toEqual([[TENANT, 'application', result.app.id, 'pending', T0 + 5000]]);
  });

  it('a change within a submitted status is marked too', async () => {
    const { result, ledger } = await changeAndLedger('已通过', { action: 'attach', actorOpenId: FILER_A });
    if (!result.ok) throw new Error('expected the change to apply');
    expect(ledger.map((r) => r.entityId)).toEqual([result.app.id]);
  });

  it('a stale change applies nothing and marks nothing', async () => {
    const app = await insertApp({ status: '草稿' });
    const result = await store.change({ ...app, version: app.version - 1 } as Application, { orgName: '改过的' }, { action: 'submit', actorOpenId: FILER_A });
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.current.status, result.current.orgName, result.current.version]).toEqual(['草稿', app.orgName, app.version]);
    expect(await ledgerRows()).toEqual([]);
    expect(await store.history(app.id)).toEqual([]);
  });
});
