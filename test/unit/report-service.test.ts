import type { DataSource } from 'typeorm';
import { ReportFile } from '../../src/db/entities/report-file.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { ReportTask } from '../../src/db/entities/report-task.entity';
import type { Attachment } from '../../src/services/application-service';
import { progressKeysOf, regionsOf, ReportService, type NewTask } from '../../src/services/report-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ReportService against a real SQLite file (migrated by openDatabase), with a clock the tests
 * move by hand. "At once" means started together with Promise.all: the queries of the calls
 * interleave on the one connection, as racing callbacks do in the bot.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const ADMIN = 'ou_admin';
const STAFF_A = 'ou_staff_a';
const STAFF_B = 'ou_staff_b';
const YEAR = 2027;
const HOUR = 3_600_000;
/** 2027-12-09 17:00 in Shanghai. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);

let ds: DataSource;
let svc: ReportService;
let now: number;
let tokens = 0;
const token = (): string => `report-form-${++tokens}`;

beforeEach(async () => {
  ds = await openTempDatabase('report-service-');
  // 2027-12-01 10:00 in Shanghai.
  now = Date.UTC(2027, 11, 1, 2, 0);
  svc = new ReportService(ds, () => now);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

function newTask(over: Partial<NewTask> = {}): NewTask {
  return { title: '年度落实情况报告', description: '请报送落实情况报告', deadlineAt: DEADLINE, regions: ['包头市', '赤峰市', '通辽市'], expects: 'both', ...over };
}

async function createTask(opts: { tenantKey?: string; year?: number; formToken?: string; task?: Partial<NewTask> } = {}): Promise<ReportTask> {
  const r = await svc.create({ tenantKey: opts.tenantKey ?? TENANT, formToken: opts.formToken ?? token(), year: opts.year ?? YEAR, createdBy: ADMIN, task: newTask(opts.task) });
  expect(r.created).toBe(true);
  return r.task;
}

const attachment = (messageId: string, over: Partial<Attachment> = {}): Attachment => ({ kind: 'file', key: `file_${messageId}`, name: `${messageId}.pdf`, messageId, ...over });
const tasks = () => ds.getRepository(ReportTask).find({ order: { id: 'ASC' } });
const submissions = () => ds.getRepository(ReportSubmission).find({ order: { id: 'ASC' } });
const files = () => ds.getRepository(ReportFile).find({ order: { id: 'ASC' } });
const reload = (task: ReportTask) => ds.getRepository(ReportTask).findOneByOrFail({ id: task.id });

describe('create', () => {
  it('stores the task numbered, with its regions, no progress cards yet, version 1 and the clock’s time', async () => {
    const task = await createTask({ task: { regions: ['赤峰市', '包头市'], expects: 'file' } });
    expect(task).toMatchObject({
      tenantKey: TENANT,
      codeYear: YEAR,
      codeSeq: 1,
      title: '年度落实情况报告',
      description: '请报送落实情况报告',
      deadlineAt: DEADLINE,
      expects: 'file',
      createdBy: ADMIN,
      progressKeys: '[]',
      version: 1,
      createdAt: now,
    });
    expect(typeof task.deadlineAt).toBe('number');
    expect(regionsOf(task)).toEqual(['赤峰市', '包头市']);
    expect(progressKeysOf(task)).toEqual([]);
  });

  it('numbers BS<year> 1..N per year, the next year starting again at 1', async () => {
    const a = await createTask();
    const b = await createTask();
    const next = await createTask({ year: 2028 });
    const c = await createTask();
    expect([a, b, c].map((t) => [t.codeYear, t.codeSeq])).toEqual([
      [2027, 1],
      [2027, 2],
      [2027, 3],
    ]);
    expect([next.codeYear, next.codeSeq]).toEqual([2028, 1]);
  });

  it('numbers 20 tasks created at once 1..20, without gaps or duplicates', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => svc.create({ tenantKey: TENANT, formToken: `concurrent-${i}`, year: YEAR, createdBy: ADMIN, task: newTask({ title: `任务 ${i}` }) })));
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.task.codeSeq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = await tasks();
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((t) => t.codeSeq)).size).toBe(20);
    // Each keeps its own content.
    for (const r of results) expect(r.task.formToken).toBe(`concurrent-${r.task.title.slice(3)}`);
  });

  it('files a form submitted twice at once once: one created, the other finds it', async () => {
    const [x, y] = await Promise.all([
      svc.create({ tenantKey: TENANT, formToken: 'double-click', year: YEAR, createdBy: ADMIN, task: newTask() }),
      svc.create({ tenantKey: TENANT, formToken: 'double-click', year: YEAR, createdBy: ADMIN, task: newTask() }),
    ]);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    expect(x.task.id).toBe(y.task.id);
    expect(await tasks()).toHaveLength(1);
    // …and later too.
    const again = await svc.create({ tenantKey: TENANT, formToken: 'double-click', year: YEAR, createdBy: ADMIN, task: newTask({ title: '别的' }) });
    expect(again).toMatchObject({ created: false, task: { id: x.task.id, title: '年度落实情况报告' } });
  });

  it('keeps form tokens per tenant; codes are looked up within the tenant', async () => {
    const mine = await createTask({ formToken: 'same' });
    const theirs = await createTask({ formToken: 'same', tenantKey: OTHER_TENANT });
    expect(theirs.id).not.toBe(mine.id);
    expect((await svc.findByCode(TENANT, YEAR, mine.codeSeq))?.id).toBe(mine.id);
    expect(await svc.findByCode(OTHER_TENANT, YEAR, mine.codeSeq)).toBeNull();
    expect((await svc.findByCode(OTHER_TENANT, YEAR, theirs.codeSeq))?.id).toBe(theirs.id);
    expect(await svc.findByCode(TENANT, YEAR, 99)).toBeNull();
  });

  it('refuses a year that is not a safe integer (it stands in the SQL)', async () => {
    for (const year of [2027.5, Number.NaN, 2 ** 53, '2027); DROP TABLE report_tasks; --' as unknown as number]) {
      await expect(svc.create({ tenantKey: TENANT, formToken: token(), year, createdBy: ADMIN, task: newTask() })).rejects.toThrow(RangeError);
    }
    expect(await tasks()).toHaveLength(0);
  });
});

describe('get and recent', () => {
  it('finds a task of the tenant by id; another tenant’s or a bad id is none', async () => {
    const task = await createTask();
    expect((await svc.get(TENANT, task.id))?.title).toBe('年度落实情况报告');
    expect(await svc.get(OTHER_TENANT, task.id)).toBeNull();
    for (const id of [Number.NaN, 1.5, Infinity]) expect(await svc.get(TENANT, id)).toBeNull();
    expect(await svc.getSubmission(Number.NaN)).toBeNull();
  });

  it('lists the tenant’s tasks newest first, at most `take`', async () => {
    const made: ReportTask[] = [];
    for (let i = 0; i < 4; i++) {
      now += HOUR;
      made.push(await createTask({ task: { title: `任务 ${i}` } }));
    }
    await createTask({ tenantKey: OTHER_TENANT });
    expect((await svc.recent(TENANT)).map((t) => t.title)).toEqual(['任务 3', '任务 2', '任务 1', '任务 0']);
    expect((await svc.recent(TENANT, 2)).map((t) => t.id)).toEqual([made[3].id, made[2].id]);
    // Created in the same millisecond: the later id first.
    const x = await createTask();
    const y = await createTask();
    expect((await svc.recent(TENANT, 2)).map((t) => t.id)).toEqual([y.id, x.id]);
  });
});

describe('submit', () => {
  it('first: one row, times 1, at the clock’s time, on time before the deadline; the task’s version grows', async () => {
    const task = await createTask();
    now = DEADLINE - 2 * HOUR;
    const r = await svc.submit(task, '包头市', '已完成', STAFF_A);
    expect(r.first).toBe(true);
    expect(r.submission).toMatchObject({ taskId: task.id, region: '包头市', text: '已完成', submittedBy: STAFF_A, submittedAt: DEADLINE - 2 * HOUR, late: false, times: 1 });
    expect(typeof r.submission.late).toBe('boolean');
    expect(r.task.version).toBe(2);
    expect((await svc.submissionOf(task.id, '包头市'))?.id).toBe(r.submission.id);
    expect(await svc.submissionOf(task.id, '赤峰市')).toBeNull();
    expect((await svc.getSubmission(r.submission.id))?.text).toBe('已完成');
  });

  it('resubmit: the same row, the text and submitter replaced, times counted, the time moved', async () => {
    const task = await createTask();
    const first = await svc.submit(task, '包头市', '初稿', STAFF_A);
    now += HOUR;
    const second = await svc.submit(task, '包头市', '终稿', STAFF_B);
    expect(second.first).toBe(false);
    expect(second.submission).toMatchObject({ id: first.submission.id, text: '终稿', submittedBy: STAFF_B, submittedAt: now, times: 2, late: false });
    expect(second.task.version).toBe(3);
    now += HOUR;
    const third = await svc.submit(task, '包头市', '', STAFF_A);
    expect(third.submission).toMatchObject({ id: first.submission.id, text: '', times: 3 });
    expect(await submissions()).toHaveLength(1);
  });

  it('is late by the injected clock after the deadline, not at it; a resubmission takes the latest', async () => {
    const task = await createTask();
    now = DEADLINE;
    expect((await svc.submit(task, '包头市', '正好截止', STAFF_A)).submission.late).toBe(false);
    now = DEADLINE + 1;
    expect((await svc.submit(task, '赤峰市', '晚了一毫秒', STAFF_A)).submission.late).toBe(true);
    // Resubmitted after the deadline: late now.
    now = DEADLINE + HOUR;
    const again = await svc.submit(task, '包头市', '截止后修改', STAFF_A);
    expect(again.submission).toMatchObject({ late: true, times: 2 });
    // The deadline read is the task's, not the clock's idea of it.
    const later = await createTask({ task: { deadlineAt: DEADLINE + 10 * HOUR } });
    expect((await svc.submit(later, '包头市', '按时', STAFF_A)).submission.late).toBe(false);
  });

  it('keeps one row per region when two people submit for the same region at once: times 2', async () => {
    const task = await createTask();
    const [a, b] = await Promise.all([svc.submit(task, '包头市', '甲的内容', STAFF_A), svc.submit(task, '包头市', '乙的内容', STAFF_B)]);
    expect([a.first, b.first].sort()).toEqual([false, true]);
    const rows = await submissions();
    expect(rows).toHaveLength(1);
    expect(rows[0].times).toBe(2);
    // The one that updated is the one that stands.
    const updater = a.first ? b : a;
    expect(rows[0]).toMatchObject({ text: updater.submission.text, submittedBy: updater.submission.submittedBy });
    expect((await reload(task)).version).toBe(3);
  });

  it('takes different regions at once as separate rows, each bumping the version', async () => {
    const task = await createTask();
    await Promise.all(['包头市', '赤峰市', '通辽市'].map((r, i) => svc.submit(task, r, `${r}内容`, `ou_${i}`)));
    expect((await submissions()).map((s) => s.region).sort()).toEqual(['包头市', '赤峰市', '通辽市'].sort());
    expect((await reload(task)).version).toBe(4);
  });

  it('lists a task’s submissions in the order submitted', async () => {
    const task = await createTask();
    const other = await createTask();
    now += 3 * HOUR;
    await svc.submit(task, '赤峰市', '1', STAFF_A);
    now -= HOUR;
    await svc.submit(task, '通辽市', '2', STAFF_A);
    now += 5 * HOUR;
    await svc.submit(task, '包头市', '3', STAFF_A);
    await svc.submit(other, '包头市', 'other', STAFF_A);
    expect((await svc.submissionsOf(task.id)).map((s) => s.region)).toEqual(['通辽市', '赤峰市', '包头市']);
  });
});

describe('addFile', () => {
  it('keeps a file, counts the submission’s files and bumps the version', async () => {
    const task = await createTask();
    const { submission } = await svc.submit(task, '包头市', '见附件', STAFF_A);
    now += HOUR;
    expect(await svc.addFile(submission, attachment('om_1'), STAFF_A)).toBe(1);
    expect((await reload(task)).version).toBe(3);
    expect(await svc.addFile(submission, attachment('om_2', { kind: 'image', name: null }), STAFF_A)).toBe(2);
    expect((await reload(task)).version).toBe(4);
    expect(await files()).toEqual([
      expect.objectContaining({ submissionId: submission.id, kind: 'file', fileKey: 'file_om_1', name: 'om_1.pdf', messageId: 'om_1', sentBy: STAFF_A, at: now }),
      expect.objectContaining({ submissionId: submission.id, kind: 'image', fileKey: 'file_om_2', name: null, messageId: 'om_2' }),
    ]);
  });

  it('keeps the same message once (a redelivery), without a version bump, even at once', async () => {
    const task = await createTask();
    const { submission } = await svc.submit(task, '包头市', '见附件', STAFF_A);
    expect(await svc.addFile(submission, attachment('om_1'), STAFF_A)).toBe(1);
    expect(await svc.addFile(submission, attachment('om_1'), STAFF_A)).toBe(1);
    expect((await reload(task)).version).toBe(3);
    const counts = await Promise.all([svc.addFile(submission, attachment('om_2'), STAFF_A), svc.addFile(submission, attachment('om_2'), STAFF_A)]);
    expect(counts).toEqual([2, 2]);
    expect(await files()).toHaveLength(2);
    expect((await reload(task)).version).toBe(4);
  });

  it('counts per submission; the same message id may belong to two submissions', async () => {
    const task = await createTask();
    const a = (await svc.submit(task, '包头市', 'a', STAFF_A)).submission;
    const b = (await svc.submit(task, '赤峰市', 'b', STAFF_A)).submission;
    expect(await svc.addFile(a, attachment('om_1'), STAFF_A)).toBe(1);
    expect(await svc.addFile(b, attachment('om_1'), STAFF_A)).toBe(1);
    expect(await svc.addFile(a, attachment('om_2'), STAFF_A)).toBe(2);
    expect((await svc.filesOf([a.id])).map((f) => f.messageId)).toEqual(['om_1', 'om_2']);
    expect((await svc.filesOf([a.id, b.id])).map((f) => f.submissionId).sort()).toEqual([a.id, a.id, b.id].sort());
    expect(await svc.filesOf([])).toEqual([]);
  });

  it('keeps files when the region resubmits', async () => {
    const task = await createTask();
    const { submission } = await svc.submit(task, '包头市', '初稿', STAFF_A);
    await svc.addFile(submission, attachment('om_1'), STAFF_A);
    const again = await svc.submit(task, '包头市', '终稿', STAFF_A);
    expect(again.submission.id).toBe(submission.id);
    expect(await svc.filesOf([again.submission.id])).toHaveLength(1);
  });
});

describe('submittedBy', () => {
  it('finds this person’s submissions to the tenant’s tasks due since `since`, latest first', async () => {
    const old = await createTask({ task: { deadlineAt: DEADLINE - 48 * HOUR } });
    const due = await createTask({ task: { deadlineAt: DEADLINE } });
    const later = await createTask({ task: { deadlineAt: DEADLINE + 48 * HOUR } });
    const foreign = await createTask({ tenantKey: OTHER_TENANT, task: { deadlineAt: DEADLINE + 48 * HOUR } });
    now += HOUR;
    await svc.submit(old, '包头市', 'old', STAFF_A);
    now += HOUR;
    await svc.submit(later, '包头市', 'later', STAFF_A);
    now += HOUR;
    await svc.submit(due, '包头市', 'due', STAFF_A);
    await svc.submit(due, '赤峰市', 'by b', STAFF_B);
    await svc.submit(foreign, '包头市', 'foreign', STAFF_A);

    const found = await svc.submittedBy(TENANT, STAFF_A, DEADLINE);
    expect(found.map((f) => [f.submission.text, f.task.id])).toEqual([
      ['due', due.id],
      ['later', later.id],
    ]);
    // The window's edge is included; the old task comes in when the window reaches it.
    expect((await svc.submittedBy(TENANT, STAFF_A, DEADLINE + 1)).map((f) => f.submission.text)).toEqual(['later']);
    expect((await svc.submittedBy(TENANT, STAFF_A, DEADLINE - 48 * HOUR)).map((f) => f.submission.text)).toEqual(['due', 'later', 'old']);
    expect(await svc.submittedBy(TENANT, 'ou_nobody', 0)).toEqual([]);
    expect(await svc.submittedBy(TENANT, STAFF_A, DEADLINE + 49 * HOUR)).toEqual([]);
    expect((await svc.submittedBy(OTHER_TENANT, STAFF_A, 0)).map((f) => f.submission.text)).toEqual(['foreign']);
  });

  it('follows the last submitter of a region', async () => {
    const task = await createTask();
    await svc.submit(task, '包头市', 'a', STAFF_A);
    await svc.submit(task, '包头市', 'b', STAFF_B);
    expect(await svc.submittedBy(TENANT, STAFF_A, 0)).toEqual([]);
    expect((await svc.submittedBy(TENANT, STAFF_B, 0)).map((f) => f.submission.text)).toEqual(['b']);
  });
});

describe('addProgressKeys', () => {
  it('merges keys in order, each once, leaving the version alone and other tasks’ keys apart', async () => {
    const before = await createTask();
    const task = await createTask();
    const after = await createTask();
    await svc.addProgressKeys(before, ['b1']);
    await svc.addProgressKeys(after, ['a1']);
    await svc.addProgressKeys(task, ['k1', 'k2']);
    await svc.addProgressKeys(task, ['k2', 'k3']);
    await svc.addProgressKeys(task, []);
    const stored = await reload(task);
    expect(progressKeysOf(stored)).toEqual(['k1', 'k2', 'k3']);
    expect(stored.version).toBe(1);
    expect([progressKeysOf(await reload(before)), progressKeysOf(await reload(after))]).toEqual([['b1'], ['a1']]);
  });

  it('loses no key when called at once, also with a stale task', async () => {
    const task = await createTask();
    await Promise.all(Array.from({ length: 10 }, (_, i) => svc.addProgressKeys(task, [`key-${i}`, 'shared'])));
    const keys = progressKeysOf(await reload(task));
    expect(keys.sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `key-${i}`), 'shared'].sort());
    // A submission meanwhile (a version bump) does not get in the way.
    await Promise.all([svc.addProgressKeys(task, ['late-1']), svc.submit(task, '包头市', 'x', STAFF_A), svc.addProgressKeys(task, ['late-2'])]);
    expect(progressKeysOf(await reload(task))).toEqual(expect.arrayContaining(['late-1', 'late-2', 'shared']));
  });

  it('reads broken or foreign JSON as no keys and no regions', async () => {
    const task = await createTask();
    for (const bad of ['not json', '{"a":1}', '"k"', 'null']) {
      expect(progressKeysOf({ ...task, progressKeys: bad })).toEqual([]);
      expect(regionsOf({ ...task, regions: bad })).toEqual([]);
    }
    expect(progressKeysOf({ ...task, progressKeys: '["a", 1, null, "b"]' })).toEqual(['a', 'b']);
    expect(regionsOf({ ...task, regions: '["包头市", 2]' })).toEqual(['包头市']);
  });
});

describe('deadlinesSince', () => {
  it('lists every tenant’s tasks due at or after the instant, by id', async () => {
    const a = await createTask({ task: { deadlineAt: DEADLINE } });
    const b = await createTask({ tenantKey: OTHER_TENANT, task: { deadlineAt: DEADLINE + HOUR } });
    await createTask({ task: { deadlineAt: DEADLINE - 1 } });
    const d = await createTask({ task: { deadlineAt: DEADLINE + 1000 * 24 * HOUR } });
    expect((await svc.deadlinesSince(DEADLINE)).map((t) => t.id)).toEqual([a.id, b.id, d.id]);
    expect((await svc.deadlinesSince(DEADLINE + 1)).map((t) => t.id)).toEqual([b.id, d.id]);
    expect(await svc.deadlinesSince(DEADLINE + 1001 * 24 * HOUR)).toEqual([]);
    expect(await svc.deadlinesSince(0)).toHaveLength(4);
  });
});
