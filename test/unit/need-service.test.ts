import type { DataSource } from 'typeorm';
import { Expert } from '../../src/db/entities/expert.entity';
import { NeedEvent } from '../../src/db/entities/need-event.entity';
import { Need } from '../../src/db/entities/need.entity';
import { checkExpertForm, EXPERT_FORM_FIELDS } from '../../src/domain/expert-rules';
import type { Industry } from '../../src/domain/industries';
import { ExpertService, fieldsOf, type ExpertInput } from '../../src/services/expert-service';
import { NeedService, type NeedChange, type NewNeed } from '../../src/services/need-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * NeedService and ExpertService against a real SQLite file (migrated by openDatabase), with a
 * clock the tests move by hand; "at once" is Promise.all, whose queries interleave on the one
 * connection. The PostgreSQL counterparts are in test/integration/postgres.test.ts.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const FILER_A = 'ou_filer_a';
const FILER_B = 'ou_filer_b';
const ADMIN_A = 'ou_admin_a';
const ADMIN_B = 'ou_admin_b';
const YEAR = 2027;
const HOUR = 3_600_000;

let ds: DataSource;
let needs: NeedService;
let experts: ExpertService;
let now: number;
let tokens = 0;
const token = (): string => `need-form-${++tokens}`;

beforeEach(async () => {
  ds = await openTempDatabase('need-service-');
  now = Date.UTC(2027, 4, 1, 2, 0);
  needs = new NeedService(ds, () => now);
  experts = new ExpertService(ds, () => now);
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

async function file(opts: { tenantKey?: string; filer?: string; year?: number; formToken?: string; need?: Partial<NewNeed> } = {}): Promise<Need> {
  const r = await needs.create({ tenantKey: opts.tenantKey ?? TENANT, filerOpenId: opts.filer ?? FILER_A, formToken: opts.formToken ?? token(), year: opts.year ?? YEAR, need: newNeed(opts.need) });
  expect(r.created).toBe(true);
  return r.need;
}

function ok(r: NeedChange): Need {
  if (!r.ok) throw new Error(`expected ok:true, got ok:false with status ${r.current.status} version ${r.current.version}`);
  return r.need;
}

const allNeeds = () => ds.getRepository(Need).find({ order: { id: 'ASC' } });
const allEvents = () => ds.getRepository(NeedEvent).find({ order: { id: 'ASC' } });

// ---------------------------------------------------------------------------------------------
// Needs

describe('NeedService.create', () => {
  it('files a need numbered, 待对接, version 1, with the audit row of the filing', async () => {
    const need = await file({ need: { region: '赤峰市' } });
    expect(need).toMatchObject({
      tenantKey: TENANT,
      codeYear: YEAR,
      codeSeq: 1,
      filerOpenId: FILER_A,
      status: '待对接',
      version: 1,
      region: '赤峰市',
      expertId: null,
      matchNote: null,
      applicationId: null,
      createdAt: now,
      updatedAt: now,
    });
    expect(await needs.history(need.id)).toEqual([
      expect.objectContaining({ needId: need.id, action: 'file', fromStatus: null, toStatus: '待对接', actorOpenId: FILER_A, note: null, at: now }),
    ]);
  });

  it('numbers per year: 1, 2, then 1 again in the next year, and on', async () => {
    const a = await file();
    const b = await file();
    const c = await file({ year: 2028 });
    const d = await file();
    const e = await file({ year: 2028 });
    expect([a, b, c, d, e].map((n) => `${n.codeYear}-${n.codeSeq}`)).toEqual(['2027-1', '2027-2', '2028-1', '2027-3', '2028-2']);
    expect((await needs.findByCode(TENANT, 2028, 2))?.id).toBe(e.id);
    expect(await needs.findByCode(OTHER_TENANT, 2028, 2)).toBeNull();
  });

  it('numbers 20 needs filed at once 1..20, each with its filing recorded', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => needs.create({ tenantKey: TENANT, filerOpenId: `ou_filer_${i}`, formToken: `at-once-${i}`, year: YEAR, need: newNeed({ enterpriseName: `企业 ${i}` }) })),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.need.codeSeq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of results) expect(r.need.filerOpenId).toBe(`ou_filer_${r.need.enterpriseName.slice(3)}`);
    expect(await allNeeds()).toHaveLength(20);
    const events = await allEvents();
    expect(events).toHaveLength(20);
    expect(new Set(events.map((e) => e.needId)).size).toBe(20);
  });

  it('finds the first need when the same card is submitted again: created false, no second audit row', async () => {
    const first = await file({ formToken: 'dup' });
    const again = await needs.create({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: 'dup', year: YEAR, need: newNeed({ enterpriseName: '别的企业' }) });
    expect(again).toEqual({ need: expect.objectContaining({ id: first.id, enterpriseName: '包头某某稀土材料有限公司' }), created: false });
    expect(await allEvents()).toHaveLength(1);
    // Another tenant may use the same token.
    await file({ formToken: 'dup', tenantKey: OTHER_TENANT });
    expect((await needs.findByFormToken(TENANT, 'dup'))?.id).toBe(first.id);
  });

  it('files a card submitted twice at once once', async () => {
    const [x, y] = await Promise.all([
      needs.create({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: 'double', year: YEAR, need: newNeed() }),
      needs.create({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: 'double', year: YEAR, need: newNeed() }),
    ]);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    expect(x.need.id).toBe(y.need.id);
    expect(await allNeeds()).toHaveLength(1);
    expect(await allEvents()).toHaveLength(1);
  });

  it('refuses a year that is not a safe integer', async () => {
    await expect(needs.create({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: token(), year: 2027.5, need: newNeed() })).rejects.toThrow(RangeError);
    expect(await allNeeds()).toHaveLength(0);
  });

  it('gets by tenant and id only', async () => {
    const need = await file();
    expect((await needs.get(TENANT, need.id))?.id).toBe(need.id);
    expect(await needs.get(OTHER_TENANT, need.id)).toBeNull();
    expect(await needs.get(TENANT, Number.NaN)).toBeNull();
  });
});

describe('NeedService.transition', () => {
  it('changes the status and values, bumps the version and the time, and records the action with its note', async () => {
    const need = await file();
    now += HOUR;
    const r = await needs.transition(need, 'match', '已对接', ADMIN_A, '请下周联系', { expertId: 7, matchNote: '请下周联系' });
    expect(r.ok).toBe(true);
    const matched = ok(r);
    expect(r.ok && r.from).toBe('待对接');
    expect(matched).toMatchObject({ status: '已对接', version: 2, expertId: 7, matchNote: '请下周联系', updatedAt: now, createdAt: now - HOUR });
    now += HOUR;
    const followed = ok(await needs.transition(matched, 'follow', '跟进中', ADMIN_B, '已电话沟通'));
    expect(followed).toMatchObject({ status: '跟进中', version: 3, expertId: 7 });
    expect((await needs.history(need.id)).map((e) => [e.action, e.fromStatus, e.toStatus, e.actorOpenId, e.note])).toEqual([
      ['file', null, '待对接', FILER_A, null],
      ['match', '待对接', '已对接', ADMIN_A, '请下周联系'],
      ['follow', '已对接', '跟进中', ADMIN_B, '已电话沟通'],
    ]);
    expect((await needs.history(need.id)).map((e) => e.at)).toEqual([now - 2 * HOUR, now - HOUR, now]);
  });

  it('refuses a stale need: nothing changes, nothing is recorded, the current need comes back', async () => {
    const need = await file();
    const matched = ok(await needs.transition(need, 'match', '已对接', ADMIN_A, null, { expertId: 1 }));
    const r = await needs.transition(need, 'close', '已关闭', ADMIN_B, '重复');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.current).toMatchObject({ id: need.id, status: '已对接', version: matched.version, expertId: 1 });
    expect((await needs.history(need.id)).map((e) => e.action)).toEqual(['file', 'match']);
  });

  it('lets one of two concurrent transitions from the same need through', async () => {
    const need = await file();
    const [a, b] = await Promise.all([
      needs.transition(need, 'match', '已对接', ADMIN_A, '甲', { expertId: 1, matchNote: '甲' }),
      needs.transition(need, 'close', '已关闭', ADMIN_B, '乙'),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const winner = a.ok ? a : b;
    const loser = a.ok ? b : a;
    expect(loser.ok).toBe(false);
    if (!winner.ok || loser.ok) return;
    expect(loser.current).toMatchObject({ status: winner.need.status, version: 2 });
    const stored = await needs.get(TENANT, need.id);
    expect(stored).toMatchObject({ status: winner.need.status, version: 2 });
    expect((await needs.history(need.id)).map((e) => e.action)).toEqual(['file', winner.need.status === '已对接' ? 'match' : 'close']);
  });

  it('lets one of many concurrent transitions from the same stale need through', async () => {
    const need = await file();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => needs.transition(need, 'match', '已对接', `ou_admin_${i}`, null, { expertId: i + 1 })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await needs.get(TENANT, need.id))?.version).toBe(2);
    expect(await allEvents()).toHaveLength(2);
  });

  it('records a link without a status change (same status), with the code as its note', async () => {
    const need = await file();
    const linked = ok(await needs.transition(need, 'link', need.status, ADMIN_A, 'SQ2027-0003', { applicationId: 3 }));
    expect(linked).toMatchObject({ status: '待对接', version: 2, applicationId: 3 });
    expect((await needs.history(need.id)).at(-1)).toMatchObject({ action: 'link', fromStatus: '待对接', toStatus: '待对接', note: 'SQ2027-0003' });
  });
});

describe('NeedService.list', () => {
  /** Six needs over three hours: two regions, two filers, four statuses. */
  async function seed(): Promise<Need[]> {
    const made: Need[] = [];
    const spec: Array<[string, string, string | null]> = [
      ['包头市', FILER_A, null],
      ['包头市', FILER_B, '已对接'],
      ['赤峰市', FILER_A, '已关闭'],
      ['包头市', FILER_A, '跟进中'],
      ['赤峰市', FILER_B, null],
      ['包头市', FILER_B, '已对接'],
    ];
    for (const [region, filer, status] of spec) {
      now += HOUR;
      let need = await file({ filer, need: { region } });
      if (status === '已对接' || status === '跟进中') need = ok(await needs.transition(need, 'match', '已对接', ADMIN_A, null));
      if (status === '跟进中') need = ok(await needs.transition(need, 'follow', '跟进中', ADMIN_A, '跟进'));
      if (status === '已关闭') need = ok(await needs.transition(need, 'close', '已关闭', ADMIN_A, '关闭'));
      made.push(need);
    }
    await file({ tenantKey: OTHER_TENANT, need: { region: '包头市' } });
    return made;
  }

  it('lists the tenant’s needs newest first with counts per status', async () => {
    const made = await seed();
    const r = await needs.list({ tenantKey: TENANT }, 0, 50);
    expect(r.total).toBe(6);
    expect(r.items.map((n) => n.id)).toEqual(made.map((n) => n.id).reverse());
    expect(r.counts).toEqual({ 待对接: 2, 已对接: 2, 跟进中: 1, 已关闭: 1 });
  });

  it('filters by region, by filer and by statuses; counts follow region and filer but not statuses', async () => {
    const made = await seed();
    const baotou = await needs.list({ tenantKey: TENANT, region: '包头市' }, 0, 50);
    expect(baotou.items.map((n) => n.id)).toEqual([made[5], made[3], made[1], made[0]].map((n) => n.id));
    expect(baotou.counts).toEqual({ 待对接: 1, 已对接: 2, 跟进中: 1 });

    const mine = await needs.list({ tenantKey: TENANT, filerOpenId: FILER_A }, 0, 50);
    expect(mine.items.map((n) => n.id)).toEqual([made[3], made[2], made[0]].map((n) => n.id));
    expect(mine.counts).toEqual({ 待对接: 1, 跟进中: 1, 已关闭: 1 });

    const open = await needs.list({ tenantKey: TENANT, statuses: ['已对接', '跟进中'] }, 0, 50);
    expect(open.total).toBe(3);
    expect(open.items.map((n) => n.status)).toEqual(['已对接', '跟进中', '已对接']);
    expect(open.counts).toEqual({ 待对接: 2, 已对接: 2, 跟进中: 1, 已关闭: 1 });

    const both = await needs.list({ tenantKey: TENANT, region: '包头市', filerOpenId: FILER_B, statuses: ['已对接'] }, 0, 50);
    expect(both.items.map((n) => n.id)).toEqual([made[5].id, made[1].id]);
    expect(both.counts).toEqual({ 已对接: 2 });

    const none = await needs.list({ tenantKey: TENANT, region: '乌海市' }, 0, 50);
    expect(none).toEqual({ items: [], total: 0, counts: {} });
  });

  it('pages: skip page × size, take size; total is every match', async () => {
    const made = await seed();
    const ids = made.map((n) => n.id).reverse();
    const pages = await Promise.all([0, 1, 2, 3].map((p) => needs.list({ tenantKey: TENANT }, p, 2)));
    expect(pages.map((p) => p.items.map((n) => n.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4, 6), []]);
    expect(pages.every((p) => p.total === 6)).toBe(true);
    const filtered = await needs.list({ tenantKey: TENANT, statuses: ['待对接', '已关闭'] }, 1, 2);
    expect(filtered.total).toBe(3);
    expect(filtered.items.map((n) => n.id)).toEqual([made[0].id]);
  });

  it('orders needs filed in the same millisecond by id, newest first', async () => {
    const a = await file();
    const b = await file();
    const c = await file();
    expect((await needs.list({ tenantKey: TENANT }, 0, 10)).items.map((n) => n.id)).toEqual([c.id, b.id, a.id]);
  });

  it('counts open and matched (已对接 and 跟进中), per tenant and region', async () => {
    await seed();
    expect(await needs.openAndMatched(TENANT)).toEqual({ open: 2, matched: 3 });
    expect(await needs.openAndMatched(TENANT, '包头市')).toEqual({ open: 1, matched: 3 });
    expect(await needs.openAndMatched(TENANT, '赤峰市')).toEqual({ open: 1, matched: 0 });
    expect(await needs.openAndMatched(OTHER_TENANT)).toEqual({ open: 1, matched: 0 });
    expect(await needs.openAndMatched('tenant-none')).toEqual({ open: 0, matched: 0 });
  });

  it('finds the needs linked to an application, by id', async () => {
    const a = await file();
    const b = await file();
    await file();
    ok(await needs.transition(b, 'link', b.status, ADMIN_A, 'SQ2027-0003', { applicationId: 3 }));
    ok(await needs.transition(a, 'link', a.status, ADMIN_A, 'SQ2027-0003', { applicationId: 3 }));
    expect((await needs.linkedTo(3)).map((n) => n.id)).toEqual([a.id, b.id]);
    expect(await needs.linkedTo(4)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Experts

const expertInput = (over: Partial<ExpertInput> = {}): ExpertInput => ({
  name: '王五',
  organisation: '内蒙古大学',
  fields: ['rare-earth', 'digital'],
  contact: '13900139000',
  openId: null,
  ...over,
});

describe('ExpertService.upsert', () => {
  it('adds a new expert with the fields as JSON', async () => {
    const { expert, added } = await experts.upsert(TENANT, expertInput({ openId: 'ou_expert' }), ADMIN_A);
    expect(added).toBe(true);
    expect(expert).toMatchObject({ tenantKey: TENANT, name: '王五', organisation: '内蒙古大学', contact: '13900139000', openId: 'ou_expert', addedBy: ADMIN_A, createdAt: now, updatedAt: now });
    expect(fieldsOf(expert)).toEqual(['rare-earth', 'digital']);
  });

  it('updates the one with the same tenant, name and organisation; keeps who added it and when', async () => {
    const first = (await experts.upsert(TENANT, expertInput(), ADMIN_A)).expert;
    now += HOUR;
    const again = await experts.upsert(TENANT, expertInput({ fields: ['green'], contact: 'wang@example.com', openId: 'ou_w' }), ADMIN_B);
    expect(again.added).toBe(false);
    expect(again.expert).toMatchObject({ id: first.id, contact: 'wang@example.com', openId: 'ou_w', addedBy: ADMIN_A, createdAt: now - HOUR, updatedAt: now });
    expect(fieldsOf(again.expert)).toEqual(['green']);
    // An open_id may be taken away again.
    expect((await experts.upsert(TENANT, expertInput({ openId: null }), ADMIN_B)).expert.openId).toBeNull();
    expect(await ds.getRepository(Expert).count()).toBe(1);
  });

  it('adds another when the organisation, the name or the tenant differs', async () => {
    await experts.upsert(TENANT, expertInput(), ADMIN_A);
    expect((await experts.upsert(TENANT, expertInput({ organisation: '内蒙古工业大学' }), ADMIN_A)).added).toBe(true);
    expect((await experts.upsert(TENANT, expertInput({ name: '王六' }), ADMIN_A)).added).toBe(true);
    expect((await experts.upsert(OTHER_TENANT, expertInput(), ADMIN_A)).added).toBe(true);
    expect(await ds.getRepository(Expert).count()).toBe(4);
  });

  it('keeps one row when the same expert is added at once (a double click, two imports)', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => experts.upsert(TENANT, expertInput({ contact: `1390013900${i}` }), ADMIN_A)));
    expect(results.filter((r) => r.added)).toHaveLength(1);
    expect(new Set(results.map((r) => r.expert.id)).size).toBe(1);
    const rows = await ds.getRepository(Expert).find();
    expect(rows).toHaveLength(1);
  });

  it('gets by tenant and id only', async () => {
    const { expert } = await experts.upsert(TENANT, expertInput(), ADMIN_A);
    expect((await experts.get(TENANT, expert.id))?.name).toBe('王五');
    expect(await experts.get(OTHER_TENANT, expert.id)).toBeNull();
    expect(await experts.get(TENANT, 1.5)).toBeNull();
  });
});

describe('ExpertService.list', () => {
  it('lists the tenant’s experts by name in pinyin order, optionally only those covering a field', async () => {
    await experts.upsert(TENANT, expertInput({ name: '赵六', fields: ['green'] }), ADMIN_A);
    await experts.upsert(TENANT, expertInput({ name: 'Li Wei', fields: ['digital', 'green'] }), ADMIN_A);
    await experts.upsert(TENANT, expertInput({ name: '王五', fields: ['rare-earth'] }), ADMIN_A);
    await experts.upsert(OTHER_TENANT, expertInput({ name: '钱七', fields: ['green'] }), ADMIN_A);
    const names = (list: Expert[]) => list.map((e) => e.name);
    const all = await experts.list(TENANT);
    expect(names(all)).toHaveLength(3);
    // ICU's zh collation: Han by pinyin (wang before zhao, whatever the code points), then Latin.
    expect(names(all)).toEqual(['王五', '赵六', 'Li Wei']);
    expect(names(await experts.list(TENANT, 'green'))).toEqual(['赵六', 'Li Wei']);
    expect(names(await experts.list(TENANT, 'rare-earth'))).toEqual(['王五']);
    expect(await experts.list(TENANT, 'metallurgy')).toEqual([]);
    // A field is matched whole, not as a part of another.
    expect(await experts.list(TENANT, 'gree')).toEqual([]);
    expect(await experts.list('tenant-none')).toEqual([]);
  });

  it('reads broken fields JSON as no fields', async () => {
    const { expert } = await experts.upsert(TENANT, expertInput(), ADMIN_A);
    await ds.getRepository(Expert).update({ id: expert.id }, { fields: 'not json' });
    expect(await experts.list(TENANT, 'rare-earth')).toEqual([]);
    expect(fieldsOf({ ...expert, fields: '{"a":1}' })).toEqual([]);
    expect(fieldsOf({ ...expert, fields: '["a", 2]' })).toEqual(['a']);
  });
});

describe('ExpertService.find and page', () => {
  beforeEach(async () => {
    for (const [name, organisation, field] of [
      ['张三', '内蒙古大学', 'green'],
      ['王五', '包头钢铁研究院', 'rare-earth'],
      ['Li Wei', '内蒙古工业大学', 'green'],
      ['张小凡', '赤峰学院', 'rare-earth'],
      ['阿木', '内蒙古大学', 'digital'],
    ]) await experts.upsert(TENANT, expertInput({ name, organisation, fields: [field] }), ADMIN_A);
    await experts.upsert(OTHER_TENANT, expertInput({ name: '张七' }), ADMIN_A);
  });
  const names = (list: Expert[]) => list.map((e) => e.name);

  it('narrows by name or organisation (spaces and letter case aside) and by field, in pinyin order', async () => {
    expect(names(await experts.find(TENANT))).toEqual(['阿木', '王五', '张三', '张小凡', 'Li Wei']);
    expect(names(await experts.find(TENANT, { text: '张' }))).toEqual(['张三', '张小凡']);
    expect(names(await experts.find(TENANT, { text: '内蒙古 大学' }))).toEqual(['阿木', '张三']);
    expect(names(await experts.find(TENANT, { text: 'li wei' }))).toEqual(['Li Wei']);
    expect(names(await experts.find(TENANT, { field: 'rare-earth', text: '张' }))).toEqual(['张小凡']);
    expect(await experts.find(TENANT, { text: '钱' })).toEqual([]);
  });

  it('pages, clamping a page out of range to the pages there are', async () => {
    expect(await experts.page(TENANT, {}, 0, 2).then((p) => ({ ...p, experts: names(p.experts) }))).toEqual({ experts: ['阿木', '王五'], total: 5, page: 0, pages: 3 });
    expect(names((await experts.page(TENANT, {}, 2, 2)).experts)).toEqual(['Li Wei']);
    expect((await experts.page(TENANT, {}, 99, 2)).page).toBe(2);
    expect((await experts.page(TENANT, {}, -3, 2)).page).toBe(0);
    expect(await experts.page(TENANT, { text: '钱' }, 0, 10)).toEqual({ experts: [], total: 0, page: 0, pages: 1 });
  });
});

describe('ExpertService.update', () => {
  it('changes an expert at the version seen, always to a new version; a second or stale update changes nothing', async () => {
    const { expert } = await experts.upsert(TENANT, expertInput(), ADMIN_A);
    // Same millisecond as the upsert: the new version is still a different one.
    const done = await experts.update(TENANT, expert.id, expertInput({ name: '王 五', contact: 'wang@example.com', openId: 'ou_w' }), expert.updatedAt);
    expect(done).toMatchObject({ outcome: 'updated', expert: { id: expert.id, name: '王 五', contact: 'wang@example.com', openId: 'ou_w', updatedAt: expert.updatedAt + 1 } });
    const again = await experts.update(TENANT, expert.id, expertInput({ contact: 'other@example.com' }), expert.updatedAt);
    expect(again).toMatchObject({ outcome: 'stale', expert: { contact: 'wang@example.com' } });
    expect(await experts.update(TENANT, 9999, expertInput(), 0)).toEqual({ outcome: 'gone' });
    expect(await experts.update(OTHER_TENANT, expert.id, expertInput(), expert.updatedAt + 1)).toEqual({ outcome: 'gone' });
  });

  it('refuses the name and organisation of another expert', async () => {
    const a = (await experts.upsert(TENANT, expertInput({ name: '甲' }), ADMIN_A)).expert;
    const b = (await experts.upsert(TENANT, expertInput({ name: '乙' }), ADMIN_A)).expert;
    const clash = await experts.update(TENANT, a.id, expertInput({ name: '乙' }), a.updatedAt);
    expect(clash).toMatchObject({ outcome: 'duplicate', other: { id: b.id } });
    expect((await experts.get(TENANT, a.id))!.name).toBe('甲');
    // Its own name and organisation are not a clash.
    expect((await experts.update(TENANT, a.id, expertInput({ name: '甲', contact: 'jia@example.com' }), a.updatedAt)).outcome).toBe('updated');
  });
});

// ---------------------------------------------------------------------------------------------
// The 专家 添加 card's checks

describe('checkExpertForm', () => {
  const form = (over: Record<string, string | string[] | undefined> = {}) => ({ name: '王五', organisation: '内蒙古大学', fields: ['rare-earth'], contact: '13900139000', open_id: '', ...over });
  const errorsOf = (r: ReturnType<typeof checkExpertForm>) => {
    if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.expert)}`);
    return r.errors;
  };

  it('accepts a complete form, tidying names and spaces and keeping fields in list order', () => {
    const r = checkExpertForm(form({ name: ' 张  三 ', organisation: ' 内蒙古   大学 ', fields: ['digital', 'rare-earth'], contact: '+86 139 0013 9000', open_id: ' ou_abc-1_X ' }));
    expect(r).toEqual({ ok: true, expert: { name: '张三', organisation: '内蒙古 大学', fields: ['rare-earth', 'digital'], contact: '13900139000', openId: 'ou_abc-1_X' } });
    const noOpenId = checkExpertForm(form({ open_id: undefined }));
    expect(noOpenId.ok && noOpenId.expert.openId).toBeNull();
    // A single field as a string.
    const one = checkExpertForm(form({ fields: 'green' }));
    expect(one.ok && one.expert.fields).toEqual(['green']);
  });

  it('gives every field’s message, in form order', () => {
    const errors = errorsOf(checkExpertForm({ open_id: 'bad id' }));
    expect(Object.keys(errors)).toEqual([...EXPERT_FORM_FIELDS]);
    expect(errors).toEqual({
      name: '请填写专家姓名',
      organisation: '请填写专家所在单位',
      fields: '请至少选择一个擅长领域',
      contact: '请填写联系方式（手机、电话或邮箱）',
      open_id: 'open_id 格式不正确（应为 ou_ 开头，只含字母、数字、下划线和短横线）',
    });
  });

  it('name: required, at most 50 characters', () => {
    expect(errorsOf(checkExpertForm(form({ name: ' \u3000 ' })))).toEqual({ name: '请填写专家姓名' });
    expect(checkExpertForm(form({ name: '名'.repeat(50) })).ok).toBe(true);
    expect(errorsOf(checkExpertForm(form({ name: '名'.repeat(51) })))).toEqual({ name: '姓名不能超过 50 字' });
  });

  it('organisation: required, at most 100 characters', () => {
    expect(errorsOf(checkExpertForm(form({ organisation: '' })))).toEqual({ organisation: '请填写专家所在单位' });
    expect(checkExpertForm(form({ organisation: '单'.repeat(100) })).ok).toBe(true);
    expect(errorsOf(checkExpertForm(form({ organisation: '单'.repeat(101) })))).toEqual({ organisation: '单位不能超过 100 字' });
  });

  it('fields: at least one, all from the list (by value, not label)', () => {
    expect(errorsOf(checkExpertForm(form({ fields: [] })))).toEqual({ fields: '请至少选择一个擅长领域' });
    expect(errorsOf(checkExpertForm(form({ fields: ['rare-earth', 'space'] })))).toEqual({ fields: '领域中有无效的选项，请重新选择' });
    expect(errorsOf(checkExpertForm(form({ fields: ['稀土及新材料'] })))).toEqual({ fields: '领域中有无效的选项，请重新选择' });
    const custom: Industry[] = [{ value: 'space', label: '航天' }];
    const r = checkExpertForm(form({ fields: ['space'] }), custom);
    expect(r.ok && r.expert.fields).toEqual(['space']);
    expect(errorsOf(checkExpertForm(form({ fields: ['rare-earth'] }), custom))).toEqual({ fields: '领域中有无效的选项，请重新选择' });
  });

  it('contact: required; a mobile checked, a landline and an e-mail kept; at most 100 characters', () => {
    expect(errorsOf(checkExpertForm(form({ contact: '  ' })))).toEqual({ contact: '请填写联系方式（手机、电话或邮箱）' });
    expect(errorsOf(checkExpertForm(form({ contact: '1390013900' })))).toEqual({ contact: '联系方式「1390013900」有误：请输入 11 位手机号码' });
    expect(errorsOf(checkExpertForm(form({ contact: 'wang@example' })))).toEqual({ contact: '联系方式「wang@example」有误：邮箱格式不正确' });
    const landline = checkExpertForm(form({ contact: '0471-1234567' }));
    expect(landline.ok && landline.expert.contact).toBe('0471-1234567');
    const mail = checkExpertForm(form({ contact: 'wang@example.com' }));
    expect(mail.ok && mail.expert.contact).toBe('wang@example.com');
    expect(checkExpertForm(form({ contact: '微'.repeat(100) })).ok).toBe(true);
    expect(errorsOf(checkExpertForm(form({ contact: '微'.repeat(101) })))).toEqual({ contact: '联系方式不能超过 100 字' });
  });

  it('open_id: optional; ou_ and safe characters; at most 128 characters', () => {
    const bad = 'open_id 格式不正确（应为 ou_ 开头，只含字母、数字、下划线和短横线）';
    for (const open_id of ['on_abc', 'ou_', 'ou_a b', 'ou_<at>', 'OU_abc']) expect(errorsOf(checkExpertForm(form({ open_id })))).toEqual({ open_id: bad });
    expect(checkExpertForm(form({ open_id: `ou_${'a'.repeat(125)}` })).ok).toBe(true);
    expect(errorsOf(checkExpertForm(form({ open_id: `ou_${'a'.repeat(126)}` })))).toEqual({ open_id: 'open_id 不能超过 128 个字符' });
  });
});
