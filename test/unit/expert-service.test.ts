import { QueryFailedError, type DataSource } from 'typeorm';
import { Expert } from '../../src/db/entities/expert.entity';
import { Need } from '../../src/db/entities/need.entity';
import { byPinyin, DELETED_EXPERT_NAME, ExpertService, fieldsOf, searchKey, type ExpertInput } from '../../src/services/expert-service';
import { makeNeed } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ExpertService against a real SQLite file: which experts each read returns (tenant, deleted,
 * field, text) and in which order (pinyin, then organisation, then id), paging and its clamping,
 * the versioned edit and removal (gone, stale, duplicate, deleted vs masked, exact stored values,
 * what a refusal leaves unchanged), adding or updating by (name, organisation), and the races the
 * service absorbs, simulated by acting between its read and its write.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const T0 = Date.UTC(2027, 4, 1, 2, 0, 0);

let ds: DataSource;
let now: number;
let service: ExpertService;

beforeEach(async () => {
  ds = await openTempDatabase('expert-service-');
  now = T0;
  service = new ExpertService(ds, () => now);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await closeTempDatabase(ds);
});

const repo = () => ds.getRepository(Expert);
const row = (id: number) => repo().findOneByOrFail({ id });

function input(over: Partial<ExpertInput> = {}): ExpertInput {
  return { name: '张三', organisation: '内蒙古大学', fields: ['new-materials'], contact: '13800138000', openId: 'ou_zhang', ...over };
}

async function add(over: Partial<ExpertInput> = {}, tenantKey = TENANT): Promise<Expert> {
  return (await service.upsert(tenantKey, input(over), 'ou_admin')).expert;
}

async function addNeed(id: number, expertId: number, tenantKey = TENANT): Promise<void> {
  await ds.getRepository(Need).save(makeNeed({ id, tenantKey, expertId, formToken: `tok_${id}`, codeSeq: id }));
}

const names = (experts: Expert[]) => experts.map((e) => `${e.name}/${e.organisation}`);

describe('upsert', () => {
  it('adds a new expert with every value stored', async () => {
    const res = await service.upsert(TENANT, input(), 'ou_admin');
    expect(res.added).toBe(true);
    expect(res.expert).toMatchObject({ tenantKey: TENANT, name: '张三', organisation: '内蒙古大学', fields: '["new-materials"]', contact: '13800138000', openId: 'ou_zhang', addedBy: 'ou_admin', createdAt: T0, updatedAt: T0, deletedAt: null });
    expect(await repo().count()).toBe(1);
  });

  it('updates a known (name, organisation) instead of adding it again', async () => {
    const first = await add();
    now = T0 + 5000;
    const res = await service.upsert(TENANT, input({ fields: ['chemicals', 'digital'], contact: 'z@example.com', openId: null }), 'ou_other');
    expect(res.added).toBe(false);
    expect(res.expert).toMatchObject({ id: first.id, fields: '["chemicals","digital"]', contact: 'z@example.com', openId: null, addedBy: 'ou_admin', createdAt: T0, updatedAt: T0 + 5000 });
    expect(await repo().count()).toBe(1);
  });

  it('updating a known expert returns that expert, not another row', async () => {
    await add({ name: '阿明' });
    const known = await add({ name: '李四' });
    await add({ name: '王五' });
    now = T0 + 5000;
    const res = await service.upsert(TENANT, input({ name: '李四', contact: 'new' }), 'ou_admin');
    expect(res).toMatchObject({ added: false, expert: { id: known.id, name: '李四', contact: 'new', updatedAt: T0 + 5000 } });
  });

  it('the same name at another organisation, or in another tenant, is another expert', async () => {
    const a = await add();
    const b = await add({ organisation: '包头医学院' });
    const c = await add({}, OTHER_TENANT);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(await row(a.id)).toMatchObject({ organisation: '内蒙古大学', tenantKey: TENANT });
  });

  it('when another insert of the same expert wins the race, ours updates it', async () => {
    const first = await add();
    jest.spyOn(repo(), 'findOneBy').mockResolvedValueOnce(null);
    now = T0 + 1000;
    const res = await service.upsert(TENANT, input({ contact: 'new' }), 'ou_admin');
    expect(res).toMatchObject({ added: false, expert: { id: first.id, contact: 'new', updatedAt: T0 + 1000 } });
    expect(await repo().count()).toBe(1);
  });

  it('any other failure of the insert is passed on', async () => {
    jest.spyOn(repo(), 'insert').mockRejectedValueOnce(new Error('disk full'));
    await expect(service.upsert(TENANT, input(), 'ou_admin')).rejects.toThrow('disk full');
  });
});

describe('get', () => {
  it('finds an expert of this tenant by id, nothing for another tenant, an unknown or an unsafe id', async () => {
    const e = await add();
    expect(await service.get(TENANT, e.id)).toMatchObject({ id: e.id, name: '张三' });
    expect(await service.get(OTHER_TENANT, e.id)).toBeNull();
    expect(await service.get(TENANT, e.id + 1)).toBeNull();
    const spy = jest.spyOn(repo(), 'findOneBy');
    expect(await service.get(TENANT, e.id + 0.5)).toBeNull();
    expect(await service.get(TENANT, Number.NaN)).toBeNull();
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('list, find and byPinyin', () => {
  it('lists this tenant’s experts in pinyin order, leaving out deleted ones', async () => {
    await add({ name: '张三' });
    await add({ name: '李四' });
    await add({ name: '阿明' });
    await add({ name: '王五' }, OTHER_TENANT);
    const gone = await add({ name: '陈晨' });
    await addNeed(1, gone.id);
    expect((await service.remove(TENANT, gone.id, gone.updatedAt)).outcome).toBe('masked');
    expect((await service.list(TENANT)).map((e) => e.name)).toEqual(['阿明', '李四', '张三']);
  });

  it('orders equal names by organisation', async () => {
    await add({ name: '张三', organisation: '内蒙古大学' });
    await add({ name: '张三', organisation: '包头医学院' });
    expect(names(await service.list(TENANT))).toEqual(['张三/包头医学院', '张三/内蒙古大学']);
  });

  it('byPinyin orders equal names and organisations by id', () => {
    const e = (id: number) => ({ id, name: '张三', organisation: '内蒙古大学' }) as Expert;
    expect([e(7), e(3), e(5)].sort(byPinyin).map((x) => x.id)).toEqual([3, 5, 7]);
  });

  it('list narrows to a field; an empty field means every expert', async () => {
    await add({ name: '张三', fields: ['chemicals', 'digital'] });
    await add({ name: '李四', fields: ['digital'] });
    await add({ name: '阿明', fields: ['green'] });
    expect((await service.list(TENANT, 'digital')).map((e) => e.name)).toEqual(['李四', '张三']);
    expect((await service.list(TENANT, '')).map((e) => e.name)).toEqual(['阿明', '李四', '张三']);
  });

  it('find matches text in the name or the organisation, ignoring spaces and case', async () => {
    await add({ name: '张三', organisation: 'IMU 内蒙古大学' });
    await add({ name: '李四', organisation: '包头医学院' });
    await add({ name: '王 大明', organisation: '赤峰学院' });
    expect((await service.find(TENANT, { text: 'imu' })).map((e) => e.name)).toEqual(['张三']);
    expect((await service.find(TENANT, { text: '大明' })).map((e) => e.name)).toEqual(['王 大明']);
    expect((await service.find(TENANT, { text: '医学' })).map((e) => e.name)).toEqual(['李四']);
    expect((await service.find(TENANT, { text: '　 ' })).map((e) => e.name)).toEqual(['李四', '王 大明', '张三']);
    expect((await service.find(TENANT)).map((e) => e.name)).toEqual(['李四', '王 大明', '张三']);
  });

  it('find combines the field and the text', async () => {
    await add({ name: '张三', organisation: '内蒙古大学', fields: ['digital'] });
    await add({ name: '李四', organisation: '内蒙古工业大学', fields: ['green'] });
    expect((await service.find(TENANT, { field: 'green', text: '内蒙古' })).map((e) => e.name)).toEqual(['李四']);
  });

  it('searchKey drops every kind of space and lower-cases Latin letters', () => {
    expect(searchKey(' A b\u3000C\u00a0d\te\n ')).toBe('abcde');
  });
});

describe('page', () => {
  beforeEach(async () => {
    for (const name of ['阿明', '陈晨', '李四', '王五', '张三']) await add({ name });
  });
  const pageOf = async (page: number, size = 2) => {
    const p = await service.page(TENANT, {}, page, size);
    return { names: p.experts.map((e) => e.name), total: p.total, page: p.page, pages: p.pages };
  };

  it('cuts the experts into pages of the given size, the last one partly filled', async () => {
    expect(await pageOf(0)).toEqual({ names: ['阿明', '陈晨'], total: 5, page: 0, pages: 3 });
    expect(await pageOf(1)).toEqual({ names: ['李四', '王五'], total: 5, page: 1, pages: 3 });
    expect(await pageOf(2)).toEqual({ names: ['张三'], total: 5, page: 2, pages: 3 });
    expect(await pageOf(0, 5)).toEqual({ names: ['阿明', '陈晨', '李四', '王五', '张三'], total: 5, page: 0, pages: 1 });
  });

  it('clamps the page: past the end to the last, below zero, fractions and non-numbers', async () => {
    expect((await pageOf(3)).page).toBe(2);
    expect((await pageOf(99)).names).toEqual(['张三']);
    expect((await pageOf(-1)).names).toEqual(['阿明', '陈晨']);
    expect((await pageOf(1.9)).page).toBe(1);
    expect((await pageOf(Number.NaN)).page).toBe(0);
    expect((await pageOf(Number.POSITIVE_INFINITY)).page).toBe(0);
  });

  it('no match is one empty page', async () => {
    const p = await service.page(TENANT, { text: '没有这个人' }, 3, 2);
    expect(p).toEqual({ experts: [], total: 0, page: 0, pages: 1 });
  });
});

describe('update', () => {
  it('stores the edit with a new version and returns the row', async () => {
    const e = await add();
    now = T0 + 5000;
    const res = await service.update(TENANT, e.id, input({ name: '张三丰', organisation: '武当', fields: ['green'], contact: 'c', openId: null }), T0);
    expect(res).toMatchObject({ outcome: 'updated', expert: { id: e.id, name: '张三丰', organisation: '武当', fields: '["green"]', contact: 'c', openId: null, updatedAt: T0 + 5000, createdAt: T0, addedBy: 'ou_admin' } });
    expect(await row(e.id)).toMatchObject({ name: '张三丰', updatedAt: T0 + 5000 });
  });

  it('within the same millisecond the version still moves on by one', async () => {
    const e = await add();
    const res = await service.update(TENANT, e.id, input({ contact: 'c' }), T0);
    expect(res).toMatchObject({ outcome: 'updated', expert: { updatedAt: T0 + 1 } });
    // The form opened at T0 is now stale, even replayed.
    expect(await service.update(TENANT, e.id, input({ contact: 'd' }), T0)).toMatchObject({ outcome: 'stale', expert: { contact: 'c' } });
  });

  it('returns the edited expert among others, and keeping its own name is no duplicate even when it is not the first row', async () => {
    await add({ name: '阿明' });
    const e = await add({ name: '李四' });
    await add({ name: '王五' });
    now = T0 + 5000;
    const res = await service.update(TENANT, e.id, input({ name: '李四', contact: 'new' }), T0);
    expect(res).toMatchObject({ outcome: 'updated', expert: { id: e.id, name: '李四', contact: 'new', updatedAt: T0 + 5000 } });
  });

  it('keeping its own name and organisation is not a duplicate', async () => {
    const e = await add();
    expect((await service.update(TENANT, e.id, input({ contact: 'new' }), T0)).outcome).toBe('updated');
  });

  it('refuses a name and organisation another expert of the tenant has, changing nothing', async () => {
    const a = await add({ name: '张三' });
    const b = await add({ name: '李四' });
    await add({ name: '王五' }, OTHER_TENANT);
    const res = await service.update(TENANT, a.id, input({ name: '李四', contact: 'x' }), T0);
    expect(res).toMatchObject({ outcome: 'duplicate', other: { id: b.id } });
    expect(await row(a.id)).toMatchObject({ name: '张三', contact: '13800138000', updatedAt: T0 });
    expect((await service.update(TENANT, a.id, input({ name: '王五' }), T0)).outcome).toBe('updated');
  });

  it('a stale version changes nothing', async () => {
    const e = await add();
    const res = await service.update(TENANT, e.id, input({ contact: 'x' }), T0 - 1);
    expect(res).toMatchObject({ outcome: 'stale', expert: { id: e.id, updatedAt: T0 } });
    expect((await row(e.id)).contact).toBe('13800138000');
  });

  it('a deleted, unknown or other tenant’s expert is gone', async () => {
    const e = await add();
    await addNeed(1, e.id);
    expect(await service.update(OTHER_TENANT, e.id, input(), T0)).toEqual({ outcome: 'gone' });
    expect(await service.update(TENANT, e.id + 1, input(), T0)).toEqual({ outcome: 'gone' });
    now = T0 + 10;
    await service.remove(TENANT, e.id, T0);
    expect(await service.update(TENANT, e.id, input(), T0 + 10)).toEqual({ outcome: 'gone' });
    expect(await row(e.id)).toMatchObject({ name: DELETED_EXPERT_NAME, updatedAt: T0 + 10 });
  });

  it('an edit that lands between our read and our write makes ours stale', async () => {
    const e = await add();
    const original = repo().update.bind(repo());
    jest.spyOn(repo(), 'update').mockImplementationOnce(async (criteria, values) => {
      await ds.query('UPDATE experts SET contact = ?, updated_at = ? WHERE id = ?', ['other', T0 + 7, e.id]);
      return original(criteria, values);
    });
    now = T0 + 100;
    const res = await service.update(TENANT, e.id, input({ contact: 'ours' }), T0);
    expect(res).toMatchObject({ outcome: 'stale', expert: { contact: 'other', updatedAt: T0 + 7 } });
    expect(await row(e.id)).toMatchObject({ contact: 'other', updatedAt: T0 + 7 });
  });

  it('an expert that takes the name at the same moment makes ours a duplicate', async () => {
    const e = await add({ name: '张三' });
    const original = repo().update.bind(repo());
    let other = 0;
    jest.spyOn(repo(), 'update').mockImplementationOnce(async (criteria, values) => {
      other = (await repo().insert({ tenantKey: TENANT, name: '李四', organisation: '内蒙古大学', fields: '[]', contact: '', openId: null, addedBy: 'x', createdAt: T0, updatedAt: T0 })).identifiers[0].id;
      return original(criteria, values);
    });
    const res = await service.update(TENANT, e.id, input({ name: '李四' }), T0);
    expect(res).toMatchObject({ outcome: 'duplicate', other: { id: other, name: '李四' } });
    expect((await row(e.id)).name).toBe('张三');
  });

  it('a failure that is not a taken name is passed on, even when another expert took the name meanwhile', async () => {
    const e = await add({ name: '张三' });
    jest.spyOn(repo(), 'update').mockImplementationOnce(async () => {
      await repo().insert({ tenantKey: TENANT, name: '李四', organisation: '内蒙古大学', fields: '[]', contact: '', openId: null, addedBy: 'x', createdAt: T0, updatedAt: T0 });
      throw new Error('disk full');
    });
    await expect(service.update(TENANT, e.id, input({ name: '李四' }), T0)).rejects.toThrow('disk full');
  });

  it('a unique violation with no other expert holding the name is passed on, not called a duplicate', async () => {
    const e = await add();
    const violation = new QueryFailedError('UPDATE "experts" …', [], Object.assign(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: experts.tenant_key, experts.name, experts.organisation'), { code: 'SQLITE_CONSTRAINT' }));
    jest.spyOn(repo(), 'update').mockRejectedValueOnce(violation);
    await expect(service.update(TENANT, e.id, input({ contact: 'x' }), T0)).rejects.toBe(violation);
    expect((await row(e.id)).contact).toBe('13800138000');
  });

  it('a failure that is not a taken name is passed on', async () => {
    const e = await add();
    jest.spyOn(repo(), 'update').mockRejectedValueOnce(new Error('disk full'));
    await expect(service.update(TENANT, e.id, input({ contact: 'x' }), T0)).rejects.toThrow('disk full');
  });
});

describe('byIds', () => {
  it('returns the existing experts among the ids, in the order of the ids', async () => {
    const a = await add({ name: '阿明' });
    const b = await add({ name: '李四' });
    const c = await add({ name: '张三' });
    const other = await add({ name: '王五' }, OTHER_TENANT);
    const masked = await add({ name: '陈晨' });
    await addNeed(1, masked.id);
    await service.remove(TENANT, masked.id, masked.updatedAt);
    const got = await service.byIds(TENANT, [c.id, 999, a.id, other.id, masked.id, b.id + 0.5, -b.id, b.id]);
    expect(got.map((e) => e.name)).toEqual(['张三', '阿明', '李四']);
  });

  it('asks the database only for whole positive ids (PostgreSQL rejects 1.5 for an integer column)', async () => {
    const a = await add({ name: '阿明' });
    const b = await add({ name: '李四' });
    const spy = jest.spyOn(repo(), 'find');
    expect((await service.byIds(TENANT, [b.id, 1.5, -a.id, Number.MAX_VALUE, a.id])).map((e) => e.id)).toEqual([b.id, a.id]);
    expect(spy).toHaveBeenCalledTimes(1);
    const where = spy.mock.calls[0][0]!.where as { id: { value: unknown } };
    expect(where.id.value).toEqual([b.id, a.id]);
  });

  it('no valid id: nothing', async () => {
    await add();
    expect(await service.byIds(TENANT, [])).toEqual([]);
    expect(await service.byIds(TENANT, [Number.NaN, 1.5])).toEqual([]);
  });
});

describe('matching', () => {
  beforeEach(async () => {
    await add({ name: '张三', organisation: 'Inner Mongolia University', fields: ['digital'] });
    await add({ name: '李四', organisation: '包头医学院', fields: ['biomedicine'] });
    await add({ name: '阿明', organisation: '赤峰学院', fields: ['green', 'chemicals'] });
  });
  const match = async (text: string) => (await service.matching(TENANT, text)).map((e) => e.name);

  it('empty or blank text: every expert, in pinyin order', async () => {
    expect(await match('')).toEqual(['阿明', '李四', '张三']);
    expect(await match('   ')).toEqual(['阿明', '李四', '张三']);
  });

  it('matches the name, the organisation (any case), the field value or its label, trimmed', async () => {
    expect(await match(' 李 ')).toEqual(['李四']);
    expect(await match('MONGOLIA')).toEqual(['张三']);
    expect(await match('学院')).toEqual(['阿明', '李四']);
    expect(await match('chemicals')).toEqual(['阿明']);
    expect(await match('蒙中医药')).toEqual(['李四']);
    expect(await match('节能环保')).toEqual(['阿明']);
    expect(await match('无此人')).toEqual([]);
  });
});

describe('needCount and remove', () => {
  it('needCount counts the needs of any status naming the expert, in this tenant', async () => {
    const a = await add({ name: '张三' });
    const b = await add({ name: '李四' });
    await addNeed(1, a.id);
    await ds.getRepository(Need).save(makeNeed({ id: 2, expertId: a.id, tenantKey: TENANT, status: '已办结', formToken: 'tok_2', codeSeq: 2 }));
    await addNeed(3, b.id);
    await addNeed(4, a.id, OTHER_TENANT);
    expect(await service.needCount(TENANT, a.id)).toBe(2);
    expect(await service.needCount(TENANT, b.id)).toBe(1);
  });

  it('an expert no need names is deleted outright', async () => {
    const e = await add();
    const keep = await add({ name: '李四' });
    const res = await service.remove(TENANT, e.id, T0);
    expect(res).toMatchObject({ outcome: 'deleted', needs: 0, expert: { id: e.id, name: '张三' } });
    expect((await repo().find()).map((x) => x.id)).toEqual([keep.id]);
    expect(await service.remove(TENANT, e.id, T0)).toEqual({ outcome: 'gone' });
  });

  it('an expert needs name is emptied, the name shown as deleted', async () => {
    const e = await add();
    await addNeed(1, e.id);
    await addNeed(2, e.id);
    now = T0 + 3000;
    const res = await service.remove(TENANT, e.id, T0);
    expect(res).toMatchObject({ outcome: 'masked', needs: 2, expert: { id: e.id, name: '张三', contact: '13800138000' } });
    expect(await row(e.id)).toMatchObject({ name: '（已删除的专家）', organisation: `deleted:${e.id}`, fields: '[]', contact: '', openId: null, deletedAt: T0 + 3000, updatedAt: T0 + 3000, addedBy: 'ou_admin', createdAt: T0 });
    // A replayed confirmation, even with the new version, finds it gone.
    expect(await service.remove(TENANT, e.id, T0)).toEqual({ outcome: 'gone' });
    expect(await service.remove(TENANT, e.id, T0 + 3000)).toEqual({ outcome: 'gone' });
  });

  it('two masked experts of the same name and organisation do not collide', async () => {
    const a = await add();
    await addNeed(1, a.id);
    await service.remove(TENANT, a.id, T0);
    const b = await add();
    await addNeed(2, b.id);
    expect((await service.remove(TENANT, b.id, T0)).outcome).toBe('masked');
  });

  it('a stale version, another tenant or an unknown id changes nothing', async () => {
    const e = await add();
    expect(await service.remove(TENANT, e.id, T0 + 1)).toMatchObject({ outcome: 'stale', expert: { id: e.id } });
    expect(await service.remove(OTHER_TENANT, e.id, T0)).toEqual({ outcome: 'gone' });
    expect(await service.remove(TENANT, e.id + 1, T0)).toEqual({ outcome: 'gone' });
    expect(await row(e.id)).toMatchObject({ name: '张三', deletedAt: null, updatedAt: T0 });
  });

  it('an edit between our read and our delete makes the removal stale', async () => {
    const e = await add();
    const original = repo().delete.bind(repo());
    jest.spyOn(repo(), 'delete').mockImplementationOnce(async (criteria) => {
      await ds.query('UPDATE experts SET updated_at = ? WHERE id = ?', [T0 + 9, e.id]);
      return original(criteria);
    });
    expect(await service.remove(TENANT, e.id, T0)).toMatchObject({ outcome: 'stale', expert: { updatedAt: T0 + 9 } });
    expect(await repo().count()).toBe(1);
  });

  it('an edit between our read and our masking makes the removal stale', async () => {
    const e = await add();
    await addNeed(1, e.id);
    const original = repo().update.bind(repo());
    jest.spyOn(repo(), 'update').mockImplementationOnce(async (criteria, values) => {
      await ds.query('UPDATE experts SET updated_at = ? WHERE id = ?', [T0 + 9, e.id]);
      return original(criteria, values);
    });
    expect(await service.remove(TENANT, e.id, T0)).toMatchObject({ outcome: 'stale', expert: { updatedAt: T0 + 9 } });
    expect(await row(e.id)).toMatchObject({ name: '张三', deletedAt: null });
  });
});

describe('fieldsOf', () => {
  it('reads the stored JSON list, keeping only strings; anything else is no field', () => {
    const e = (fields: string) => ({ fields }) as Expert;
    expect(fieldsOf(e('["green",3,null,"digital"]'))).toEqual(['green', 'digital']);
    expect(fieldsOf(e('{"a":"green"}'))).toEqual([]);
    expect(fieldsOf(e('"green"'))).toEqual([]);
    expect(fieldsOf(e('not json'))).toEqual([]);
  });
});
