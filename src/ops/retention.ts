import { DateTime } from 'luxon';
import { DataSource, In, ObjectLiteral, Repository } from 'typeorm';
import { ActivitySummary } from '../db/entities/activity-summary.entity';
import { ApplicationEvent } from '../db/entities/application-event.entity';
import { Application } from '../db/entities/application.entity';
import { NeedEvent } from '../db/entities/need-event.entity';
import { Need } from '../db/entities/need.entity';
import { FormDraft } from '../db/entities/form-draft.entity';
import { DingTalkFormCard } from '../db/entities/dingtalk-form-card.entity';
import { ReportSubmission } from '../db/entities/report-submission.entity';
import { ReportTask } from '../db/entities/report-task.entity';

/**
 * Personal data kept no longer than needed (PIPL): once a campaign year ended more than
 * DATA_RETENTION_YEARS years ago, the contact names, mobiles and e-mails of its applications,
 * needs and report submissions are masked, and mobiles and e-mail addresses written into their
 * free text are cut out. Everything else stays: codes, organisations, regions, dates, statuses,
 * head counts and other figures, summaries, the audit trail. Running it again changes nothing.
 */

/** What a masked contact field holds. */
export const MASKED = '（已删除）';
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** Free text with mobiles and e-mail addresses cut out. */
export function redactText<T extends string | null>(text: T): T {
  if (text === null) return text;
  return text.replace(EMAIL, '［邮箱已删除］').replace(MOBILE, '［手机号已删除］') as T;
}

export interface RetentionResult {
  /** Campaign years up to and including this one are masked. */
  throughYear: number;
  applications: number;
  needs: number;
  submissions: number;
}

/** The last campaign year whose personal data is due to go: ended more than `years` years before `now`. */
export function lastExpiredYear(now: Date, timezone: string, years: number): number {
  return DateTime.fromJSDate(now, { zone: timezone }).year - years - 1;
}

export async function applyRetention(ds: DataSource, opts: { now: Date; timezone: string; years: number }): Promise<RetentionResult> {
  const throughYear = lastExpiredYear(opts.now, opts.timezone, opts.years);
  // Drafts have no code yet: their year is the one they were started in.
  const endOfYear = DateTime.fromObject({ year: throughYear + 1, month: 1, day: 1 }, { zone: opts.timezone }).toMillis();
  // No transaction: SQLite's one shared connection would pull the bot's other statements into it;
  // each row is masked on its own, and a run cut short is completed by the next.
  const m = ds.manager;
  {
    const apps = await m
      .getRepository(Application)
      .createQueryBuilder('a')
      .where('a.code_year <= :year OR (a.code_year IS NULL AND a.created_at < :end)', { year: throughYear, end: endOfYear })
      .getMany();
    let applications = 0;
    for (const a of apps) {
      const changes = changed(a, {
        contactName: a.contactName === null ? null : MASKED,
        mobile: a.mobile === null ? null : MASKED,
        email: a.email === null ? null : MASKED,
        draftForm: null,
        remarks: redactText(a.remarks),
        needs: redactText(a.needs),
        audience: redactText(a.audience),
        teamNote: redactText(a.teamNote),
      });
      if (changes) {
        await m.getRepository(Application).update({ id: a.id }, changes);
        applications += 1;
      }
    }
    const appIds = apps.map((a) => a.id);
    await redactColumn(m.getRepository(ApplicationEvent), 'applicationId', appIds, 'reason');
    await redactColumn(m.getRepository(ActivitySummary), 'applicationId', appIds, 'outcomes');
    await redactColumn(m.getRepository(ActivitySummary), 'applicationId', appIds, 'followupNeeds');

    const needRows = await m.getRepository(Need).createQueryBuilder('n').where('n.code_year <= :year', { year: throughYear }).getMany();
    let needs = 0;
    for (const n of needRows) {
      const changes = changed(n, { contactName: MASKED, mobile: MASKED, description: redactText(n.description), matchNote: redactText(n.matchNote) });
      if (changes) {
        await m.getRepository(Need).update({ id: n.id }, changes);
        needs += 1;
      }
    }
    await redactColumn(m.getRepository(NeedEvent), 'needId', needRows.map((n) => n.id), 'note');

    const tasks = await m.getRepository(ReportTask).createQueryBuilder('t').select('t.id').where('t.code_year <= :year', { year: throughYear }).getMany();
    const submissions = await redactColumn(m.getRepository(ReportSubmission), 'taskId', tasks.map((t) => t.id), 'text');
    // Forms left half-filled in a conversation (the DingTalk wizard) since an expired year: gone.
    await m.getRepository(FormDraft).createQueryBuilder().delete().where('updated_at < :end', { end: endOfYear }).execute();
    // DingTalk form cards keep the values they were sent or answered with (a mobile): gone too.
    await m.getRepository(DingTalkFormCard).createQueryBuilder().delete().where('updated_at < :end', { end: endOfYear }).execute();
    return { throughYear, applications, needs, submissions };
  }
}

/** The fields of `next` that differ from `row`; undefined when none do. */
function changed<T extends object>(row: T, next: Partial<T>): Partial<T> | undefined {
  const diff = Object.fromEntries(Object.entries(next).filter(([k, v]) => (row as Record<string, unknown>)[k] !== v)) as Partial<T>;
  return Object.keys(diff).length ? diff : undefined;
}

/** Cuts mobiles and e-mails out of one text column of the rows whose `by` is in `ids`; how many changed. */
async function redactColumn<E extends ObjectLiteral & { id: number }>(repo: Repository<E>, by: keyof E & string, ids: number[], column: keyof E & string): Promise<number> {
  let count = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await repo.find({ where: { [by]: In(ids.slice(i, i + 500)) } as never });
    for (const row of rows) {
      const text = row[column] as string | null;
      const next = redactText(text);
      if (next !== text) {
        await repo.update({ id: row.id } as never, { [column]: next } as never);
        count += 1;
      }
    }
  }
  return count;
}
