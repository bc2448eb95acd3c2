import type { DataSource } from 'typeorm';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.entity';
import { ReportForm } from '../../src/db/entities/report-form.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { ReportTask } from '../../src/db/entities/report-task.entity';
import type { Attachment } from '../../src/services/application-service';
import { ReportService, type NewTask } from '../../src/services/report-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ReportService against a real SQLite file, the parts report-service.test.ts leaves out: the
 * private forms 提交 issues (issueForm, lastFormOf, findForm, useForm), who answers for a 盟市's
 * report (responsibleFor), the 台账 marks a submission and a file leave, what a write leaves
 * alone (other rows, other tasks), refusals (an error that is not a duplicate is not swallowed),
 * and the orders of the lists when rows are inserted out of order.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const ADMIN = 'ou_admin';
const STAFF_A = 'ou_staff_a';
const STAFF_B = 'ou_staff_b';
const STAFF_C = 'ou_staff_c';
const YEAR = 2027;
const HOUR = 3_600_000;
/** 2027-12-09 17:00 in Shanghai. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);

let ds: DataSource;
let svc: ReportService;
let now: number;
let tokens = 0;

beforeEach(async () => {
  ds = await openTempDatabase('report-service-forms-');
  // 2027-12-01 10:00 in Shanghai.
  now = Date.UTC(2027, 11, 1, 2, 0);
  svc = new ReportService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

async function createTask(opts: { tenantKey?: string; task?: Partial<NewTask> } = {}): Promise<ReportTask> {
  const task: NewTask = { title: '年度落实情况报告', description: '请报送落实情况报告', deadlineAt: DEADLINE, regions: ['包头市', '赤峰市', '通辽市'], expects: 'both', ...opts.task };
  const r = await svc.create({ tenantKey: opts.tenantKey ?? TENANT, formToken: `form-${++tokens}`, year: YEAR, createdBy: ADMIN, task });
  return r.task;
}

const attachment = (messageId: string): Attachment => ({ kind: 'file', key: `file_${messageId}`, name: `${messageId}.pdf`, messageId });
const forms = () => ds.getRepository(ReportForm).find({ order: { id: 'ASC' } });
const submissions = () => ds.getRepository(ReportSubmission).find({ order: { id: 'ASC' } });
const ledger = () => ds.getRepository(LedgerEntry).find({ order: { id: 'ASC' } });
const reload = (task: ReportTask) => ds.getRepository(ReportTask).findOneByOrFail({ id: task.id });
const issue = (task: ReportTask, region: string, issuedTo: string, chatId = 'oc_baotou', tenantKey = TENANT) => svc.issueForm({ tenantKey, task, region, issuedTo, chatId });

describe('issueForm', () => {
  it('issues an unguessable form for the 盟市, the person and the task’s version, unused', async () => {
    const task = await createTask();
    const form = await issue(task, '包头市', STAFF_A);
    expect(form).toMatchObject({ tenantKey: TENANT, taskId: task.id, region: '包头市', issuedTo: STAFF_A, chatId: 'oc_baotou', taskVersion: 1, issuedAt: now, submittedAt: null });
    expect(form.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await forms()).toEqual([expect.objectContaining({ id: form.id, token: form.token })]);
  });

  it('finds the form already issued on the same click again, also at once', async () => {
    const task = await createTask();
    const first = await issue(task, '包头市', STAFF_A);
    now += HOUR;
    const again = await issue(task, '包头市', STAFF_A, 'oc_other');
    expect(again).toEqual(first);
    const [x, y] = await Promise.all([issue(task, '赤峰市', STAFF_A, 'oc_chifeng'), issue(task, '赤峰市', STAFF_A, 'oc_chifeng')]);
    expect(x.id).toBe(y.id);
    expect(x.token).toBe(y.token);
    expect(await forms()).toHaveLength(2);
  });

  it('issues a new form for another person, another 盟市, or after the task changed', async () => {
    const task = await createTask();
    const a = await issue(task, '包头市', STAFF_A);
    const b = await issue(task, '包头市', STAFF_B);
    const c = await issue(task, '赤峰市', STAFF_A);
    const { task: changed } = await svc.submit(task, '通辽市', '已完成', STAFF_C);
    const d = await issue(changed, '包头市', STAFF_A);
    expect(d.taskVersion).toBe(2);
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(4);
    expect(new Set([a.token, b.token, c.token, d.token]).size).toBe(4);
    expect(await forms()).toHaveLength(4);
  });

  it('passes on an error that is not a duplicate, issuing nothing', async () => {
    const task = await createTask();
    await expect(issue(task, '包头市', STAFF_A, null as unknown as string)).rejects.toThrow(/NOT NULL/);
    expect(await forms()).toEqual([]);
  });
});

describe('lastFormOf and findForm', () => {
  it('finds the form last issued to the person in the tenant, the later id at the same instant', async () => {
    const task = await createTask();
    const foreign = await createTask({ tenantKey: OTHER_TENANT });
    now += 2 * HOUR;
    const latest = await issue(task, '赤峰市', STAFF_A, 'oc_chifeng');
    now -= HOUR;
    await issue(task, '包头市', STAFF_A);
    await issue(task, '通辽市', STAFF_B, 'oc_tongliao');
    now += 5 * HOUR;
    await issue(foreign, '包头市', STAFF_A, 'oc_foreign', OTHER_TENANT);
    expect((await svc.lastFormOf(TENANT, STAFF_A))?.id).toBe(latest.id);
    expect((await svc.lastFormOf(TENANT, STAFF_B))?.region).toBe('通辽市');
    expect((await svc.lastFormOf(OTHER_TENANT, STAFF_A))?.chatId).toBe('oc_foreign');
    expect(await svc.lastFormOf(TENANT, STAFF_C)).toBeNull();
    // Issued at the same instant: the later one.
    now = Date.UTC(2027, 11, 5);
    await issue(task, '包头市', STAFF_C);
    const second = await issue(task, '赤峰市', STAFF_C, 'oc_chifeng');
    expect((await svc.lastFormOf(TENANT, STAFF_C))?.id).toBe(second.id);
  });

  it('finds a form by its token within the tenant', async () => {
    const task = await createTask();
    await issue(task, '包头市', STAFF_A);
    const form = await issue(task, '赤峰市', STAFF_B, 'oc_chifeng');
    expect((await svc.findForm(TENANT, form.token))?.id).toBe(form.id);
    expect(await svc.findForm(OTHER_TENANT, form.token)).toBeNull();
    expect(await svc.findForm(TENANT, 'no-such-token')).toBeNull();
  });
});

describe('useForm', () => {
  it('marks the form used at the clock’s time once; the second use is refused', async () => {
    const task = await createTask();
    const form = await issue(task, '包头市', STAFF_A);
    const other = await issue(task, '赤峰市', STAFF_B, 'oc_chifeng');
    now += HOUR;
    expect(await svc.useForm(form)).toBe(true);
    now += HOUR;
    expect(await svc.useForm(form)).toBe(false);
    const rows = await forms();
    expect(rows.map((f) => [f.id, f.submittedAt])).toEqual([
      [form.id, now - HOUR],
      [other.id, null],
    ]);
  });

  it('lets one of two uses at once win', async () => {
    const task = await createTask();
    const form = await issue(task, '包头市', STAFF_A);
    expect((await Promise.all([svc.useForm(form), svc.useForm(form)])).sort()).toEqual([false, true]);
  });
});

describe('responsibleFor', () => {
  it('is who submitted the 盟市’s report, the latest submitter after a resubmission', async () => {
    const task = await createTask();
    await issue(task, '包头市', STAFF_C);
    await svc.submit(task, '包头市', '初稿', STAFF_A);
    expect(await svc.responsibleFor(task, '包头市')).toBe(STAFF_A);
    await svc.submit(task, '包头市', '终稿', STAFF_B);
    expect(await svc.responsibleFor(task, '包头市')).toBe(STAFF_B);
  });

  it('else who last took the 盟市’s form for this task, the later id at the same instant', async () => {
    const task = await createTask();
    const other = await createTask();
    now += 2 * HOUR;
    await issue(task, '包头市', STAFF_B);
    now -= HOUR;
    await issue(task, '包头市', STAFF_A);
    await issue(task, '赤峰市', STAFF_C, 'oc_chifeng');
    now += 5 * HOUR;
    await issue(other, '包头市', STAFF_C);
    await svc.submit(task, '赤峰市', '已完成', STAFF_C);
    expect(await svc.responsibleFor(task, '包头市')).toBe(STAFF_B);
    // At the same instant, the later form.
    const third = await createTask();
    await issue(third, '包头市', STAFF_A);
    await issue(third, '包头市', STAFF_B);
    expect(await svc.responsibleFor(third, '包头市')).toBe(STAFF_B);
  });

  it('else who last submitted any of the tenant’s tasks for the 盟市; else nobody', async () => {
    const task = await createTask();
    const earlier1 = await createTask();
    const earlier2 = await createTask();
    const foreign = await createTask({ tenantKey: OTHER_TENANT });
    expect(await svc.responsibleFor(task, '包头市')).toBeUndefined();
    now += 2 * HOUR;
    await svc.submit(earlier2, '包头市', '较晚', STAFF_B);
    now -= HOUR;
    await svc.submit(earlier1, '包头市', '较早', STAFF_A);
    now += 5 * HOUR;
    await svc.submit(earlier1, '赤峰市', '别的盟市', STAFF_C);
    await svc.submit(foreign, '包头市', '别的租户', STAFF_C);
    expect(await svc.responsibleFor(task, '包头市')).toBe(STAFF_B);
    expect(await svc.responsibleFor(task, '通辽市')).toBeUndefined();
    expect(await svc.responsibleFor(foreign, '赤峰市')).toBeUndefined();
    // Submitted at the same instant: the later submission.
    const later1 = await createTask();
    const later2 = await createTask();
    now += HOUR;
    await svc.submit(later2, '包头市', '先', STAFF_C);
    await svc.submit(later1, '包头市', '后', STAFF_A);
    expect(await svc.responsibleFor(task, '包头市')).toBe(STAFF_A);
  });
});

describe('台账 marks', () => {
  it('marks the submission on each submission and each new file, as of its instant; not for a repeated file', async () => {
    const task = await createTask({ tenantKey: OTHER_TENANT });
    const { submission } = await svc.submit(task, '包头市', '初稿', STAFF_A);
    expect(await ledger()).toEqual([expect.objectContaining({ tenantKey: OTHER_TENANT, entity: 'report', entityId: submission.id, status: 'pending', generation: 1, changedAt: now })]);
    now += HOUR;
    await svc.submit(task, '包头市', '终稿', STAFF_A);
    expect(await ledger()).toEqual([expect.objectContaining({ entityId: submission.id, generation: 2, changedAt: now })]);
    now += HOUR;
    await svc.addFile(submission, attachment('om_1'), STAFF_A);
    expect(await ledger()).toEqual([expect.objectContaining({ tenantKey: OTHER_TENANT, entity: 'report', entityId: submission.id, generation: 3, changedAt: now })]);
    now += HOUR;
    await svc.addFile(submission, attachment('om_1'), STAFF_A);
    expect(await ledger()).toEqual([expect.objectContaining({ generation: 3, changedAt: now - HOUR })]);
  });

  it('keeps a file of a submission whose task is gone, unmarked, even with other tasks left', async () => {
    await createTask();
    const task = await createTask();
    await createTask();
    const { submission } = await svc.submit(task, '包头市', '见附件', STAFF_A);
    await ds.getRepository(ReportTask).delete({ id: task.id });
    now += HOUR;
    expect(await svc.addFile(submission, attachment('om_1'), STAFF_A)).toBe(1);
    expect(await ledger()).toEqual([expect.objectContaining({ entityId: submission.id, generation: 1 })]);
  });
});

describe('what a write leaves alone', () => {
  it('a resubmission changes its own row only; a submission bumps its own task only and returns it', async () => {
    const first = await createTask();
    const task = await createTask();
    await svc.submit(first, '包头市', '别的任务', STAFF_C);
    await svc.submit(task, '赤峰市', '赤峰', STAFF_C);
    await svc.submit(task, '包头市', '初稿', STAFF_A);
    now += HOUR;
    const again = await svc.submit(task, '包头市', '终稿', STAFF_B);
    expect(again.submission).toMatchObject({ taskId: task.id, region: '包头市', text: '终稿', times: 2 });
    expect(again.task).toMatchObject({ id: task.id, version: 4 });
    expect((await submissions()).map((s) => [s.taskId, s.region, s.text, s.submittedBy, s.times])).toEqual([
      [first.id, '包头市', '别的任务', STAFF_C, 1],
      [task.id, '赤峰市', '赤峰', STAFF_C, 1],
      [task.id, '包头市', '终稿', STAFF_B, 2],
    ]);
    expect((await reload(first)).version).toBe(2);
    const { submission } = again;
    await svc.addFile(submission, attachment('om_1'), STAFF_B);
    expect([(await reload(first)).version, (await reload(task)).version]).toEqual([2, 5]);
  });

  it('passes on a submission’s error that is not a duplicate, storing and bumping nothing', async () => {
    const task = await createTask();
    await expect(svc.submit(task, '包头市', null as unknown as string, STAFF_A)).rejects.toThrow(/NOT NULL/);
    expect(await submissions()).toEqual([]);
    expect(await ledger()).toEqual([]);
    expect((await reload(task)).version).toBe(1);
  });

  it('passes on a file’s error that is not a duplicate, keeping nothing', async () => {
    const task = await createTask();
    const { submission } = await svc.submit(task, '包头市', '见附件', STAFF_A);
    await expect(svc.addFile(submission, { ...attachment('om_1'), kind: null as unknown as 'file' }, STAFF_A)).rejects.toThrow(/NOT NULL/);
    expect(await svc.filesOf([submission.id])).toEqual([]);
    expect((await reload(task)).version).toBe(2);
  });
});

describe('addProgressKeys giving up', () => {
  it('tries 10 times, then fails naming the task, when every write is overtaken', async () => {
    const task = await createTask();
    // Every update of the row is overtaken (ignored), as if another writer changed it each time.
    await ds.query('CREATE TABLE attempts (n INTEGER)');
    await ds.query('CREATE TRIGGER overtaken BEFORE UPDATE ON report_tasks BEGIN INSERT INTO attempts VALUES (1); SELECT RAISE(IGNORE); END');
    await expect(svc.addProgressKeys(task, ['k1'])).rejects.toThrow(`addProgressKeys: task ${task.id} kept changing`);
    expect(await ds.query('SELECT COUNT(*) AS n FROM attempts')).toEqual([{ n: 10 }]);
  });
});

describe('getSubmission', () => {
  it('finds the submission by its id among others', async () => {
    const task = await createTask();
    await svc.submit(task, '包头市', '包头', STAFF_A);
    const { submission } = await svc.submit(task, '赤峰市', '赤峰', STAFF_B);
    expect(await svc.getSubmission(submission.id)).toMatchObject({ id: submission.id, region: '赤峰市', text: '赤峰', submittedBy: STAFF_B });
    expect(await svc.getSubmission(submission.id + 1)).toBeNull();
  });
});

describe('bad ids and empty lists', () => {
  it('answers a bad id and an empty list without asking the database (PostgreSQL refuses them)', async () => {
    await ds.destroy();
    for (const id of [Number.NaN, 1.5, Infinity, 2 ** 53]) {
      expect(await svc.get(TENANT, id)).toBeNull();
      expect(await svc.getSubmission(id)).toBeNull();
    }
    expect(await svc.filesOf([])).toEqual([]);
  });
});

describe('orders', () => {
  it('recent lists 10 tasks by default', async () => {
    for (let i = 0; i < 11; i++) {
      now += HOUR;
      await createTask({ task: { title: `任务 ${i}` } });
    }
    const listed = await svc.recent(TENANT);
    expect(listed).toHaveLength(10);
    expect(listed[0].title).toBe('任务 10');
    expect(listed[9].title).toBe('任务 1');
  });

  it('lists submissions made at the same instant by id, files by time then id', async () => {
    const task = await createTask();
    const subs = [];
    for (const region of ['通辽市', '包头市', '赤峰市']) subs.push((await svc.submit(task, region, region, STAFF_A)).submission);
    expect((await svc.submissionsOf(task.id)).map((s) => s.region)).toEqual(['通辽市', '包头市', '赤峰市']);
    const [a, b] = subs;
    now += 2 * HOUR;
    await svc.addFile(a, attachment('om_late'), STAFF_A);
    now -= HOUR;
    await svc.addFile(b, attachment('om_b'), STAFF_A);
    await svc.addFile(a, attachment('om_a'), STAFF_A);
    expect((await svc.filesOf([a.id, b.id])).map((f) => f.messageId)).toEqual(['om_b', 'om_a', 'om_late']);
  });

  it('lists deadlines by id even when the database reads them by deadline', async () => {
    // With an index on the deadline, SQLite reads the rows in deadline order, as PostgreSQL may.
    await ds.query('CREATE INDEX ix_test_deadline ON report_tasks (deadline_at)');
    const a = await createTask({ task: { deadlineAt: DEADLINE + 2 * HOUR } });
    const b = await createTask({ task: { deadlineAt: DEADLINE } });
    const c = await createTask({ task: { deadlineAt: DEADLINE + HOUR } });
    expect((await svc.deadlinesSince(DEADLINE)).map((t) => t.id)).toEqual([a.id, b.id, c.id]);
  });
});
