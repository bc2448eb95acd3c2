import { In, MoreThanOrEqual, Repository } from 'typeorm';
import { withSavepoint, type Db } from '../db/unit-of-work';
import { isUniqueViolation } from '../db/data-source';
import { insertNumbered } from '../db/numbered-insert';
import { randomBytes } from 'node:crypto';
import { ReportFile } from '../db/entities/report-file.entity';
import { ReportForm } from '../db/entities/report-form.entity';
import { ReportSubmission } from '../db/entities/report-submission.entity';
import { ReportTask } from '../db/entities/report-task.entity';
import type { Attachment } from './application-service';
import { markLedger } from './ledger/ledger-marks';
import { stringListOf } from '../domain/json-lists';

/**
 * Report collections: a task is numbered inside its INSERT (BS<year>-NNNN, see insertNumbered), each
 * 盟市 has at most one submission per task (unique (task, region)), which a resubmission updates.
 * Every submission bumps the task's version, which names the next update of its progress cards.
 */

export interface NewTask {
  title: string;
  description: string;
  deadlineAt: number;
  regions: string[];
  expects: 'text' | 'file' | 'both';
}

export function regionsOf(task: ReportTask): string[] {
  return stringListOf(task.regions);
}

export function progressKeysOf(task: ReportTask): string[] {
  return stringListOf(task.progressKeys);
}

/** Whether the task asks for files (附件, or 文字说明和附件): then a text alone is not a submission yet. */
export function needsFile(task: ReportTask): boolean {
  return task.expects === 'file' || task.expects === 'both';
}

export type SubmissionState = 'missing' | 'awaiting' | 'submitted' | 'late';

/**
 * Where a 盟市 stands on a task, the one rule the progress card, 报送进度, the export and the
 * reminders share: a task that asks for files counts a submission as 已提交 only once a file
 * has arrived (until then 待补附件); it is late when it was completed after the deadline.
 */
export function submissionState(task: ReportTask, sub: ReportSubmission | null | undefined, files: readonly ReportFile[]): SubmissionState {
  if (!sub) return 'missing';
  const own = files.filter((f) => f.submissionId === sub.id);
  if (!needsFile(task)) return sub.late ? 'late' : 'submitted';
  if (own.length === 0) return 'awaiting';
  const firstFileAt = Math.min(...own.map((f) => f.at));
  return sub.late || firstFileAt > task.deadlineAt ? 'late' : 'submitted';
}

/** The state words, as the export and the cards write them. */
export const STATE_WORDS: Readonly<Record<SubmissionState, string>> = { missing: '未提交', awaiting: '待补附件', submitted: '已提交', late: '逾期提交' };

export class ReportService {
  private readonly tasks: Repository<ReportTask>;
  private readonly submissions: Repository<ReportSubmission>;
  private readonly files: Repository<ReportFile>;
  private readonly forms: Repository<ReportForm>;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.tasks = db.getRepository(ReportTask);
    this.submissions = db.getRepository(ReportSubmission);
    this.files = db.getRepository(ReportFile);
    this.forms = db.getRepository(ReportForm);
  }

  get(tenantKey: string, id: number): Promise<ReportTask | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.tasks.findOneBy({ tenantKey, id });
  }

  findByCode(tenantKey: string, year: number, seq: number): Promise<ReportTask | null> {
    return this.tasks.findOneBy({ tenantKey, codeYear: year, codeSeq: seq });
  }

  /** A tenant's tasks, newest first. */
  recent(tenantKey: string, take = 10): Promise<ReportTask[]> {
    return this.tasks.find({ where: { tenantKey }, order: { createdAt: 'DESC', id: 'DESC' }, take });
  }

  /** Every tenant's tasks whose deadline is at or after `since` (the reminders job). */
  deadlinesSince(since: number): Promise<ReportTask[]> {
    // Stryker disable next-line StringLiteral: TypeORM's find options read any direction but DESC as ASC, so '' orders the same
    return this.tasks.find({ where: { deadlineAt: MoreThanOrEqual(since) }, order: { id: 'ASC' } });
  }

  async create(input: { tenantKey: string; formToken: string; year: number; createdBy: string; task: NewTask }): Promise<{ task: ReportTask; created: boolean }> {
    const { row, created } = await insertNumbered({
      repo: this.tasks,
      table: 'report_tasks',
      year: input.year,
      existing: () => this.tasks.findOneBy({ tenantKey: input.tenantKey, formToken: input.formToken }),
      values: {
        tenantKey: input.tenantKey,
        formToken: input.formToken,
        title: input.task.title,
        description: input.task.description,
        deadlineAt: input.task.deadlineAt,
        regions: JSON.stringify(input.task.regions),
        expects: input.task.expects,
        createdBy: input.createdBy,
        progressKeys: '[]',
        version: 1,
        createdAt: this.now(),
      },
    });
    return { task: row, created };
  }

  submissionsOf(taskId: number): Promise<ReportSubmission[]> {
    // Stryker disable next-line StringLiteral: TypeORM's find options read any direction but DESC as ASC, so '' orders the same
    return this.submissions.find({ where: { taskId }, order: { submittedAt: 'ASC', id: 'ASC' } });
  }

  submissionOf(taskId: number, region: string): Promise<ReportSubmission | null> {
    return this.submissions.findOneBy({ taskId, region });
  }

  getSubmission(id: number): Promise<ReportSubmission | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.submissions.findOneBy({ id });
  }

  /**
   * The private form 提交 sends: for the 盟市 of the bound group it was clicked in, to the one who
   * clicked. The same click again (a replay, a double click) before anything changed finds the
   * form already issued.
   */
  async issueForm(input: { tenantKey: string; task: ReportTask; region: string; issuedTo: string; chatId: string }): Promise<ReportForm> {
    const key = { taskId: input.task.id, region: input.region, issuedTo: input.issuedTo, taskVersion: input.task.version };
    // Found: the same click again. (Without this lookup the insert would hit uq_report_forms_issue
    // and the same row be read back: it only spares a failing insert.)
    return (await this.forms.findOneBy(key)) ?? this.insertForm(key, input);
  }

  private async insertForm(key: Pick<ReportForm, 'taskId' | 'region' | 'issuedTo' | 'taskVersion'>, input: { tenantKey: string; chatId: string }): Promise<ReportForm> {
    try {
      await withSavepoint(this.forms.manager, () =>
        this.forms.insert({ ...key, tenantKey: input.tenantKey, token: randomBytes(18).toString('base64url'), chatId: input.chatId, issuedAt: this.now(), submittedAt: null }),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return this.forms.findOneByOrFail(key);
  }

  /** The form most recently issued to this person: which 盟市 group they last asked from (`报送` in private). */
  lastFormOf(tenantKey: string, issuedTo: string): Promise<ReportForm | null> {
    return this.forms.findOne({ where: { tenantKey, issuedTo }, order: { issuedAt: 'DESC', id: 'DESC' } });
  }

  findForm(tenantKey: string, token: string): Promise<ReportForm | null> {
    return this.forms.findOneBy({ tenantKey, token });
  }

  /** Marks a form used; false when it was used already (of two submissions of it, one wins). */
  async useForm(form: ReportForm): Promise<boolean> {
    const res = await this.forms
      .createQueryBuilder()
      .update()
      .set({ submittedAt: this.now() })
      .where('id = :id AND submitted_at IS NULL', { id: form.id })
      .execute();
    return res.affected === 1;
  }

  /** A region's submission: the first, or a resubmission replacing the text. Late after the deadline. */
  async submit(task: ReportTask, region: string, text: string, submittedBy: string): Promise<{ submission: ReportSubmission; first: boolean; task: ReportTask }> {
    const now = this.now();
    const late = now > task.deadlineAt;
    let first = false;
    try {
      await withSavepoint(this.submissions.manager, () => this.submissions.insert({ taskId: task.id, region, text, submittedBy, submittedAt: now, late, times: 1 }));
      first = true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await this.submissions
        .createQueryBuilder()
        .update()
        .set({ text, submittedBy, submittedAt: now, late, times: () => 'times + 1' } as any)
        .where('task_id = :taskId AND region = :region', { taskId: task.id, region })
        .execute();
    }
    await this.bump(task.id);
    const submission = await this.submissions.findOneByOrFail({ taskId: task.id, region });
    await markLedger(this.submissions.manager, task.tenantKey, 'report', submission.id, now);
    return { submission, first, task: await this.tasks.findOneByOrFail({ id: task.id }) };
  }

  /** Keeps a file sent for a submission; the same message twice is kept once. Returns the submission's file count. */
  async addFile(submission: ReportSubmission, file: Attachment, sentBy: string): Promise<number> {
    try {
      await withSavepoint(this.files.manager, () => this.files.insert({ submissionId: submission.id, kind: file.kind, fileKey: file.key, name: file.name, messageId: file.messageId, sentBy, at: this.now() }));
      await this.bump(submission.taskId);
      const task = await this.tasks.findOneBy({ id: submission.taskId });
      if (task) await markLedger(this.files.manager, task.tenantKey, 'report', submission.id, this.now());
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return this.files.countBy({ submissionId: submission.id });
  }

  /**
   * Who answers for a 盟市's report (issue 13 item 6: @-mentioned in its group's reminders, buzzed
   * when it is missing after the deadline): the one who submitted it (waiting for files), else
   * the one who last took its form, else the one who last submitted any task for that 盟市.
   */
  async responsibleFor(task: ReportTask, region: string): Promise<string | undefined> {
    const own = await this.submissions.findOneBy({ taskId: task.id, region });
    if (own) return own.submittedBy;
    const form = await this.forms.findOne({ where: { taskId: task.id, region }, order: { issuedAt: 'DESC', id: 'DESC' } });
    if (form) return form.issuedTo;
    const earlier = await this.submissions
      .createQueryBuilder('s')
      .innerJoin(ReportTask, 't', 't.id = s.task_id')
      .where('t.tenant_key = :tenant AND s.region = :region', { tenant: task.tenantKey, region })
      .orderBy('s.submitted_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .getOne();
    return earlier?.submittedBy;
  }

  filesOf(submissionIds: number[]): Promise<ReportFile[]> {
    if (submissionIds.length === 0) return Promise.resolve([]);
    // Stryker disable next-line StringLiteral: TypeORM's find options read any direction but DESC as ASC, so '' orders the same
    return this.files.find({ where: { submissionId: In(submissionIds) }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** Submissions this person made to tasks due since `since`: where their files may belong. */
  async submittedBy(tenantKey: string, openId: string, since: number): Promise<Array<{ submission: ReportSubmission; task: ReportTask }>> {
    const tasks = await this.tasks.find({ where: { tenantKey, deadlineAt: MoreThanOrEqual(since) } });
    const subs = await this.submissions.find({ where: { taskId: In(tasks.map((t) => t.id)), submittedBy: openId }, order: { submittedAt: 'DESC' } });
    return subs.map((submission) => ({ submission, task: tasks.find((t) => t.id === submission.taskId)! }));
  }

  async addProgressKeys(task: ReportTask, keys: string[]): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.tasks.findOneByOrFail({ id: task.id });
      const merged = JSON.stringify([...new Set([...progressKeysOf(current), ...keys])]);
      const res = await this.tasks.update({ id: task.id, progressKeys: current.progressKeys }, { progressKeys: merged });
      if (res.affected === 1) return;
    }
    throw new Error(`addProgressKeys: task ${task.id} kept changing`);
  }

  private async bump(taskId: number): Promise<void> {
    await this.tasks.createQueryBuilder().update().set({ version: () => 'version + 1' } as any).where('id = :id', { id: taskId }).execute();
  }
}
