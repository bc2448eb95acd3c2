import type { DataSource } from 'typeorm';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.entity';
import { Need } from '../../src/db/entities/need.entity';
import { NeedService, type NeedChange, type NewNeed } from '../../src/services/need-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * NeedService on SQLite, what test/unit/need-service.test.ts leaves open: the 台账 marks a
 * filing and a change leave (the need's record, and the records of the applications it is
 * linked to before and after), that a change or a history touches the one need only, orders
 * that come from the query (a clock that went back; SQLite's reverse_unordered_selects),
 * empty region/filer filters, every field of a filing stored as given, and an id that is not
 * a safe integer answered without asking the database.
 */

const TENANT = 'tenant-1';
const FILER = 'ou_filer_a';
const ADMIN = 'ou_admin_a';
const YEAR = 2027;
const HOUR = 3_600_000;

let ds: DataSource;
let needs: NeedService;
let now: number;
let tokens = 0;

beforeEach(async () => {
  ds = await openTempDatabase('need-ledger-');
  now = Date.UTC(2027, 4, 1, 2, 0);
  needs = new NeedService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

function newNeed(over: Partial<NewNeed> = {}): NewNeed {
  return {
    enterpriseName: '包头某某稀土材料有限公司',
    region: '包头市',
    industry: 'rare-earth',
    needType: '技术攻关',
    description: '稀土抛光粉生产中粒度分布不稳定，希望专家帮助优化煅烧工艺。',
    contactName: '张三',
    mobile: '13800138000',
    ...over,
  };
}

async function file(over: Partial<NewNeed> = {}): Promise<Need> {
  const r = await needs.create({ tenantKey: TENANT, filerOpenId: FILER, formToken: `ledger-form-${++tokens}`, year: YEAR, need: newNeed(over) });
  expect(r.created).toBe(true);
  return r.need;
}

function ok(r: NeedChange): Need {
  if (!r.ok) throw new Error(`expected ok:true, got ok:false with status ${r.current.status} version ${r.current.version}`);
  return r.need;
}

/** The 台账 marks as [entity, entity id, generation, changed at], in a fixed order. */
async function marks(): Promise<Array<[string, number, number, number]>> {
  const rows = await ds.getRepository(LedgerEntry).find({ order: { entity: 'ASC', entityId: 'ASC' } });
  for (const r of rows) expect(r).toMatchObject({ tenantKey: TENANT, status: 'pending' });
  return rows.map((r) => [r.entity, r.entityId, r.generation, r.changedAt]);
}

describe('NeedService: the 台账 marks', () => {
  it('marks the need’s record when it is filed, and not again for the same card', async () => {
    const need = await file();
    expect(await marks()).toEqual([['need', need.id, 1, now]]);
    const t0 = now;
    now += HOUR;
    const again = await needs.create({ tenantKey: TENANT, filerOpenId: FILER, formToken: `ledger-form-${tokens}`, year: YEAR, need: newNeed() });
    expect(again.created).toBe(false);
    expect(await marks()).toEqual([['need', need.id, 1, t0]]);
  });

  it('marks the need again on a change, as of the change; an unlinked need marks no application', async () => {
    const need = await file();
    now += HOUR;
    ok(await needs.transition(need, 'match', '已对接', ADMIN, null, { expertId: 7 }));
    expect(await marks()).toEqual([['need', need.id, 2, now]]);
  });

  it('marks the application a need is linked to, once, and the one it leaves', async () => {
    const need = await file();
    now += HOUR;
    const linked = ok(await needs.transition(need, 'link', need.status, ADMIN, 'SQ2027-0003', { applicationId: 3 }));
    const linkedAt = now;
    expect(await marks()).toEqual([
      ['application', 3, 1, linkedAt],
      ['need', need.id, 2, linkedAt],
    ]);
    // A change that keeps the link marks its application once (not once as the new and once as the old).
    now += HOUR;
    const matched = ok(await needs.transition(linked, 'match', '已对接', ADMIN, null, { expertId: 7 }));
    expect(await marks()).toEqual([
      ['application', 3, 2, now],
      ['need', need.id, 3, now],
    ]);
    // Moved to another application: both are marked (the old one no longer lists its expert).
    now += HOUR;
    const moved = ok(await needs.transition(matched, 'link', matched.status, ADMIN, 'SQ2027-0004', { applicationId: 4 }));
    expect(await marks()).toEqual([
      ['application', 3, 3, now],
      ['application', 4, 1, now],
      ['need', need.id, 4, now],
    ]);
    // Unlinked: the application it left is marked.
    now += HOUR;
    ok(await needs.transition(moved, 'unlink', moved.status, ADMIN, null, { applicationId: null }));
    expect(await marks()).toEqual([
      ['application', 3, 3, now - HOUR],
      ['application', 4, 2, now],
      ['need', need.id, 5, now],
    ]);
  });

  it('marks nothing for a refused (stale) change', async () => {
    const need = await file();
    const t0 = now;
    ok(await needs.transition(need, 'match', '已对接', ADMIN, null, { expertId: 1 }));
    now += HOUR;
    const stale = await needs.transition({ ...need, applicationId: 9 }, 'link', need.status, ADMIN, 'SQ2027-0009', { applicationId: 9 });
    expect(stale.ok).toBe(false);
    expect(await marks()).toEqual([['need', need.id, 2, t0]]);
  });
});

describe('NeedService: one need at a time', () => {
  it('changes only the need asked for and returns that one', async () => {
    const a = await file({ enterpriseName: '甲企业' });
    const b = await file({ enterpriseName: '乙企业' });
    const c = await file({ enterpriseName: '丙企业' });
    now += HOUR;
    const r = await needs.transition(b, 'match', '已对接', ADMIN, '请联系', { expertId: 5, matchNote: '请联系' });
    expect(ok(r)).toMatchObject({ id: b.id, enterpriseName: '乙企业', status: '已对接', version: 2, expertId: 5, updatedAt: now });
    const rows = await ds.getRepository(Need).find({ order: { id: 'ASC' } });
    expect(rows.map((n) => [n.id, n.status, n.version, n.expertId, n.matchNote, n.updatedAt])).toEqual([
      [a.id, '待对接', 1, null, null, now - HOUR],
      [b.id, '已对接', 2, 5, '请联系', now],
      [c.id, '待对接', 1, null, null, now - HOUR],
    ]);
  });

  it('returns the refusing need itself as the current one', async () => {
    await file({ enterpriseName: '甲企业' });
    const b = await file({ enterpriseName: '乙企业' });
    ok(await needs.transition(b, 'close', '已关闭', ADMIN, '重复'));
    const r = await needs.transition(b, 'match', '已对接', ADMIN, null, { expertId: 5 });
    expect(r).toEqual({ ok: false, current: expect.objectContaining({ id: b.id, enterpriseName: '乙企业', status: '已关闭', version: 2, expertId: null }) });
  });

  it('gives each need its own history, in time order even when the clock went back', async () => {
    const a = await file();
    const b = await file();
    now -= HOUR;
    ok(await needs.transition(a, 'match', '已对接', ADMIN, '先', { expertId: 1 }));
    now += 3 * HOUR;
    ok(await needs.transition(b, 'close', '已关闭', ADMIN, '后'));
    const t0 = now - 2 * HOUR;
    expect((await needs.history(a.id)).map((e) => [e.needId, e.action, e.at])).toEqual([
      [a.id, 'match', t0 - HOUR],
      [a.id, 'file', t0],
    ]);
    expect((await needs.history(b.id)).map((e) => [e.needId, e.action, e.at])).toEqual([
      [b.id, 'file', t0],
      [b.id, 'close', now],
    ]);
    expect(await needs.history(b.id + 1)).toEqual([]);
  });
});

describe('NeedService: orders asked for, not the table’s own', () => {
  // SQLite returns the rows of a query without ORDER BY backwards from now on, as PostgreSQL may
  // return rows in any order (an updated row moves): the order must come from the query.
  beforeEach(async () => {
    await ds.query('PRAGMA reverse_unordered_selects = ON');
  });

  it('lists the needs linked to an application by id', async () => {
    const a = await file();
    const b = await file();
    const c = await file();
    for (const n of [c, a, b]) ok(await needs.transition(n, 'link', n.status, ADMIN, 'SQ2027-0003', { applicationId: 3 }));
    expect((await needs.linkedTo(3)).map((n) => n.id)).toEqual([a.id, b.id, c.id]);
  });

  it('gives a history’s events of one instant in the order they were recorded', async () => {
    const need = await file();
    const matched = ok(await needs.transition(need, 'match', '已对接', ADMIN, null, { expertId: 1 }));
    ok(await needs.transition(matched, 'follow', '跟进中', ADMIN, null));
    expect((await needs.history(need.id)).map((e) => e.action)).toEqual(['file', 'match', 'follow']);
  });
});

describe('NeedService.create stores the card as given', () => {
  it('keeps every field of the need, the filer and the form token', async () => {
    const input = newNeed({ enterpriseName: '赤峰某某化工有限公司', region: '赤峰市', industry: 'green', needType: '人才培养', description: '需要环保工艺培训。', contactName: '李四', mobile: '13900139001' });
    const { need } = await needs.create({ tenantKey: TENANT, filerOpenId: 'ou_filer_z', formToken: 'card-77', year: YEAR, need: input });
    const stored = await ds.getRepository(Need).findOneByOrFail({ id: need.id });
    expect(stored).toMatchObject({ ...input, tenantKey: TENANT, filerOpenId: 'ou_filer_z', formToken: 'card-77', status: '待对接', version: 1 });
  });
});

describe('NeedService.openAndMatched', () => {
  it('counts the whole tenant for an empty region, as for none', async () => {
    const open = await file({ region: '包头市' });
    await file({ region: '赤峰市' });
    ok(await needs.transition(open, 'match', '已对接', ADMIN, null, { expertId: 1 }));
    expect(await needs.openAndMatched(TENANT, '')).toEqual({ open: 1, matched: 1 });
    expect(await needs.openAndMatched(TENANT)).toEqual({ open: 1, matched: 1 });
  });
});

describe('NeedService.list', () => {
  it('lists by filing time first, newest first, even when the ids say otherwise (the clock went back)', async () => {
    const a = await file();
    now -= HOUR;
    const b = await file();
    now += 2 * HOUR;
    const c = await file();
    expect((await needs.list({ tenantKey: TENANT }, 0, 10)).items.map((n) => n.id)).toEqual([c.id, a.id, b.id]);
  });

  it('filters by no region and no filer when they are empty', async () => {
    const a = await file({ region: '包头市' });
    const b = await file({ region: '赤峰市' });
    const r = await needs.list({ tenantKey: TENANT, region: '', filerOpenId: '' }, 0, 10);
    expect(r).toEqual({ items: [expect.objectContaining({ id: b.id }), expect.objectContaining({ id: a.id })], total: 2, counts: { 待对接: 2 } });
  });
});

describe('NeedService.get', () => {
  it('answers an id that is not a safe integer with null, without asking the database', async () => {
    const need = await file();
    await closeTempDatabase(ds);
    for (const id of [Number.NaN, 1.5, 2 ** 53, Infinity, -Infinity]) await expect(needs.get(TENANT, id)).resolves.toBeNull();
    // The database is really gone: a real id would ask it.
    await expect(needs.get(TENANT, need.id)).rejects.toThrow();
  });
});
