import type { DataSource } from 'typeorm';
import { Application } from '../../src/db/entities/application.entity';
import { changeRequestOf, type ChangeValues } from '../../src/services/application-record';
import { ApplicationService, describeChange } from '../../src/services/application-service';
import { checked } from '../helpers/factories';
import { okApp, refused } from '../helpers/change-results';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The changes after approval, against a real SQLite file with a clock moved by hand:
 * requestChange and decideChange (the change request, its round, the dates, venue and head
 * count moved on agreement, the count of date changes), cancel (withdrawing a waiting request),
 * assignTeam (setting and clearing the expert team), and describeChange's one-line text for the
 * audit trail. Each refusal is checked to leave the row as it was.
 */

const TENANT = 'tenant-1';
const FILER = 'ou_filer_a';
const ADMIN = 'ou_admin_a';
const YEAR = 2027;

let ds: DataSource;
let svc: ApplicationService;
let now: number;
let tokens = 0;
const tick = (ms = 1000): number => (now += ms);

beforeEach(async () => {
  ds = await openTempDatabase('application-change-');
  now = Date.UTC(2027, 4, 1, 2, 0, 0);
  svc = new ApplicationService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

const reload = (app: Application) => ds.getRepository(Application).findOneByOrFail({ id: app.id });
const history = async (app: Application) => (await svc.history(app.id)).map((e) => [e.action, e.fromStatus, e.toStatus, e.actorOpenId, e.reason]);

async function submitted(): Promise<Application> {
  return okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: FILER, formToken: `tok-${++tokens}`, app: null, checked: checked(), year: YEAR }));
}

/** An approved application: 2027-06-20~2027-06-21 at checked()'s venue, 100 people. */
async function approved(): Promise<Application> {
  return okApp(await svc.transition(await submitted(), 'approve', ADMIN));
}

const VENUE = checked().venue;
const OLD: ChangeValues = { startDate: '2027-06-20', endDate: '2027-06-21', venue: VENUE, headcount: 100 };
const values = (over: Partial<ChangeValues>): ChangeValues => ({ ...OLD, ...over });

describe('describeChange', () => {
  const describe1 = (over: Partial<ChangeValues>) => describeChange({ old: OLD, new: values(over) });

  it('names each changed part, in the order dates, venue, head count', () => {
    expect(describe1({ startDate: '2027-07-01', endDate: '2027-07-02', venue: '新礼堂', headcount: 80 })).toBe(
      `日期 2027-06-20~2027-06-21 → 2027-07-01~2027-07-02；地点 ${VENUE} → 新礼堂；人数 100 → 80`,
    );
    expect(describe1({ venue: '新礼堂', headcount: 80 })).toBe(`地点 ${VENUE} → 新礼堂；人数 100 → 80`);
  });

  it('shows both dates when only the start or only the end moves', () => {
    expect(describe1({ startDate: '2027-06-19' })).toBe('日期 2027-06-20~2027-06-21 → 2027-06-19~2027-06-21');
    expect(describe1({ endDate: '2027-06-22' })).toBe('日期 2027-06-20~2027-06-21 → 2027-06-20~2027-06-22');
  });

  it('names the venue or the head count alone', () => {
    expect(describe1({ venue: '新礼堂' })).toBe(`地点 ${VENUE} → 新礼堂`);
    expect(describe1({ headcount: 150 })).toBe('人数 100 → 150');
  });

  it('says 内容不变 when nothing changes', () => {
    expect(describe1({})).toBe('内容不变');
  });
});

describe('requestChange', () => {
  it('stores a waiting request with the values before and after, audited with the change in words', async () => {
    const app = await approved();
    tick();
    const next = values({ startDate: '2027-07-01', endDate: '2027-07-02' });
    const result = await svc.requestChange(app, next, null, FILER);
    const changed = okApp(result);
    expect([changed.status, changed.version, changed.startDate, changed.endDate]).toEqual(['已通过', app.version + 1, '2027-06-20', '2027-06-21']);
    expect(changeRequestOf(changed)).toEqual({ round: 1, state: '待审核', old: OLD, new: next, note: null, requestedBy: FILER, requestedAt: now });
    expect((await history(app)).at(-1)).toEqual(['request_change', '已通过', '已通过', FILER, '日期 2027-06-20~2027-06-21 → 2027-07-01~2027-07-02']);
  });

  it("audits the filer's note instead of the description when there is one", async () => {
    const app = await approved();
    okApp(await svc.requestChange(app, values({ venue: '新礼堂' }), '场地临时维修', FILER));
    expect((await history(app)).at(-1)).toEqual(['request_change', '已通过', '已通过', FILER, '场地临时维修']);
  });

  it('numbers the requests of one application: a newer one replaces the waiting one as round 2', async () => {
    const first = okApp(await svc.requestChange(await approved(), values({ headcount: 90 }), null, FILER));
    expect(changeRequestOf(first)?.round).toBe(1);
    const second = okApp(await svc.requestChange(first, values({ headcount: 80 }), null, FILER));
    expect(changeRequestOf(second)).toMatchObject({ round: 2, state: '待审核', new: values({ headcount: 80 }) });
  });

  it('refuses a request for an application that is not approved, changing nothing', async () => {
    const app = await submitted();
    const current = refused(await svc.requestChange(app, values({ venue: '新礼堂' }), null, FILER));
    expect([current.status, current.version, current.changeRequest]).toEqual(['待审核', app.version, null]);
    expect((await reload(app)).changeRequest).toBeNull();
    expect((await history(app)).map((e) => e[0])).toEqual(['submit']);
  });
});

describe('decideChange', () => {
  async function waiting(next: ChangeValues): Promise<Application> {
    return okApp(await svc.requestChange(await approved(), next, null, FILER));
  }

  it('moves dates, venue and head count on agreement, counting one date change', async () => {
    const next = { startDate: '2027-07-01', endDate: '2027-07-02', venue: '新礼堂', headcount: 80 };
    const app = await waiting(next);
    tick();
    const agreed = okApp(await svc.decideChange(app, true, ADMIN, null));
    expect([agreed.status, agreed.startDate, agreed.endDate, agreed.venue, agreed.headcount, agreed.dateChanges]).toEqual(['已通过', '2027-07-01', '2027-07-02', '新礼堂', 80, 1]);
    expect(changeRequestOf(agreed)).toMatchObject({ round: 1, state: '已同意', decidedBy: ADMIN, decidedAt: now, reason: null });
    expect((await history(app)).at(-1)).toEqual([
      'approve_change',
      '已通过',
      '已通过',
      ADMIN,
      `日期 2027-06-20~2027-06-21 → 2027-07-01~2027-07-02；地点 ${VENUE} → 新礼堂；人数 100 → 80`,
    ]);
  });

  it('counts a date change when only the start or only the end moves', async () => {
    const start = okApp(await svc.decideChange(await waiting(values({ startDate: '2027-06-19' })), true, ADMIN, null));
    expect([start.startDate, start.endDate, start.dateChanges]).toEqual(['2027-06-19', '2027-06-21', 1]);
    const end = okApp(await svc.decideChange(await waiting(values({ endDate: '2027-06-22' })), true, ADMIN, null));
    expect([end.startDate, end.endDate, end.dateChanges]).toEqual(['2027-06-20', '2027-06-22', 1]);
  });

  it('counts no date change when only the venue or head count moves', async () => {
    const agreed = okApp(await svc.decideChange(await waiting(values({ venue: '新礼堂', headcount: 60 })), true, ADMIN, null));
    expect([agreed.venue, agreed.headcount, agreed.dateChanges]).toEqual(['新礼堂', 60, 0]);
  });

  it('keeps the values on refusal, audited with the reason', async () => {
    const app = await waiting(values({ startDate: '2027-07-01', endDate: '2027-07-02' }));
    const refusedChange = okApp(await svc.decideChange(app, false, ADMIN, '专家已安排'));
    expect([refusedChange.startDate, refusedChange.endDate, refusedChange.dateChanges]).toEqual(['2027-06-20', '2027-06-21', 0]);
    expect(changeRequestOf(refusedChange)).toMatchObject({ state: '不同意', decidedBy: ADMIN, reason: '专家已安排' });
    expect((await history(app)).at(-1)).toEqual(['refuse_change', '已通过', '已通过', ADMIN, '专家已安排']);
  });

  it('refuses to decide when no request waits', async () => {
    const app = await approved();
    const current = refused(await svc.decideChange(app, true, ADMIN, null));
    expect(current.version).toBe(app.version);
  });
});

describe('cancel', () => {
  it('ends an approved activity and withdraws its waiting change request', async () => {
    const app = okApp(await svc.requestChange(await approved(), values({ venue: '新礼堂' }), null, FILER));
    tick();
    const cancelled = okApp(await svc.cancel(app, FILER, '疫情'));
    expect([cancelled.status, cancelled.cancelReason, cancelled.cancelledBy, cancelled.cancelledAt]).toEqual(['已取消', '疫情', FILER, now]);
    expect(changeRequestOf(cancelled)).toMatchObject({ round: 1, state: '已撤销', new: values({ venue: '新礼堂' }) });
    expect((await history(app)).at(-1)).toEqual(['cancel', '已通过', '已取消', FILER, '疫情']);
  });

  it('leaves a decided change request as it was decided', async () => {
    const requested = okApp(await svc.requestChange(await approved(), values({ venue: '新礼堂' }), null, FILER));
    const agreed = okApp(await svc.decideChange(requested, true, ADMIN, null));
    const cancelled = okApp(await svc.cancel(agreed, FILER, '经费不足'));
    expect(cancelled.changeRequest).toBe(agreed.changeRequest);
    expect(changeRequestOf(cancelled)?.state).toBe('已同意');
  });

  it('writes no change request when there was none', async () => {
    const cancelled = okApp(await svc.cancel(await approved(), FILER, '经费不足'));
    expect([cancelled.status, cancelled.changeRequest]).toEqual(['已取消', null]);
  });

  it('refuses to cancel a draft or a cancelled activity, changing nothing', async () => {
    const draft = okApp(await svc.saveDraft({ tenantKey: TENANT, filerOpenId: FILER, formToken: 'tok-draft', app: null, form: { org_name: '草稿单位' } }));
    const current = refused(await svc.cancel(draft, FILER, '不办了'));
    expect([current.status, current.version, current.cancelReason]).toEqual(['草稿', draft.version, null]);
    const cancelled = okApp(await svc.cancel(await approved(), FILER, '经费不足'));
    expect(refused(await svc.cancel(cancelled, FILER, '再取消')).cancelReason).toBe('经费不足');
  });
});

describe('assignTeam', () => {
  const experts = [
    { id: 3, name: '李四' },
    { id: 5, name: '王五' },
  ];

  it('sets the team with its note, and clears it again, audited in words', async () => {
    const app = await approved();
    tick();
    const assigned = okApp(await svc.assignTeam(app, { experts, note: '6月19日晚抵达' }, ADMIN, '李四、王五'));
    expect([assigned.teamExperts && JSON.parse(assigned.teamExperts), assigned.teamNote, assigned.teamBy, assigned.teamAt]).toEqual([experts, '6月19日晚抵达', ADMIN, now]);
    tick();
    const cleared = okApp(await svc.assignTeam(assigned, null, 'ou_admin_b', '清空专家团队'));
    expect([cleared.teamExperts, cleared.teamNote, cleared.teamBy, cleared.teamAt, cleared.updatedAt]).toEqual([null, null, 'ou_admin_b', now, now]);
    expect((await history(app)).slice(-2)).toEqual([
      ['team', '已通过', '已通过', ADMIN, '李四、王五'],
      ['team', '已通过', '已通过', 'ou_admin_b', '清空专家团队'],
    ]);
  });

  it('clears the team when given no experts', async () => {
    const assigned = okApp(await svc.assignTeam(await approved(), { experts, note: '行程' }, ADMIN, '李四、王五'));
    const cleared = okApp(await svc.assignTeam(assigned, { experts: [], note: '行程' }, ADMIN, '清空'));
    expect([cleared.teamExperts, cleared.teamNote]).toEqual([null, null]);
  });

  it('refuses a team for an application that is not approved, changing nothing', async () => {
    const app = await submitted();
    const current = refused(await svc.assignTeam(app, { experts, note: null }, ADMIN, '李四、王五'));
    expect([current.status, current.version, current.teamExperts]).toEqual(['待审核', app.version, null]);
    expect((await history(app)).map((e) => e[0])).toEqual(['submit']);
  });
});
