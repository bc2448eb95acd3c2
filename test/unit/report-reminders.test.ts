import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { JobOccasion } from '../../src/db/entities/job-occasion.entity';
import type { ReportTask } from '../../src/db/entities/report-task.entity';
import { JobDeps, JobRunner, type JobRunResult } from '../../src/jobs/job-runner';
import { REPORT_REMINDER_DAYS, reportReminders } from '../../src/jobs/report-reminders';
import { DEFAULT_REMINDER_SCHEDULE } from '../../src/jobs/schedule-config';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import type { OutboundMessage } from '../../src/platform/port';
import { ApplicationService } from '../../src/services/application-service';
import { BindingService } from '../../src/services/binding-service';
import { ExpertService } from '../../src/services/expert-service';
import { NeedService } from '../../src/services/need-service';
import type { Messenger, SendRef } from '../../src/services/outbox-service';
import { FormDraftService } from '../../src/services/form-draft-service';
import { ReportService } from '../../src/services/report-service';
import { SummaryService } from '../../src/services/summary-service';
import { expectValidCard, type Node } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * The report part of the reminders job, decided against a real SQLite database through the real
 * JobRunner (its ledger of occasions done), at fixed instants. What the job queues is caught by
 * an in-memory Messenger: delivery is the outbox's business, tested elsewhere.
 *
 * Every instant is written as Shanghai wall-clock time and the runner is given that zone, so the
 * file passes whatever the machine's zone (also run it with TZ=America/Los_Angeles).
 */

const TZ = 'Asia/Shanghai';
const TENANT = 'tenant-1';
const ADMIN = 'ou_admin';
const STAFF = 'ou_staff';
const CENTRE_CHAT = 'oc_centre';
const CHATS = { 包头市: 'oc_baotou', 赤峰市: 'oc_chifeng', 赤峰市2: 'oc_chifeng_2' } as const;
/** 包头市 and 赤峰市 have bound groups (赤峰市 two); 通辽市 has none. */
const REGIONS = ['包头市', '赤峰市', '通辽市'];

/** An instant given as Shanghai wall-clock time, e.g. '2027-12-09 17:00'. */
const at = (local: string): Date => {
  const d = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: TZ });
  if (!d.isValid) throw new Error(`bad instant ${local}`);
  return d.toJSDate();
};

interface Sent {
  to: 'chat' | 'user';
  target: string;
  key: string;
  tenantKey: string;
  card: Node;
}

/** Records what the job queues. */
class RecordingMessenger implements Messenger {
  readonly sent: Sent[] = [];
  /** Chats whose sends throw, to see a failure isolated. */
  readonly failing = new Set<string>();

  private record(to: Sent['to'], ref: SendRef, target: string, message: OutboundMessage) {
    if (this.failing.has(target)) throw new Error(`cannot send to ${target}`);
    if (message.type !== 'card') throw new Error(`expected a card, got ${message.type}`);
    this.sent.push({ to, target, key: ref.key, tenantKey: ref.tenantKey, card: message.card as Node });
  }

  async sendToChat(ref: SendRef, chatId: string, message: OutboundMessage) {
    this.record('chat', ref, chatId, message);
  }
  async sendToUser(ref: SendRef, openId: string, message: OutboundMessage) {
    this.record('user', ref, openId, message);
  }
  async reply(): Promise<void> {
    throw new Error('the reminders job does not reply');
  }
  async updateCard(): Promise<void> {
    throw new Error('the reminders job does not update cards');
  }
  async sentMessageId(): Promise<string | undefined> {
    return undefined;
  }
  /** What was sent since the last call. */
  take(): Sent[] {
    return this.sent.splice(0, this.sent.length);
  }
}

let ds: DataSource;
let clock: number;
let messenger: RecordingMessenger;
let deps: JobDeps;
let runner: JobRunner;

function makeDeps(admins: string[]): JobDeps {
  const now = () => clock;
  const logger = createLogger('silent');
  const applications = new ApplicationService(ds, now);
  const made: JobDeps = {
    messenger,
    bindings: new BindingService(ds, now),
    applications,
    summaries: new SummaryService(ds, applications, now),
    needs: new NeedService(ds, now),
    experts: new ExpertService(ds, now),
    reports: new ReportService(ds, now),
    drafts: new FormDraftService(ds, now),
    settings: { timezone: TZ, campaignYear: 2027 },
    schedule: DEFAULT_REMINDER_SCHEDULE,
    platform: new DryRunPlatform(logger),
    admins: new Set(admins),
    now,
    // No job under test here changes a status: nothing to hold together.
    atomically: (fn) => fn(made),
  };
  return made;
}

beforeEach(async () => {
  ds = await openTempDatabase('report-reminders-');
  clock = at('2027-12-01 10:00').getTime();
  messenger = new RecordingMessenger();
  deps = makeDeps([ADMIN]);
  runner = new JobRunner(ds, deps, createLogger('silent'));
  await deps.bindings.bind(TENANT, CENTRE_CHAT, '中心', ADMIN);
  await deps.bindings.bind(TENANT, CHATS.包头市, '包头市', ADMIN);
  await deps.bindings.bind(TENANT, CHATS.赤峰市, '赤峰市', ADMIN);
  await deps.bindings.bind(TENANT, CHATS.赤峰市2, '赤峰市', ADMIN);
});

afterEach(async () => {
  await closeTempDatabase(ds);
});

let tokens = 0;
async function publish(deadline: string, opts: { regions?: string[]; tenantKey?: string; title?: string } = {}): Promise<ReportTask> {
  const deadlineAt = DateTime.fromFormat(deadline, 'yyyy-MM-dd HH:mm', { zone: TZ }).toMillis();
  const { task } = await deps.reports.create({
    tenantKey: opts.tenantKey ?? TENANT,
    formToken: `tok-${++tokens}`,
    year: 2027,
    createdBy: ADMIN,
    task: { title: opts.title ?? '年度落实情况报告', description: '请报送落实情况', deadlineAt, regions: opts.regions ?? REGIONS, expects: 'text' },
  });
  return task;
}

async function submit(task: ReportTask, region: string, when: string) {
  clock = at(when).getTime();
  await deps.reports.submit(task, region, `${region}的报送`, STAFF);
}

/** One run of the job at a Shanghai wall-clock time, and what it queued. */
async function runAt(local: string): Promise<{ result: JobRunResult; sent: Sent[] }> {
  const asOf = at(local);
  clock = asOf.getTime();
  const result = await runner.run('reminders', (ctx) => reportReminders(ctx), asOf);
  expect(result.status).toBe('done');
  return { result, sent: messenger.take() };
}

const ledger = async () =>
  (await ds.getRepository(JobOccasion).find({ order: { id: 'ASC' } })).map((o) => `${o.job} ${o.subject} ${o.occasion} ${o.outcome}`);
const targets = (sent: Sent[]) => sent.map((s) => `${s.to}:${s.target}`);
const titles = (sent: Sent[]) => sent.map((s) => s.card.header.title.content as string);

describe('reportReminders', () => {
  it('chases 3 days, 1 day and on the day, only the regions missing, then tells the centre once who is missing', async () => {
    expect(REPORT_REMINDER_DAYS).toEqual([3, 1, 0]);
    const task = await publish('2027-12-09 17:00');
    const s = (region: string) => `report:${task.id}:${region}`;

    // Before the first occasion: nothing.
    expect((await runAt('2027-12-06 08:59')).sent).toEqual([]);
    expect(await ledger()).toEqual([]);

    // 3 days before, at 09:00: every bound group of every missing region; 通辽市 has none.
    const three = await runAt('2027-12-06 09:00');
    expect(targets(three.sent)).toEqual(['chat:oc_baotou', 'chat:oc_chifeng', 'chat:oc_chifeng_2']);
    expect(new Set(titles(three.sent))).toEqual(new Set(['报送提醒 · 还剩 3 天']));
    expect(three.sent.map((m) => m.key)).toEqual([
      `job:reminders:report:${task.id}:包头市:deadline-3:oc_baotou`,
      `job:reminders:report:${task.id}:赤峰市:deadline-3:oc_chifeng`,
      `job:reminders:report:${task.id}:赤峰市:deadline-3:oc_chifeng_2`,
    ]);
    expect(three.sent.every((m) => m.tenantKey === TENANT)).toBe(true);
    expect(visibleText(three.sent[0].card)).toContain('包头市尚未报送「年度落实情况报告」，还剩 **3 天**（2027-12-09 17:00）');
    for (const m of three.sent) expectValidCard(m.card);
    expect(three.result).toMatchObject({ sent: 3, skipped: 1, failures: 0 });
    expect(await ledger()).toEqual([`reminders ${s('包头市')} deadline-3 sent`, `reminders ${s('赤峰市')} deadline-3 sent`, `reminders ${s('通辽市')} deadline-3 skipped`]);

    // A rerun, the same hour or later that day: nothing.
    expect((await runAt('2027-12-06 09:05')).sent).toEqual([]);
    expect((await runAt('2027-12-07 23:00')).sent).toEqual([]);

    // 包头市 submits; from now on only 赤峰市 is chased.
    await submit(task, '包头市', '2027-12-07 15:00');

    const one = await runAt('2027-12-08 09:00');
    expect(targets(one.sent)).toEqual(['chat:oc_chifeng', 'chat:oc_chifeng_2']);
    expect(titles(one.sent)).toEqual(['报送提醒 · 还剩 1 天', '报送提醒 · 还剩 1 天']);
    expect(one.result).toMatchObject({ sent: 2, skipped: 1 });
    expect((await runAt('2027-12-08 20:00')).sent).toEqual([]);

    const day = await runAt('2027-12-09 09:00');
    expect(targets(day.sent)).toEqual(['chat:oc_chifeng', 'chat:oc_chifeng_2']);
    expect(titles(day.sent)).toEqual(['报送今天截止 · 年度落实情况报告', '报送今天截止 · 年度落实情况报告']);
    expect(visibleText(day.sent[0].card)).toContain('**今天截止**（2027-12-09 17:00）');

    // Up to the deadline: nothing more.
    expect((await runAt('2027-12-09 16:59')).sent).toEqual([]);

    // After it: one notice to the centre's group, listing only the missing.
    const after = await runAt('2027-12-09 18:00');
    expect(targets(after.sent)).toEqual([`chat:${CENTRE_CHAT}`]);
    expect(after.sent[0].key).toBe(`job:reminders:report:${task.id}:overdue:chat:${CENTRE_CHAT}`);
    expect(titles(after.sent)).toEqual(['报送已截止 · 2 个盟市未提交']);
    const text = visibleText(after.sent[0].card);
    expect(text).toContain('- 赤峰市\n- 通辽市');
    expect(text).not.toContain('包头市');
    expectValidCard(after.sent[0].card);
    expect(after.result).toMatchObject({ sent: 1, skipped: 0 });

    // Reruns: nothing, ever again.
    for (const when of ['2027-12-09 18:05', '2027-12-10 09:00', '2027-12-20 09:00']) expect((await runAt(when)).sent).toEqual([]);

    expect(await ledger()).toEqual([
      `reminders ${s('包头市')} deadline-3 sent`,
      `reminders ${s('赤峰市')} deadline-3 sent`,
      `reminders ${s('通辽市')} deadline-3 skipped`,
      `reminders ${s('赤峰市')} deadline-1 sent`,
      `reminders ${s('通辽市')} deadline-1 skipped`,
      `reminders ${s('赤峰市')} deadline-0 sent`,
      `reminders ${s('通辽市')} deadline-0 skipped`,
      `reminders report:${task.id} overdue sent`,
    ]);
  });

  it('catches up: a first run on the day before sends only the 1-day reminder, the 3-day one skipped', async () => {
    const task = await publish('2027-12-09 17:00', { regions: ['包头市'] });
    const first = await runAt('2027-12-08 10:00');
    expect(targets(first.sent)).toEqual(['chat:oc_baotou']);
    expect(titles(first.sent)).toEqual(['报送提醒 · 还剩 1 天']);
    expect(await ledger()).toEqual([`reminders report:${task.id}:包头市 deadline-3 skipped`, `reminders report:${task.id}:包头市 deadline-1 sent`]);
    expect(first.result).toMatchObject({ sent: 1, skipped: 1 });
    expect((await runAt('2027-12-08 11:00')).sent).toEqual([]);
  });

  it('counts the days left from today when a reminder goes out late', async () => {
    // Down on the 6th; up on the 7th: the 3-day occasion, but 2 days are left.
    await publish('2027-12-09 17:00', { regions: ['包头市'] });
    const late = await runAt('2027-12-07 09:00');
    expect(titles(late.sent)).toEqual(['报送提醒 · 还剩 2 天']);
  });

  it('a deadline at 08:00 on the day: no day-of reminder at 09:00 (it has passed), the overdue notice instead', async () => {
    const task = await publish('2027-12-09 08:00', { regions: ['包头市'] });
    expect(titles((await runAt('2027-12-06 09:00')).sent)).toEqual(['报送提醒 · 还剩 3 天']);
    expect(titles((await runAt('2027-12-08 09:00')).sent)).toEqual(['报送提醒 · 还剩 1 天']);
    const day = await runAt('2027-12-09 09:00');
    expect(targets(day.sent)).toEqual([`chat:${CENTRE_CHAT}`]);
    expect(titles(day.sent)).toEqual(['报送已截止 · 1 个盟市未提交']);
    expect(visibleText(day.sent[0].card)).toContain('已于 2027-12-09 08:00 截止');
    expect(day.result).toMatchObject({ sent: 1, skipped: 1 });
    expect((await ledger()).slice(-2)).toEqual([`reminders report:${task.id}:包头市 deadline-0 skipped`, `reminders report:${task.id} overdue sent`]);
    expect((await runAt('2027-12-09 10:00')).sent).toEqual([]);
  });

  it('a deadline at 08:00: a run at 08:05 sends the overdue notice, and 09:00 then only records the day-of one skipped', async () => {
    const task = await publish('2027-12-09 08:00', { regions: ['包头市'] });
    await runAt('2027-12-08 09:00');
    const early = await runAt('2027-12-09 08:05');
    expect(titles(early.sent)).toEqual(['报送已截止 · 1 个盟市未提交']);
    const nine = await runAt('2027-12-09 09:00');
    expect(nine.sent).toEqual([]);
    expect(nine.result.skipped).toBe(1);
    expect((await ledger()).at(-1)).toBe(`reminders report:${task.id}:包头市 deadline-0 skipped`);
  });

  it('sends nothing for a region without a bound group, and records its occasions skipped', async () => {
    const task = await publish('2027-12-09 17:00', { regions: ['通辽市'] });
    for (const when of ['2027-12-06 09:00', '2027-12-08 09:00', '2027-12-09 09:00']) {
      const r = await runAt(when);
      expect(r.sent).toEqual([]);
      expect(r.result).toMatchObject({ sent: 0, skipped: 1 });
    }
    expect(await ledger()).toEqual(REPORT_REMINDER_DAYS.map((n) => `reminders report:${task.id}:通辽市 deadline-${n} skipped`));
    // The centre still learns that it is missing.
    const after = await runAt('2027-12-09 18:00');
    expect(visibleText(after.sent[0].card)).toContain('- 通辽市');
  });

  it('a group bound after an occasion was skipped gets the next one', async () => {
    await publish('2027-12-09 17:00', { regions: ['通辽市'] });
    expect((await runAt('2027-12-06 09:00')).sent).toEqual([]);
    await deps.bindings.bind(TENANT, 'oc_tongliao', '通辽市', ADMIN);
    expect(targets((await runAt('2027-12-08 09:00')).sent)).toEqual(['chat:oc_tongliao']);
  });

  it('when everybody submitted: no reminder and no overdue notice, the notice recorded skipped', async () => {
    const task = await publish('2027-12-09 17:00');
    for (const region of REGIONS) await submit(task, region, '2027-12-02 10:00');
    for (const when of ['2027-12-06 09:00', '2027-12-08 09:00', '2027-12-09 09:00']) expect((await runAt(when)).sent).toEqual([]);
    const after = await runAt('2027-12-09 18:00');
    expect(after.sent).toEqual([]);
    expect(after.result).toMatchObject({ sent: 0, skipped: 1 });
    expect(await ledger()).toEqual([`reminders report:${task.id} overdue skipped`]);
    expect((await runAt('2027-12-10 09:00')).result).toMatchObject({ sent: 0, skipped: 0 });
  });

  it('counts a late submission as submitted for the overdue notice', async () => {
    const task = await publish('2027-12-09 17:00', { regions: ['包头市', '赤峰市'] });
    await submit(task, '包头市', '2027-12-09 17:30');
    const after = await runAt('2027-12-09 18:00');
    expect(titles(after.sent)).toEqual(['报送已截止 · 1 个盟市未提交']);
    expect(visibleText(after.sent[0].card)).not.toContain('- 包头市');
  });

  it('without a centre group, tells the admins privately', async () => {
    const task = await publish('2027-12-09 17:00', { regions: ['包头市'], tenantKey: 'tenant-2' });
    await deps.bindings.bind('tenant-2', 'oc_t2_baotou', '包头市', ADMIN);
    const day = await runAt('2027-12-09 09:00');
    expect(day.sent.map((m) => [m.tenantKey, m.target])).toEqual([['tenant-2', 'oc_t2_baotou']]);
    const after = await runAt('2027-12-09 18:00');
    expect(targets(after.sent)).toEqual([`user:${ADMIN}`]);
    expect(after.sent[0].key).toBe(`job:reminders:report:${task.id}:overdue:user:${ADMIN}`);
  });

  it('leaves tasks whose deadline passed more than 30 days ago alone', async () => {
    await publish('2027-10-01 17:00', { regions: ['包头市'] });
    expect((await runAt('2027-11-01 09:00')).sent).toEqual([]);
    expect(await ledger()).toEqual([]);
    // Within the 30 days it would still be noticed.
    await publish('2027-10-20 17:00', { regions: ['包头市'] });
    expect(titles((await runAt('2027-11-01 09:00')).sent)).toEqual(['报送已截止 · 1 个盟市未提交']);
  });

  it('handles tasks independently: a failing send is counted, retried next run, and does not stop the others', async () => {
    const a = await publish('2027-12-09 17:00', { regions: ['赤峰市'], title: '任务甲' });
    const b = await publish('2027-12-09 17:00', { regions: ['包头市'], title: '任务乙' });
    messenger.failing.add(CHATS.赤峰市2);
    const first = await runAt('2027-12-06 09:00');
    expect(first.result).toMatchObject({ status: 'done', failures: 1 });
    // 任务甲's first group got it before the second failed; 任务乙 went out.
    expect(targets(first.sent)).toEqual(['chat:oc_chifeng', 'chat:oc_baotou']);
    expect(await ledger()).toEqual([`reminders report:${b.id}:包头市 deadline-3 sent`]);
    messenger.failing.clear();
    const retry = await runAt('2027-12-06 10:00');
    // Sent again under the same keys (the outbox keeps one per key), then recorded.
    expect(retry.sent.map((m) => m.key)).toEqual([`job:reminders:report:${a.id}:赤峰市:deadline-3:oc_chifeng`, `job:reminders:report:${a.id}:赤峰市:deadline-3:oc_chifeng_2`]);
    expect(retry.result.failures).toBe(0);
    expect((await ledger()).at(-1)).toBe(`reminders report:${a.id}:赤峰市 deadline-3 sent`);
  });
});
