import type { DataSource } from 'typeorm';
import { ActivityFile } from '../../src/db/entities/activity-file.entity';
import { ActivitySummary } from '../../src/db/entities/activity-summary.entity';
import { Application } from '../../src/db/entities/application.entity';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.entity';
import { checkSummaryForm, type CheckedSummary } from '../../src/domain/summary-rules';
import { ApplicationService } from '../../src/services/application-service';
import { SummaryService } from '../../src/services/summary-service';
import { makeApp } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * SummaryService against a real SQLite file. The photos and sign-in sheets: what is stored, that
 * the same message is kept once, that counts are per activity. The stored summary read back and
 * measured again (with the rules given). Filing: the move to 已总结 through the real
 * ApplicationService on the same database (watched, to see it is asked once or not at all), what
 * a refused move or an existing summary leaves unchanged, the exact row stored, and the 台账 mark.
 */

const T0 = Date.UTC(2027, 5, 3, 8, 0, 0);
const ACTOR = 'ou_filer1';

let ds: DataSource;
let service: SummaryService;
let now: number;
let transition: jest.SpyInstance;

beforeEach(async () => {
  ds = await openTempDatabase('summary-service-');
  now = T0;
  const applications = new ApplicationService(ds, () => now);
  transition = jest.spyOn(applications, 'transition');
  service = new SummaryService(ds, applications, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

/** A valid summary form with every count different, so that a swapped column shows. */
const FORM = {
  actual_headcount: '50',
  actual_core_count: '41',
  actual_enterprise_count: '12',
  actual_key_industry_count: '7',
  satisfaction: '4',
  outcomes: '培训企业骨干五十人',
  followup_needs: '希望再办一期',
};

function summaryOf(form: Record<string, string> = FORM): CheckedSummary {
  const result = checkSummaryForm(form);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.summary;
}

/** An application row as stored. */
const storedApp = (over: Partial<Application>) => ds.getRepository(Application).save(makeApp(over));
const reload = (id: number) => ds.getRepository(Application).findOneByOrFail({ id });
const summaries = () => ds.getRepository(ActivitySummary).find({ order: { id: 'ASC' } });
const ledger = () => ds.getRepository(LedgerEntry).find();

describe('addFile', () => {
  it('stores the file as sent and counts the files of that activity only', async () => {
    await service.addFile(8, { kind: 'file', key: 'key-other', name: '签到表.xlsx', messageId: 'm-1' }, 'ou_x');
    now = T0 + 1000;
    expect(await service.addFile(7, { kind: 'image', key: 'img-1', name: null, messageId: 'm-1' }, ACTOR)).toBe(1);
    now = T0 + 2000;
    expect(await service.addFile(7, { kind: 'file', key: 'file-2', name: '签到表.pdf', messageId: 'm-2' }, 'ou_other')).toBe(2);
    const rows = await ds.getRepository(ActivityFile).find({ where: { applicationId: 7 }, order: { id: 'ASC' } });
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
      { applicationId: 7, kind: 'image', fileKey: 'img-1', name: null, messageId: 'm-1', sentBy: ACTOR, at: T0 + 1000 },
      { applicationId: 7, kind: 'file', fileKey: 'file-2', name: '签到表.pdf', messageId: 'm-2', sentBy: 'ou_other', at: T0 + 2000 },
    ]);
    expect(await service.fileCount(7)).toBe(2);
    expect(await service.fileCount(8)).toBe(1);
    expect(await service.fileCount(9)).toBe(0);
  });

  it('keeps the same message once, as first sent', async () => {
    await service.addFile(7, { kind: 'image', key: 'img-1', name: null, messageId: 'm-1' }, ACTOR);
    now = T0 + 1000;
    expect(await service.addFile(7, { kind: 'file', key: 'img-again', name: 'x', messageId: 'm-1' }, ACTOR)).toBe(1);
    const rows = await ds.getRepository(ActivityFile).find();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ fileKey: 'img-1', kind: 'image', at: T0 });
  });

  it('lets a failure other than the duplicate through', async () => {
    await expect(service.addFile(7, { kind: 'image', key: null as unknown as string, name: null, messageId: 'm-1' }, ACTOR)).rejects.toThrow(/NOT NULL/);
  });
});

describe('get and checked', () => {
  it('reads the summary of that activity, measured again against the rules given', async () => {
    await service.file(await storedApp({ id: 8, status: '已举办', formToken: 'token-8', codeSeq: 8 }), summaryOf({ ...FORM, outcomes: '另一场' }), ACTOR);
    await service.file(await storedApp({ id: 7, status: '已举办' }), summaryOf(), ACTOR);
    const stored = await service.get(7);
    expect(stored).toMatchObject({ applicationId: 7, outcomes: '培训企业骨干五十人' });
    expect(await service.get(9)).toBeNull();

    const measured = service.checked(stored!);
    expect(measured).toEqual(summaryOf());
    expect(measured).toMatchObject({
      actualHeadcount: 50,
      actualCoreCount: 41,
      actualEnterpriseCount: 12,
      actualKeyIndustryCount: 7,
      satisfaction: 4,
      outcomes: '培训企业骨干五十人',
      followupNeeds: '希望再办一期',
      corePercentRequired: 80,
      coreRatioMet: true,
      keyIndustryPercentRequired: 60,
      keyIndustryRatioMet: false,
    });
    expect(service.checked(stored!, { corePercent: 90, keyIndustryPercent: 50 })).toMatchObject({
      corePercentRequired: 90,
      coreRatioMet: false,
      keyIndustryPercentRequired: 50,
      keyIndustryRatioMet: true,
    });
  });

  it('gives nothing for a stored summary that no longer passes the checks', () => {
    const broken = Object.assign(new ActivitySummary(), {
      headcount: 0, coreCount: 0, enterpriseCount: 0, keyIndustryCount: 0, satisfaction: 4, outcomes: '成效', followupNeeds: '',
    });
    expect(service.checked(broken)).toBeUndefined();
  });
});

describe('file', () => {
  it('moves a held activity to 已总结, stores the summary as filed and marks the 台账', async () => {
    const app = await storedApp({ id: 7, tenantKey: 'tenant_9', status: '已举办' });
    now = T0 + 500;
    const result = await service.file(app, summaryOf(), ACTOR);
    expect(transition).toHaveBeenCalledTimes(1);
    expect(transition).toHaveBeenCalledWith(app, 'summarise', ACTOR);
    const moved = await reload(7);
    expect(moved.status).toBe('已总结');
    expect(result).toEqual({ ok: true, app: moved, from: '已举办' });
    expect((await summaries()).map(({ id: _id, ...s }) => s)).toEqual([
      {
        applicationId: 7,
        headcount: 50,
        coreCount: 41,
        enterpriseCount: 12,
        keyIndustryCount: 7,
        satisfaction: 4,
        outcomes: '培训企业骨干五十人',
        followupNeeds: '希望再办一期',
        filedBy: ACTOR,
        filedAt: T0 + 500,
        originPlatform: 'feishu',
        originTenant: null,
      },
    ]);
    expect(await ledger()).toEqual([
      expect.objectContaining({ tenantKey: 'tenant_9', entity: 'application', entityId: 7, status: 'pending', changedAt: T0 + 500 }),
    ]);
  });

  it('stores nothing and marks nothing when the move is refused (the activity was cancelled meanwhile)', async () => {
    const app = await storedApp({ id: 7, status: '已举办' });
    await ds.getRepository(Application).update({ id: 7 }, { status: '已取消', version: app.version + 1 });
    const result = await service.file(app, summaryOf(), ACTOR);
    expect(result).toEqual({ ok: false, current: await reload(7) });
    expect((await reload(7)).status).toBe('已取消');
    expect(await summaries()).toEqual([]);
    expect(await ledger()).toEqual([]);
  });

  it('fills in the text of an application left 已总结 without one, without moving it again', async () => {
    const app = await storedApp({ id: 7, status: '已总结' });
    now = T0 + 700;
    expect(await service.file(app, summaryOf(), ACTOR)).toEqual({ ok: true, app, from: '已总结' });
    expect(transition).not.toHaveBeenCalled();
    expect(await summaries()).toEqual([expect.objectContaining({ applicationId: 7, filedAt: T0 + 700 })]);
    expect(await ledger()).toEqual([expect.objectContaining({ entityId: 7, changedAt: T0 + 700 })]);
  });

  it('refuses a second summary of an application already summarised, keeping the first', async () => {
    const app = await storedApp({ id: 7, status: '已总结' });
    await service.file(app, summaryOf(), ACTOR);
    const before = await summaries();
    const ledgerBefore = await ledger();
    now = T0 + 900;
    expect(await service.file(app, summaryOf({ ...FORM, outcomes: '第二份' }), 'ou_other')).toEqual({ ok: false, current: app });
    expect(transition).not.toHaveBeenCalled();
    expect(await summaries()).toEqual(before);
    expect(await ledger()).toEqual(ledgerBefore);
  });

  it('loses to a summary stored meanwhile: answers with the application as moved, keeps the other summary', async () => {
    const app = await storedApp({ id: 7, status: '已举办' });
    await service.file(makeApp({ id: 7, status: '已总结' }), summaryOf({ ...FORM, outcomes: '先到的' }), 'ou_first');
    now = T0 + 900;
    const result = await service.file(app, summaryOf(), ACTOR);
    expect(result).toEqual({ ok: false, current: await reload(7) });
    expect((await reload(7)).status).toBe('已总结');
    expect(await summaries()).toEqual([expect.objectContaining({ outcomes: '先到的', filedBy: 'ou_first' })]);
  });

  it('lets a failure other than the duplicate through', async () => {
    const app = await storedApp({ id: 7, status: '已总结' });
    await expect(service.file(app, { ...summaryOf(), outcomes: null as unknown as string }, ACTOR)).rejects.toThrow(/NOT NULL/);
    expect(await ledger()).toEqual([]);
  });
});
