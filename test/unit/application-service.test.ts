import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { Application } from '../../src/db/entities/application.entity';
import type { CheckedApplication } from '../../src/domain/application-rules';
import { checkedOf, codeOf, draftValuesOf, parseCode, reviewKeysOf } from '../../src/services/application-record';
import { ApplicationService, type ChangeResult } from '../../src/services/application-service';
import { checked } from '../helpers/factories';
import { okApp, refused } from '../helpers/change-results';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ApplicationService against a real SQLite file (migrated by openDatabase), with a clock the
 * tests move by hand. The PostgreSQL counterparts of the concurrency cases are in
 * test/integration/postgres.test.ts.
 */

const TENANT = 'tenant-1';
const FILER_A = 'ou_filer_a';
const FILER_B = 'ou_filer_b';
const ADMIN_A = 'ou_admin_a';
const ADMIN_B = 'ou_admin_b';
const YEAR = 2027;

let ds: DataSource;
let svc: ApplicationService;
let now: number;
let tokens = 0;
const token = (): string => `form-token-${++tokens}`;
/** Moves the clock on, so that orderings by time are unambiguous. */
const tick = (ms = 1000): number => (now += ms);

beforeEach(async () => {
  ds = await openTempDatabase('application-service-');
  now = Date.UTC(2027, 4, 1, 2, 0, 0);
  svc = new ApplicationService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

const rows = () => ds.getRepository(Application).find({ order: { id: 'ASC' } });
const reload = (app: Application) => ds.getRepository(Application).findOneByOrFail({ id: app.id });
const actions = async (app: Application) => (await svc.history(app.id)).map((e) => e.action);

async function submitFresh(opts: { filer?: string; year?: number; formToken?: string; values?: Partial<CheckedApplication> } = {}): Promise<Application> {
  const filer = opts.filer ?? FILER_A;
  return okApp(
    await svc.submit({
      tenantKey: TENANT,
      actorOpenId: filer,
      formToken: opts.formToken ?? token(),
      app: null,
      checked: checked(opts.values),
      year: opts.year ?? YEAR,
    }),
  );
}

async function draftFresh(opts: { filer?: string; formToken?: string; form?: Record<string, string | string[]> } = {}): Promise<Application> {
  return okApp(
    await svc.saveDraft({
      tenantKey: TENANT,
      filerOpenId: opts.filer ?? FILER_A,
      formToken: opts.formToken ?? token(),
      app: null,
      form: opts.form ?? { org_name: '草稿单位' },
    }),
  );
}

describe('codeOf / parseCode', () => {
  it('writes SQ<year>-<4 digits>, growing a digit past 9999; no code before submission', () => {
    expect(codeOf({ codeYear: 2027, codeSeq: 1 })).toBe('SQ2027-0001');
    expect(codeOf({ codeYear: 2027, codeSeq: 42 })).toBe('SQ2027-0042');
    expect(codeOf({ codeYear: 2027, codeSeq: 9999 })).toBe('SQ2027-9999');
    expect(codeOf({ codeYear: 2027, codeSeq: 10000 })).toBe('SQ2027-10000');
    expect(codeOf({ codeYear: null, codeSeq: null })).toBeUndefined();
    expect(codeOf({ codeYear: 2027, codeSeq: null })).toBeUndefined();
  });

  it('reads codes as people type them', () => {
    const first = { year: 2027, seq: 1 };
    expect(parseCode('SQ2027-0001')).toEqual(first);
    expect(parseCode('sq2027-0001')).toEqual(first);
    expect(parseCode('  Sq2027-0001 ')).toEqual(first);
    // Full-width digits and dashes, as a Chinese IME types them.
    expect(parseCode('SQ２０２７－０００１')).toEqual(first);
    expect(parseCode('SQ2027—0001')).toEqual(first);
    expect(parseCode('SQ 2027 - 0001')).toEqual(first);
    // Leading zeros are optional.
    expect(parseCode('SQ2027-1')).toEqual(first);
  });

  it('accepts a code without its dash: the year is always the first four digits', () => {
    expect(parseCode('SQ20270001')).toEqual({ year: 2027, seq: 1 });
    expect(parseCode('sq20270042')).toEqual({ year: 2027, seq: 42 });
    expect(parseCode('SQ202710000')).toEqual({ year: 2027, seq: 10000 });
  });

  it('round-trips every code codeOf writes, including past 9999', () => {
    for (const seq of [1, 9, 10, 999, 9999, 10000, 123456]) {
      const code = codeOf({ codeYear: 2028, codeSeq: seq })!;
      expect([code, parseCode(code)]).toEqual([code, { year: 2028, seq }]);
      expect([code, parseCode(code.toLowerCase().replace('-', ''))]).toEqual([code, { year: 2028, seq }]);
    }
  });

  it('rejects sequence 0 and what is not a code', () => {
    for (const text of [
      'SQ2027-0000',
      'SQ2027-0',
      'SQ20270000',
      '',
      'SQ',
      'SQ2027',
      'SQ2027-',
      'SQ27-0001',
      'AB2027-0001',
      'QS2027-0001',
      '2027-0001',
      'SQ2027-00a1',
      'SQ2027-1234567',
      'SQ2027-0001 extra',
      'xSQ2027-0001',
    ]) {
      expect([text, parseCode(text)]).toEqual([text, undefined]);
    }
  });
});

describe('saveDraft', () => {
  it('creates a 草稿 for a fresh token, keeping the typed values and the columns it can read', async () => {
    const formToken = token();
    const form = {
      org_name: '  内蒙古某某科技有限公司 ',
      region: '包头',
      start_date: '2027-06-10 +0800',
      end_date: '2027-06-12 +0800',
      headcount: '５０',
      topics: ['lecture-1', 'survey-2'],
      not_a_field: 'dropped',
    };
    const app = okApp(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form }));

    expect(app).toMatchObject({
      tenantKey: TENANT,
      formToken,
      filerOpenId: FILER_A,
      status: '草稿',
      codeYear: null,
      codeSeq: null,
      orgName: '内蒙古某某科技有限公司',
      region: '包头市',
      startDate: '2027-06-10',
      endDate: '2027-06-12',
      // Only the best-effort columns are filled from a draft; the rest waits for a submission.
      headcount: null,
      topics: null,
      submittedAt: null,
      decidedBy: null,
      createdAt: now,
      updatedAt: now,
    });
    expect(codeOf(app)).toBeUndefined();
    // The values exactly as typed (untrimmed), known fields only.
    const typed = { org_name: '  内蒙古某某科技有限公司 ', region: '包头', start_date: '2027-06-10 +0800', end_date: '2027-06-12 +0800', headcount: '５０', topics: ['lecture-1', 'survey-2'] };
    expect(JSON.parse(app.draftForm!)).toEqual(typed);
    expect(draftValuesOf(app)).toEqual(typed);
    expect(await reload(app)).toEqual(app);
    expect(await svc.findByFormToken(TENANT, formToken)).toEqual(app);

    const history = await svc.history(app.id);
    expect(history.map((e) => ({ ...e }))).toEqual([
      { id: expect.any(Number), applicationId: app.id, action: 'draft', fromStatus: null, toStatus: '草稿', actorOpenId: FILER_A, reason: null, at: now },
    ]);
  });

  it('leaves the columns empty for what it cannot read, and cuts a long name to 200 characters', async () => {
    const long = '长'.repeat(250);
    const app = await draftFresh({ form: { org_name: long, region: '亚特兰蒂斯', start_date: 'next tuesday', end_date: '2027-02-30 +0800' } });
    expect(app).toMatchObject({ orgName: '长'.repeat(200), region: null, startDate: null, endDate: null });
    expect(JSON.parse(app.draftForm!).org_name).toBe(long);

    const blank = await draftFresh({ form: { org_name: '   ' } });
    expect(blank).toMatchObject({ orgName: null, region: null, startDate: null, endDate: null });
    expect(JSON.parse(blank.draftForm!)).toEqual({ org_name: '   ' });
  });

  it('updates the same draft when saved again, by the app or by its token, bumping the version', async () => {
    const formToken = token();
    const first = await draftFresh({ formToken, form: { org_name: '甲单位', region: '包头市' } });
    const createdAt = now;

    tick();
    const second = okApp(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: first, form: { org_name: '乙单位', region: '赤峰', venue: '赤峰市会展中心' } }));
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(first.version + 1);
    expect(second).toMatchObject({ status: '草稿', orgName: '乙单位', region: '赤峰市', createdAt, updatedAt: now });
    expect(draftValuesOf(second)).toEqual({ org_name: '乙单位', region: '赤峰', venue: '赤峰市会展中心' });

    // The same card again (app not looked up): found by its token, the same draft updated.
    tick();
    const third = okApp(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '丙单位' } }));
    expect(third.id).toBe(first.id);
    expect(third.version).toBe(second.version + 1);
    expect(third).toMatchObject({ orgName: '丙单位', region: null, updatedAt: now });

    expect(await rows()).toHaveLength(1);
    // Typing into a draft is not audited: only its creation is.
    expect(await actions(first)).toEqual(['draft']);
  });

  it('does not save over a newer version (a stale card)', async () => {
    const first = await draftFresh({ form: { org_name: '甲单位' } });
    const second = okApp(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: first.formToken, app: first, form: { org_name: '乙单位' } }));
    const stale = refused(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken: first.formToken, app: first, form: { org_name: '旧卡片' } }));
    expect(stale).toEqual(second);
    expect((await reload(first)).orgName).toBe('乙单位');
  });

  it("refuses to overwrite somebody else's draft", async () => {
    const mine = await draftFresh({ filer: FILER_A, form: { org_name: '甲单位' } });
    const before = await reload(mine);

    const byApp = refused(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_B, formToken: mine.formToken, app: mine, form: { org_name: '乙的' } }));
    expect(byApp.filerOpenId).toBe(FILER_A);
    const byToken = refused(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_B, formToken: mine.formToken, app: null, form: { org_name: '乙的' } }));
    expect(byToken.id).toBe(mine.id);

    expect(await reload(mine)).toEqual(before);
    expect(await rows()).toHaveLength(1);
  });

  it('does not turn a submitted application back into a draft', async () => {
    const formToken = token();
    const submitted = await submitFresh({ formToken });
    const before = await reload(submitted);

    const byApp = refused(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: submitted, form: { org_name: '改了' } }));
    expect(byApp.status).toBe('待审核');
    // The same fresh card again, after it was submitted.
    const byToken = refused(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '改了' } }));
    expect(byToken.id).toBe(submitted.id);

    expect(await reload(submitted)).toEqual(before);
    expect(before.draftForm).toBeNull();
    expect(await actions(submitted)).toEqual(['submit']);
  });
});

describe('submit', () => {
  it('submits a fresh card as 待审核 with the first code of the year', async () => {
    const formToken = token();
    const values = checked({ topics: ['survey-1', 'lecture-2'], remarks: '需要投影' });
    const result = await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: values, year: YEAR });
    expect(result.ok && result.from).toBe('草稿');
    const app = okApp(result);

    expect(app).toMatchObject({
      tenantKey: TENANT,
      formToken,
      filerOpenId: FILER_A,
      status: '待审核',
      codeYear: 2027,
      codeSeq: 1,
      orgName: values.orgName,
      region: '包头市',
      venue: values.venue,
      startDate: '2027-06-20',
      endDate: '2027-06-21',
      headcount: 100,
      coreCount: 85,
      enterpriseCount: 20,
      keyIndustryCount: 15,
      contactName: '王明',
      mobile: '13800138000',
      email: 'btkx@example.com',
      remarks: '需要投影',
      draftForm: null,
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(codeOf(app)).toBe('SQ2027-0001');
    expect(app.version).toBeGreaterThan(1);
    expect(checkedOf(app)).toEqual(values);
    expect(await svc.findByCode(TENANT, 2027, 1)).toEqual(app);
    expect(await svc.get(TENANT, app.id)).toEqual(app);
    expect(await svc.get('another-tenant', app.id)).toBeNull();

    // One audit line: the submission, from 草稿; no 'draft' line for a card submitted directly.
    const history = await svc.history(app.id);
    expect(history.map((e) => ({ ...e }))).toEqual([
      { id: expect.any(Number), applicationId: app.id, action: 'submit', fromStatus: '草稿', toStatus: '待审核', actorOpenId: FILER_A, reason: null, at: now },
    ]);
  });

  it('submits a draft as the same application, clearing its typed values', async () => {
    const draft = await draftFresh({ form: { org_name: '草稿单位', region: '包头' } });
    tick();
    const app = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: draft, checked: checked(), year: YEAR }));
    expect(app.id).toBe(draft.id);
    expect(app.formToken).toBe(draft.formToken);
    expect(app.version).toBe(draft.version + 1);
    expect(app).toMatchObject({ status: '待审核', codeSeq: 1, draftForm: null, submittedAt: now, createdAt: draft.createdAt, orgName: '包头市科学技术协会' });
    expect(draftValuesOf(app)).toEqual({});
    expect(await rows()).toHaveLength(1);
    expect((await svc.history(app.id)).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['draft', null, '草稿'],
      ['submit', '草稿', '待审核'],
    ]);
  });

  it('numbers applications in order, each campaign year on its own', async () => {
    const a = await submitFresh({ year: 2027 });
    const b = await submitFresh({ year: 2027 });
    const c = await submitFresh({ year: 2028 });
    const d = await submitFresh({ year: 2027 });
    const e = await submitFresh({ year: 2028 });
    expect([a, b, c, d, e].map(codeOf)).toEqual(['SQ2027-0001', 'SQ2027-0002', 'SQ2028-0001', 'SQ2027-0003', 'SQ2028-0002']);
    expect((await svc.findByCode(TENANT, 2028, 1))?.id).toBe(c.id);
    expect(await svc.findByCode(TENANT, 2028, 3)).toBeNull();
  });

  it('gives a draft its code when it is submitted, not when it was created', async () => {
    const early = await draftFresh();
    const later = await submitFresh();
    const earlyApp = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: early, checked: checked(), year: YEAR }));
    expect([codeOf(later), codeOf(earlyApp)]).toEqual(['SQ2027-0001', 'SQ2027-0002']);
  });

  it('resubmits a 待审核 application, keeping its code', async () => {
    const first = await submitFresh();
    tick();
    const result = await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: first, checked: checked({ headcount: 120, coreCount: 110 }), year: YEAR });
    expect(result.ok && result.from).toBe('待审核');
    const app = okApp(result);
    expect(app).toMatchObject({ id: first.id, status: '待审核', codeYear: 2027, codeSeq: 1, headcount: 120, coreCount: 110, submittedAt: now, version: first.version + 1 });
    expect(await rows()).toHaveLength(1);
    expect((await svc.history(app.id)).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['submit', '草稿', '待审核'],
      ['resubmit', '待审核', '待审核'],
    ]);
  });

  it('resubmits a returned application, keeping its code and clearing the decision', async () => {
    await submitFresh(); // SQ2027-0001, so the one below is 0002
    const first = await submitFresh();
    tick();
    const returned = okApp(await svc.transition(first, 'return', ADMIN_A, '人数不符'));
    expect(returned).toMatchObject({ status: '已退回', decidedBy: ADMIN_A, decidedAt: now, decisionReason: '人数不符' });

    tick();
    // A campaign year changed meanwhile must not renumber it either.
    const result = await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: returned, checked: checked({ venue: '新地点' }), year: 2028 });
    expect(result.ok && result.from).toBe('已退回');
    const app = okApp(result);
    expect(app).toMatchObject({ status: '待审核', codeYear: 2027, codeSeq: 2, venue: '新地点', decidedBy: null, decidedAt: null, decisionReason: null, submittedAt: now });
    const last = (await svc.history(app.id)).at(-1)!;
    expect([last.action, last.fromStatus, last.toStatus, last.actorOpenId]).toEqual(['resubmit', '已退回', '待审核', FILER_A]);
  });

  it('refuses to submit an application that is past review, or a stale copy', async () => {
    const app = await submitFresh();
    const approved = okApp(await svc.transition(app, 'approve', ADMIN_A));
    const late = refused(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: approved, checked: checked({ venue: '改' }), year: YEAR }));
    expect(late).toEqual(approved);

    const other = await submitFresh();
    okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: other, checked: checked({ venue: '第一次修改' }), year: YEAR }));
    const stale = refused(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: other, checked: checked({ venue: '旧卡片' }), year: YEAR }));
    expect(stale.venue).toBe('第一次修改');
    expect((await reload(approved)).venue).toBe(approved.venue);
  });
});

describe('concurrent submissions', () => {
  // One card submitted 5 times at once: in the same-token race block at the end.
  it('numbers 40 fresh cards submitted at once 0001..0040, without gaps or duplicates', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        svc.submit({ tenantKey: TENANT, actorOpenId: `ou_filer_${i}`, formToken: token(), app: null, checked: checked(), year: YEAR }),
      ),
    );
    const apps = results.map(okApp);
    const expected = Array.from({ length: 40 }, (_, i) => `SQ2027-${String(i + 1).padStart(4, '0')}`);
    expect(apps.map(codeOf).sort()).toEqual(expected);
    expect(new Set(apps.map((a) => a.id)).size).toBe(40);

    const stored = await rows();
    expect(stored).toHaveLength(40);
    expect(stored.map(codeOf).sort()).toEqual(expected);
    expect(stored.every((a) => a.status === '待审核')).toBe(true);
    for (const app of stored) expect(await actions(app)).toEqual(['submit']);
  });

  it('keeps numbering right while drafts, submissions and decisions interleave', async () => {
    const pending = await Promise.all([submitFresh(), submitFresh(), submitFresh()]);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      work.push(svc.submit({ tenantKey: TENANT, actorOpenId: FILER_B, formToken: token(), app: null, checked: checked(), year: YEAR }));
      work.push(svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_B, formToken: token(), app: null, form: { org_name: `草稿${i}` } }));
    }
    work.push(svc.transition(pending[0], 'approve', ADMIN_A), svc.transition(pending[1], 'return', ADMIN_A, '补材料'), svc.addReviewKeys(pending[2], ['k1']));
    await Promise.all(work);

    const stored = await rows();
    expect(stored).toHaveLength(23);
    const codes = stored.filter((a) => a.codeSeq !== null).map(codeOf).sort();
    expect(codes).toEqual(Array.from({ length: 13 }, (_, i) => `SQ2027-${String(i + 1).padStart(4, '0')}`));
    expect(stored.filter((a) => a.status === '草稿')).toHaveLength(10);
    expect((await reload(pending[0])).status).toBe('已通过');
    expect((await reload(pending[1])).status).toBe('已退回');
    expect(reviewKeysOf(await reload(pending[2]))).toEqual(['k1']);
  });
});

describe('transition', () => {
  it.each([
    ['approve', '已通过', null],
    ['approve', '已通过', '材料齐全'],
    ['return', '已退回', '请补充企业名单'],
    ['reject', '未通过', '不在活动范围内'],
  ] as const)('%s → %s (reason %p), recording who, when and why', async (action, status, reason) => {
    const app = await submitFresh();
    tick();
    const result = await svc.transition(app, action as 'approve' | 'return' | 'reject', ADMIN_A, reason);
    expect(result.ok && result.from).toBe('待审核');
    const decided = okApp(result);
    expect(decided).toMatchObject({ id: app.id, status, decidedBy: ADMIN_A, decidedAt: now, decisionReason: reason, updatedAt: now, version: app.version + 1, codeSeq: 1 });
    expect(await reload(app)).toEqual(decided);
    const last = (await svc.history(app.id)).at(-1)!;
    expect({ ...last }).toEqual({ id: expect.any(Number), applicationId: app.id, action, fromStatus: '待审核', toStatus: status, actorOpenId: ADMIN_A, reason, at: now });
  });

  it('lets exactly one of two concurrent decisions on the same copy win', async () => {
    for (const [first, second] of [
      ['approve', 'reject'],
      ['reject', 'approve'],
      ['approve', 'approve'],
      ['return', 'reject'],
    ] as const) {
      const stale = await submitFresh();
      const results = await Promise.all([
        svc.transition(stale, first, ADMIN_A, first === 'approve' ? null : '理由A'),
        svc.transition(stale, second, ADMIN_B, second === 'approve' ? null : '理由B'),
      ]);
      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r) => !r.ok);
      expect([first, second, winners.length, losers.length]).toEqual([first, second, 1, 1]);
      const winner = okApp(winners[0]);
      const loser = refused(losers[0]);
      // The loser learns what the winner decided.
      expect(loser).toMatchObject({ status: winner.status, decidedBy: winner.decidedBy, decisionReason: winner.decisionReason, version: winner.version });
      expect(await reload(stale)).toEqual(winner);
      expect(winner.version).toBe(stale.version + 1);
      const decisions = (await svc.history(stale.id)).filter((e) => e.action !== 'submit');
      expect(decisions.map((e) => e.actorOpenId)).toEqual([winner.decidedBy]);
    }
  });

  it('refuses an illegal transition and changes nothing', async () => {
    const app = await submitFresh();
    const withdrawn = okApp(await svc.transition(app, 'withdraw', FILER_A));
    const historyBefore = await svc.history(app.id);
    tick();

    for (const action of ['approve', 'return', 'reject', 'withdraw', 'submit', 'resubmit', 'hold'] as const) {
      const current = refused(await svc.transition(withdrawn, action, ADMIN_A, '原因'));
      expect([action, current.status, current.version]).toEqual([action, '已撤回', withdrawn.version]);
    }
    expect(await reload(app)).toEqual(withdrawn);
    expect(await svc.history(app.id)).toEqual(historyBefore);
  });

  it('refuses a decision on a copy whose status has moved on, reporting where it is now', async () => {
    const app = await submitFresh();
    const approved = okApp(await svc.transition(app, 'approve', ADMIN_A));
    // The review card still shows 待审核: the version check catches it.
    const current = refused(await svc.transition(app, 'reject', ADMIN_B, '迟到的'));
    expect(current).toEqual(approved);
    expect(await actions(app)).toEqual(['submit', 'approve']);
  });

  it('withdraws from 草稿, 待审核 and 已退回, but not from 已通过', async () => {
    const draft = await draftFresh();
    const pending = await submitFresh();
    const returned = okApp(await svc.transition(await submitFresh(), 'return', ADMIN_A, '补材料'));
    const approved = okApp(await svc.transition(await submitFresh(), 'approve', ADMIN_A));

    for (const app of [draft, pending, returned]) {
      const result = await svc.transition(app, 'withdraw', FILER_A);
      expect(result.ok && result.from).toBe(app.status);
      const withdrawn = okApp(result);
      expect(withdrawn).toMatchObject({ status: '已撤回', version: app.version + 1, codeSeq: app.codeSeq });
      // Withdrawing is not a decision: the decision columns stay as they were.
      expect([withdrawn.decidedBy, withdrawn.decisionReason]).toEqual([app.decidedBy, app.decisionReason]);
      const last = (await svc.history(app.id)).at(-1)!;
      expect([last.action, last.fromStatus, last.toStatus, last.actorOpenId]).toEqual(['withdraw', app.status, '已撤回', FILER_A]);
    }

    expect(refused(await svc.transition(approved, 'withdraw', FILER_A))).toEqual(approved);
    expect(await reload(approved)).toEqual(approved);
  });

  it('follows an approval with 已举办 and 已总结', async () => {
    const approved = okApp(await svc.transition(await submitFresh(), 'approve', ADMIN_A));
    const held = okApp(await svc.transition(approved, 'hold', 'scheduler'));
    const summarised = okApp(await svc.transition(held, 'summarise', FILER_A));
    expect(summarised).toMatchObject({ status: '已总结', decidedBy: ADMIN_A });
    expect(await actions(approved)).toEqual(['submit', 'approve', 'hold', 'summarise']);
  });
});

describe('attach and review keys', () => {
  it('stores the stamped scan and audits it', async () => {
    const app = await submitFresh();
    tick();
    const image = okApp(await svc.attach(app, { kind: 'image', key: 'img_v3_1', name: null, messageId: 'om_1' }, FILER_A));
    expect(image).toMatchObject({ status: '待审核', attachmentKind: 'image', attachmentKey: 'img_v3_1', attachmentName: null, attachmentMessageId: 'om_1', attachedAt: now, updatedAt: now, version: app.version + 1 });
    expect(await reload(app)).toEqual(image);

    tick();
    const file = okApp(await svc.attach(image, { kind: 'file', key: 'file_v3_2', name: '申请表（盖章）.pdf', messageId: 'om_2' }, FILER_A));
    expect(file).toMatchObject({ attachmentKind: 'file', attachmentKey: 'file_v3_2', attachmentName: '申请表（盖章）.pdf', attachmentMessageId: 'om_2', attachedAt: now });

    const attaches = (await svc.history(app.id)).filter((e) => e.action === 'attach');
    expect(attaches.map((e) => [e.fromStatus, e.toStatus, e.actorOpenId, e.reason])).toEqual([
      ['待审核', '待审核', FILER_A, null],
      ['待审核', '待审核', FILER_A, '申请表（盖章）.pdf'],
    ]);

    // A stale copy cannot attach over a newer one.
    const stale = refused(await svc.attach(app, { kind: 'image', key: 'img_old', name: null, messageId: 'om_0' }, FILER_A));
    expect(stale.attachmentKey).toBe('file_v3_2');
  });

  it('merges review keys without duplicates, and without bumping the version', async () => {
    const app = await submitFresh();
    expect(reviewKeysOf(app)).toEqual([]);
    await svc.addReviewKeys(app, ['review:1:a', 'review:1:b']);
    await svc.addReviewKeys(app, ['review:1:b', 'review:1:c', 'review:1:c']);
    const stored = await reload(app);
    expect(reviewKeysOf(stored)).toEqual(['review:1:a', 'review:1:b', 'review:1:c']);
    // Remembering where the cards went is not a change a decision should trip over.
    expect(stored.version).toBe(app.version);
    expect(okApp(await svc.transition(app, 'approve', ADMIN_A)).status).toBe('已通过');
    expect(await actions(app)).toEqual(['submit', 'approve']);
  });

  it('keeps every key of concurrent calls', async () => {
    const app = await submitFresh();
    await svc.addReviewKeys(app, ['k0']);
    await Promise.all([1, 2, 3, 4, 5].map((i) => svc.addReviewKeys(app, [`k${i}`, 'k0'])));
    const keys = reviewKeysOf(await reload(app));
    expect([...keys].sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('ignores an application that does not exist', async () => {
    const ghost = Object.assign(new Application(), { id: 999_999, version: 1 });
    await expect(svc.addReviewKeys(ghost, ['x'])).resolves.toBeUndefined();
    expect(await svc.get(TENANT, Number.NaN)).toBeNull();
  });
});

describe('list, pending, attachable, history', () => {
  /**
   * A's draft, A's 包头 submission, B's draft, A's 赤峰 submission, B's 包头 submission, another
   * tenant's submission: created in that order, a second apart.
   */
  async function seed() {
    const aDraft = await draftFresh({ filer: FILER_A, form: { org_name: 'A 草稿', region: '包头市' } });
    tick();
    const aBaotou = await submitFresh({ filer: FILER_A });
    tick();
    const bDraft = await draftFresh({ filer: FILER_B, form: { org_name: 'B 草稿', region: '包头市' } });
    tick();
    const aChifeng = await submitFresh({ filer: FILER_A, values: { region: '赤峰市' } });
    tick();
    const bBaotou = await submitFresh({ filer: FILER_B });
    tick();
    const other = okApp(
      await svc.submit({ tenantKey: 'tenant-2', actorOpenId: FILER_A, formToken: token(), app: null, checked: checked(), year: YEAR }),
    );
    tick();
    return { aDraft, aBaotou, bDraft, aChifeng, bBaotou, other };
  }
  const ids = (apps: Application[]) => apps.map((a) => a.id);

  it('lists newest first, showing drafts only to their own filer', async () => {
    const s = await seed();
    const asA = await svc.list({ tenantKey: TENANT, viewerOpenId: FILER_A }, 0, 10);
    expect(ids(asA.items)).toEqual(ids([s.bBaotou, s.aChifeng, s.aBaotou, s.aDraft]));
    expect(asA.total).toBe(4);

    const asB = await svc.list({ tenantKey: TENANT, viewerOpenId: FILER_B }, 0, 10);
    expect(ids(asB.items)).toEqual(ids([s.bBaotou, s.aChifeng, s.bDraft, s.aBaotou]));

    const asAdmin = await svc.list({ tenantKey: TENANT, viewerOpenId: ADMIN_A }, 0, 10);
    expect(ids(asAdmin.items)).toEqual(ids([s.bBaotou, s.aChifeng, s.aBaotou]));
    expect(asAdmin.total).toBe(3);

    const otherTenant = await svc.list({ tenantKey: 'tenant-2', viewerOpenId: FILER_A }, 0, 10);
    expect(ids(otherTenant.items)).toEqual([s.other.id]);
  });

  it('filters by filer, region and status', async () => {
    const s = await seed();
    const bAsA = await svc.list({ tenantKey: TENANT, filerOpenId: FILER_B, viewerOpenId: FILER_A }, 0, 10);
    expect([ids(bAsA.items), bAsA.total]).toEqual([[s.bBaotou.id], 1]);
    const bAsB = await svc.list({ tenantKey: TENANT, filerOpenId: FILER_B, viewerOpenId: FILER_B }, 0, 10);
    expect([ids(bAsB.items), bAsB.total]).toEqual([ids([s.bBaotou, s.bDraft]), 2]);

    // Drafts have a region column too (best effort), but stay private.
    const baotouAsAdmin = await svc.list({ tenantKey: TENANT, region: '包头市', viewerOpenId: ADMIN_A }, 0, 10);
    expect(ids(baotouAsAdmin.items)).toEqual(ids([s.bBaotou, s.aBaotou]));
    const baotouAsA = await svc.list({ tenantKey: TENANT, region: '包头市', viewerOpenId: FILER_A }, 0, 10);
    expect(ids(baotouAsA.items)).toEqual(ids([s.bBaotou, s.aBaotou, s.aDraft]));
    const chifeng = await svc.list({ tenantKey: TENANT, region: '赤峰市', filerOpenId: FILER_A, viewerOpenId: FILER_A }, 0, 10);
    expect(ids(chifeng.items)).toEqual([s.aChifeng.id]);

    okApp(await svc.transition(s.aBaotou, 'approve', ADMIN_A));
    const approved = await svc.list({ tenantKey: TENANT, viewerOpenId: FILER_A, statuses: ['已通过'] }, 0, 10);
    expect([ids(approved.items), approved.total]).toEqual([[s.aBaotou.id], 1]);
    const drafts = await svc.list({ tenantKey: TENANT, viewerOpenId: FILER_B, statuses: ['草稿'] }, 0, 10);
    expect(ids(drafts.items)).toEqual([s.bDraft.id]);
  });

  it('pages, with the total of all pages', async () => {
    const s = await seed();
    const all = ids([s.bBaotou, s.aChifeng, s.aBaotou, s.aDraft]);
    const pages = [];
    for (let page = 0; page < 3; page++) pages.push(await svc.list({ tenantKey: TENANT, viewerOpenId: FILER_A }, page, 3));
    expect(pages.map((p) => ids(p.items))).toEqual([all.slice(0, 3), all.slice(3), []]);
    expect(pages.map((p) => p.total)).toEqual([4, 4, 4]);
  });

  it('orders what waits for review by submission, oldest first', async () => {
    const early = await draftFresh();
    tick();
    const late = await draftFresh();
    tick();
    const lateSubmitted = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: late, checked: checked(), year: YEAR }));
    tick();
    const earlySubmitted = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: early, checked: checked(), year: YEAR }));
    tick();
    const fresh = await submitFresh();
    tick();
    const decided = okApp(await svc.transition(await submitFresh(), 'approve', ADMIN_A));
    await svc.submit({ tenantKey: 'tenant-2', actorOpenId: FILER_A, formToken: token(), app: null, checked: checked(), year: YEAR });

    expect(ids(await svc.pending(TENANT))).toEqual(ids([lateSubmitted, earlySubmitted, fresh]));
    expect(ids(await svc.pending(TENANT))).not.toContain(decided.id);

    // A resubmission joins the back of the queue.
    tick();
    okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: lateSubmitted, checked: checked({ venue: '改' }), year: YEAR }));
    expect(ids(await svc.pending(TENANT))).toEqual(ids([earlySubmitted, fresh, lateSubmitted]));
  });

  it("offers only the filer's 待审核, 已退回 and 已通过 applications for a scan, newest submission first", async () => {
    const pending = await submitFresh();
    tick();
    const returned = okApp(await svc.transition(await submitFresh(), 'return', ADMIN_A, '补'));
    tick();
    const approved = okApp(await svc.transition(await submitFresh(), 'approve', ADMIN_A));
    tick();
    await svc.transition(await submitFresh(), 'reject', ADMIN_A, '不符');
    tick();
    await svc.transition(await submitFresh(), 'withdraw', FILER_A);
    tick();
    await draftFresh();
    tick();
    await submitFresh({ filer: FILER_B });
    tick();
    await svc.submit({ tenantKey: 'tenant-2', actorOpenId: FILER_A, formToken: token(), app: null, checked: checked(), year: YEAR });

    expect(ids(await svc.attachable(TENANT, FILER_A))).toEqual(ids([approved, returned, pending]));
    expect(await svc.attachable(TENANT, 'ou_nobody')).toEqual([]);
  });

  it('tells the history in order, also within one millisecond', async () => {
    const draft = await draftFresh();
    // The clock stands still from here: the order must come from the insertion order.
    const submitted = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: draft, checked: checked(), year: YEAR }));
    const returned = okApp(await svc.transition(submitted, 'return', ADMIN_A, '补充'));
    const resubmitted = okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: returned, checked: checked(), year: YEAR }));
    const attached = okApp(await svc.attach(resubmitted, { kind: 'image', key: 'img', name: null, messageId: 'om' }, FILER_A));
    tick();
    okApp(await svc.transition(attached, 'approve', ADMIN_B, '同意'));
    const other = await submitFresh();

    const history = await svc.history(draft.id);
    expect(history.map((e) => [e.action, e.fromStatus, e.toStatus, e.actorOpenId, e.reason])).toEqual([
      ['draft', null, '草稿', FILER_A, null],
      ['submit', '草稿', '待审核', FILER_A, null],
      ['return', '待审核', '已退回', ADMIN_A, '补充'],
      ['resubmit', '已退回', '待审核', FILER_A, null],
      ['attach', '待审核', '待审核', FILER_A, null],
      ['approve', '待审核', '已通过', ADMIN_B, '同意'],
    ]);
    expect(history.every((e) => e.applicationId === draft.id)).toBe(true);
    expect(await actions(other)).toEqual(['submit']);
    expect(await svc.history(999_999)).toEqual([]);
  });
});

/**
 * Regression: createDraft used `repo.save`, which runs in a TypeORM transaction. On SQLite every
 * query shares one connection, so other requests' statements ran inside it, and when the insert
 * lost a same-token race the ROLLBACK undid them too, after they were told ok:true. It now uses
 * a plain insert.
 */
describe('a same-token race on SQLite leaves concurrent changes alone', () => {
  /** Lets `n` turns of the event loop pass, so that concurrent work starts at different points. */
  const turns = (n: number) =>
    new Promise<void>((resolve) => {
      const step = (left: number): void => void (left <= 0 ? resolve() : setImmediate(() => step(left - 1)));
      step(n);
    });

  it('makes one application, and throws no error, when the same token is saved twice at once', async () => {
    for (let round = 0; round < 20; round++) {
      const formToken = token();
      const results = await Promise.all([
        svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '甲单位' } }),
        svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '乙单位' } }),
      ]);
      const stored = await ds.getRepository(Application).findBy({ tenantKey: TENANT, formToken });
      expect(stored).toHaveLength(1);
      expect(stored[0].status).toBe('草稿');
      expect(results.some((r) => r.ok)).toBe(true);
      for (const r of results) expect((r.ok ? r.app : r.current).id).toBe(stored[0].id);
    }
    expect(await rows()).toHaveLength(20);
  });

  it('makes one application with one code, and throws no error, when one card is submitted 5 times at once', async () => {
    for (let round = 0; round < 20; round++) {
      const formToken = token();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked(), year: YEAR })),
      );
      const stored = await ds.getRepository(Application).findBy({ tenantKey: TENANT, formToken });
      expect(stored).toHaveLength(1);
      expect(stored[0].status).toBe('待审核');
      expect(codeOf(stored[0])).toBe(`SQ2027-${String(round + 1).padStart(4, '0')}`);
      for (const r of results) expect((r.ok ? r.app : r.current).id).toBe(stored[0].id);
      expect(results.some((r) => r.ok)).toBe(true);
    }
    const all = await rows();
    expect(all).toHaveLength(20);
    expect(new Set(all.map(codeOf)).size).toBe(20);
  });

  it('keeps the draft audit row when one fresh card is saved twice at once', async () => {
    for (let round = 0; round < 5; round++) {
      const formToken = token();
      await Promise.all([
        svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '甲单位' } }),
        svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER_A, formToken, app: null, form: { org_name: '乙单位' } }),
      ]);
      const stored = await ds.getRepository(Application).findOneByOrFail({ tenantKey: TENANT, formToken });
      expect([round, await actions(stored)]).toEqual([round, ['draft']]);
    }
  });

  it('submits a card submitted 5 times at once exactly once, every ok:true showing what is stored', async () => {
    for (let round = 0; round < 5; round++) {
      const formToken = token();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked(), year: YEAR })),
      );
      const stored = await ds.getRepository(Application).findOneByOrFail({ tenantKey: TENANT, formToken });
      // One first submission; the others were refused or, having found it submitted, resubmitted it.
      expect([round, results.filter((r) => r.ok && r.from === '草稿').length]).toEqual([round, 1]);
      for (const r of results) if (r.ok) expect([round, r.app.status, codeOf(r.app)]).toEqual([round, '待审核', codeOf(stored)]);
      const history = await actions(stored);
      expect([round, history.filter((a) => a === 'submit').length]).toEqual([round, 1]);
      expect(history.filter((a) => a === 'submit' || a === 'resubmit')).toHaveLength(results.filter((r) => r.ok).length);
    }
  });

  it('does not undo decisions on other applications made during such a race', async () => {
    const pending: Application[] = [];
    for (let i = 0; i < 10; i++) pending.push(await submitFresh({ filer: FILER_B }));
    const formToken = token();
    const [, , ...decisions] = await Promise.all([
      svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked(), year: YEAR }),
      svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked(), year: YEAR }),
      ...pending.map((app, i) => turns(i).then(() => svc.transition(app, 'approve', ADMIN_A))),
    ]);
    for (const [i, app] of pending.entries()) {
      const result = decisions[i];
      const stored = await reload(app);
      // Each approval was reported done: it must be stored, with its audit row.
      expect([i, result.ok, result.ok && result.app.status]).toEqual([i, true, '已通过']);
      expect([i, stored.status, await actions(app)]).toEqual([i, '已通过', ['submit', 'approve']]);
    }
  });
});

describe('submit: a fresh card whose token already made an application', () => {
  it('refuses to submit over what the same card already submitted, changing nothing', async () => {
    const formToken = token();
    const first = await submitFresh({ formToken });
    tick();
    const again = refused(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked({ venue: '第二次' }), year: YEAR }));
    expect([again.id, again.status, again.version, again.venue]).toEqual([first.id, '待审核', first.version, first.venue]);
    expect(await reload(first)).toEqual(first);
    expect(await actions(first)).toEqual(['submit']);
  });

  it("refuses to submit somebody else's draft found by the token, leaving it a draft", async () => {
    const formToken = token();
    const theirs = await draftFresh({ filer: FILER_B, formToken });
    const result = refused(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken, app: null, checked: checked(), year: YEAR }));
    expect([result.id, result.status, result.filerOpenId, codeOf(result)]).toEqual([theirs.id, '草稿', FILER_B, undefined]);
    expect(await reload(theirs)).toEqual(theirs);
  });
});

/**
 * The retry of a submission that lost the race for a code. On SQLite every statement shares one
 * connection, so two submissions never compute the same next number and the race cannot be
 * provoked for real (test/integration/postgres.test.ts races on PostgreSQL); here the conditional
 * UPDATE fails with a unique violation as the driver reports it, a given number of times.
 */
describe('submit: retrying a lost race for a code', () => {
  afterEach(() => jest.restoreAllMocks());
  const uniqueViolation = () =>
    new QueryFailedError('UPDATE "applications" …', [], Object.assign(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: applications.code_year, applications.code_seq'), { code: 'SQLITE_CONSTRAINT' }));
  /** Makes the next `n` conditional UPDATEs fail with `err()` before they reach the database. */
  function failUpdates(n: number, err: () => Error) {
    const spy = jest.spyOn(svc as unknown as { update: (...args: unknown[]) => Promise<ChangeResult> }, 'update');
    for (let i = 0; i < n; i++) spy.mockRejectedValueOnce(err());
    return spy;
  }
  const submitDraft = (draft: Application) => svc.submit({ tenantKey: TENANT, actorOpenId: FILER_A, formToken: null, app: draft, checked: checked(), year: YEAR });

  it('takes the next number after a lost race, and still after 20 lost in a row', async () => {
    const draft = await draftFresh();
    const spy = failUpdates(1, uniqueViolation);
    const app = okApp(await submitDraft(draft));
    expect([app.status, codeOf(app), spy.mock.calls.length]).toEqual(['待审核', 'SQ2027-0001', 2]);

    const other = await draftFresh();
    spy.mockClear();
    failUpdates(20, uniqueViolation);
    expect(codeOf(okApp(await submitDraft(other)))).toBe('SQ2027-0002');
    expect(spy.mock.calls.length).toBe(21);
    expect(await actions(other)).toEqual(['draft', 'submit']);
  });

  it('gives up after the 21st lost race, leaving the draft as it was', async () => {
    const draft = await draftFresh();
    const spy = failUpdates(21, uniqueViolation);
    await expect(submitDraft(draft)).rejects.toThrow('UNIQUE constraint failed');
    expect(spy.mock.calls.length).toBe(21);
    const stored = await reload(draft);
    expect([stored.status, codeOf(stored), stored.version]).toEqual(['草稿', undefined, draft.version]);
    expect(await actions(draft)).toEqual(['draft']);
  });

  it('does not retry any other error', async () => {
    const draft = await draftFresh();
    const spy = failUpdates(1, () => new Error('disk I/O error'));
    await expect(submitDraft(draft)).rejects.toThrow('disk I/O error');
    expect(spy.mock.calls.length).toBe(1);
    expect((await reload(draft)).status).toBe('草稿');
  });
});

describe('keepEdit', () => {
  it('keeps the typed values of a 待审核 or 已退回 application only, changing neither status nor version', async () => {
    const pending = await submitFresh();
    const returned = okApp(await svc.transition(await submitFresh(), 'return', ADMIN_A, '补充'));
    const approved = okApp(await svc.transition(await submitFresh(), 'approve', ADMIN_A));
    const untouched = await submitFresh();

    await svc.keepEdit(pending, { org_name: '改后单位', not_a_field: 'dropped' });
    await svc.keepEdit(returned, { venue: '新会场' });
    await svc.keepEdit(approved, { venue: '不该保存' });

    const storedPending = await reload(pending);
    expect([storedPending.status, storedPending.version, draftValuesOf(storedPending)]).toEqual(['待审核', pending.version, { org_name: '改后单位' }]);
    const storedReturned = await reload(returned);
    expect([storedReturned.status, storedReturned.version, draftValuesOf(storedReturned)]).toEqual(['已退回', returned.version, { venue: '新会场' }]);
    expect(await reload(approved)).toEqual(approved);
    expect(await reload(untouched)).toEqual(untouched);
  });
});

/**
 * addReviewKeys when somebody else writes the keys between its read and its conditional write,
 * every time: `n` such writers (each adding a key of its own) in a row.
 */
describe('addReviewKeys against concurrent writers', () => {
  afterEach(() => jest.restoreAllMocks());
  function interfere(app: Application, n: number) {
    const repo = (svc as unknown as { repo: Repository<Application> }).repo;
    const read = repo.findOneBy.bind(repo);
    let done = 0;
    jest.spyOn(repo, 'findOneBy').mockImplementation(async (where) => {
      const current = await read(where);
      if (current && done < n) {
        done++;
        await ds.query('UPDATE applications SET review_keys = ? WHERE id = ?', [JSON.stringify([...reviewKeysOf(current), `other-${done}`]), app.id]);
      }
      return current;
    });
  }

  it('tries again, up to 10 reads, keeping the other writers\' keys', async () => {
    const app = await submitFresh();
    interfere(app, 9);
    await svc.addReviewKeys(app, ['mine']);
    expect(reviewKeysOf(await reload(app))).toEqual([...Array.from({ length: 9 }, (_, i) => `other-${i + 1}`), 'mine']);
  });

  it('gives up after 10 tries, saying which application kept changing', async () => {
    const app = await submitFresh();
    interfere(app, 10);
    await expect(svc.addReviewKeys(app, ['mine'])).rejects.toThrow(`addReviewKeys: application ${app.id} kept changing`);
    expect(reviewKeysOf(await reload(app))).not.toContain('mine');
  });
});
