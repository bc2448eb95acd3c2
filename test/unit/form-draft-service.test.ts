import type { DataSource } from 'typeorm';
import { FormDraft } from '../../src/db/entities/form-draft.entity';
import { answersOf, FormDraftService, subjectOf } from '../../src/services/form-draft-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * FormDraftService against a real SQLite file: which person's draft `find` returns, what `create`
 * stores (and that a second draft for the same person is refused, leaving the first as it was),
 * what each move of the wizard (save, setDormant, setPending) writes and leaves alone, the idle
 * boundary, and that `remove` removes only the one draft. Then answersOf / subjectOf on broken JSON.
 */

const T0 = Date.UTC(2027, 4, 1, 2, 0, 0);
let ds: DataSource;
let service: FormDraftService;
let now: number;

beforeEach(async () => {
  ds = await openTempDatabase('form-draft-');
  now = T0;
  service = new FormDraftService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

const person = (userId: string, over: Partial<{ platform: string; tenantKey: string }> = {}) => ({
  platform: 'dingtalk',
  tenantKey: 'corp-1',
  userId,
  ...over,
});

async function createFor(userId: string, over: Partial<{ platform: string; tenantKey: string; form: string; subject: unknown; messageId: string }> = {}): Promise<FormDraft> {
  const draft = await service.create({ ...person(userId), form: 'application', subject: { token: `tok-${userId}` }, messageId: `msg-${userId}`, ...over });
  if (!draft) throw new Error('draft not created');
  return draft;
}

const reload = (id: number) => ds.getRepository(FormDraft).findOneByOrFail({ id });

describe('create', () => {
  it('stores a fresh draft at the first field, with no answers, as of now', async () => {
    const draft = await service.create({ platform: 'dingtalk', tenantKey: 'corp-1', userId: 'staff-1', form: 'summary', subject: 42, messageId: 'msg-1' });
    expect(draft).toEqual({
      id: expect.any(Number),
      platform: 'dingtalk',
      tenantKey: 'corp-1',
      userId: 'staff-1',
      form: 'summary',
      subject: '42',
      answers: '{}',
      step: 0,
      lastMessageId: 'msg-1',
      dormantAt: null,
      pendingText: null,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(subjectOf(draft!)).toBe(42);
    expect(answersOf(draft!)).toEqual({});
  });

  it('refuses a second draft for the same person and platform, leaving the first unchanged', async () => {
    const first = await createFor('staff-1');
    now = T0 + 1000;
    const second = await service.create({ ...person('staff-1'), form: 'need', subject: { token: 'other' }, messageId: 'msg-2' });
    expect(second).toBeUndefined();
    expect(await ds.getRepository(FormDraft).count()).toBe(1);
    expect(await reload(first.id)).toEqual(first);
  });

  it('gives the same person a draft of their own on another platform or tenant', async () => {
    const a = await createFor('staff-1');
    const b = await createFor('staff-1', { platform: 'feishu' });
    const c = await createFor('staff-1', { tenantKey: 'corp-2' });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(b).toMatchObject({ platform: 'feishu', tenantKey: 'corp-1' });
    expect(c).toMatchObject({ platform: 'dingtalk', tenantKey: 'corp-2' });
  });

  it('lets a failure other than the duplicate through', async () => {
    await expect(service.create({ ...person('staff-1'), form: null as unknown as string, subject: 1, messageId: 'm' })).rejects.toThrow(/NOT NULL/);
  });
});

describe('find', () => {
  it("returns that person's draft on that platform and tenant, and null for anybody else", async () => {
    await createFor('staff-1');
    await createFor('staff-2', { platform: 'feishu' });
    const wanted = await createFor('staff-2');
    await createFor('staff-2', { tenantKey: 'corp-2' });
    expect((await service.find('dingtalk', 'corp-1', 'staff-2'))?.id).toBe(wanted.id);
    expect(await service.find('dingtalk', 'corp-1', 'staff-3')).toBeNull();
    expect(await service.find('dingtalk', 'corp-3', 'staff-2')).toBeNull();
  });
});

describe('save', () => {
  it('records the step, the answers and the message, wakes the draft and settles a pending question', async () => {
    const draft = await createFor('staff-1');
    const other = await createFor('staff-2');
    now = T0 + 5000;
    await service.setDormant(draft);
    await service.setPending(draft, '通过 SQ2027001', 'msg-p');
    now = T0 + 9000;
    await service.save(draft, { step: 3, answers: { org_name: '某某公司', topics: ['a', 'b'] } }, 'msg-3');
    const saved = await reload(draft.id);
    expect(saved).toEqual({
      ...draft,
      step: 3,
      answers: JSON.stringify({ org_name: '某某公司', topics: ['a', 'b'] }),
      lastMessageId: 'msg-3',
      updatedAt: T0 + 9000,
      dormantAt: null,
      pendingText: null,
    });
    expect(answersOf(saved)).toEqual({ org_name: '某某公司', topics: ['a', 'b'] });
    expect(await reload(other.id)).toEqual(other);
  });
});

describe('setDormant', () => {
  it('marks the draft put aside now, keeping its last touch', async () => {
    const draft = await createFor('staff-1');
    const other = await createFor('staff-2');
    now = T0 + 7000;
    await service.setDormant(draft);
    expect(await reload(draft.id)).toEqual({ ...draft, dormantAt: T0 + 7000, updatedAt: T0 });
    expect(await reload(other.id)).toEqual(other);
  });
});

describe('setPending', () => {
  it('keeps the command-like text with the message, as a touch of the draft', async () => {
    const draft = await createFor('staff-1');
    const other = await createFor('staff-2');
    now = T0 + 3000;
    await service.setPending(draft, '通过 SQ2027001', 'msg-9');
    expect(await reload(draft.id)).toEqual({ ...draft, pendingText: '通过 SQ2027001', lastMessageId: 'msg-9', updatedAt: T0 + 3000 });
    expect(await reload(other.id)).toEqual(other);
    now = T0 + 4000;
    await service.setPending(draft, null, 'msg-10');
    expect(await reload(draft.id)).toEqual({ ...draft, pendingText: null, lastMessageId: 'msg-10', updatedAt: T0 + 4000 });
  });
});

describe('isIdle', () => {
  it('is idle only once more than idleMs have passed since the last touch', async () => {
    const draft = await createFor('staff-1');
    now = T0 + 60_000;
    expect(service.isIdle(draft, 60_000)).toBe(false);
    expect(service.isIdle(draft, 59_999)).toBe(true);
    now = T0 + 60_001;
    expect(service.isIdle(draft, 60_000)).toBe(true);
    now = T0;
    expect(service.isIdle(draft, 0)).toBe(false);
  });
});

describe('remove', () => {
  it('removes that draft only', async () => {
    const a = await createFor('staff-1');
    const b = await createFor('staff-2');
    await service.remove(a);
    expect(await service.find('dingtalk', 'corp-1', 'staff-1')).toBeNull();
    expect(await ds.getRepository(FormDraft).find()).toEqual([b]);
  });
});

describe('answersOf', () => {
  const withAnswers = (answers: string) => Object.assign(new FormDraft(), { answers });

  it('reads a JSON object of answers', () => {
    expect(answersOf(withAnswers('{"outcomes":"好","n":["1"]}'))).toEqual({ outcomes: '好', n: ['1'] });
  });

  it.each(['null', '[1,2]', '"text"', '7', 'true', 'not json', ''])('reads %p as no answers', (raw) => {
    expect(answersOf(withAnswers(raw))).toEqual({});
  });
});

describe('subjectOf', () => {
  const withSubject = (subject: string) => Object.assign(new FormDraft(), { subject });

  it('reads the JSON subject', () => {
    expect(subjectOf(withSubject('{"token":"t1"}'))).toEqual({ token: 't1' });
    expect(subjectOf(withSubject('[3,4]'))).toEqual([3, 4]);
  });

  it('reads a broken subject as none', () => {
    expect(subjectOf(withSubject('{broken'))).toBeUndefined();
  });
});
