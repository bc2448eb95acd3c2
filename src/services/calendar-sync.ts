import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { DataSource, In, IsNull, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { isMentionableOpenId } from '../../cards/mentions';
import { ApplicationEvent } from '../db/entities/application-event.entity';
import { Application } from '../db/entities/application.entity';
import { CalendarCursor, CalendarEntry } from '../db/entities/calendar-entry.entity';
import { Expert } from '../db/entities/expert.entity';
import type { Db } from '../db/unit-of-work';
import { isActivityKind, KIND_NAMES, DEFAULT_KIND } from '../domain/activity-menu';
import type { Logger } from '../logger';
import type { CalendarEventSpec, CalendarPort } from '../platform/calendar-port';
import { PlatformError } from '../platform/port';
import { codeOf, teamOf } from './application-record';
import { claim, releaseExpired } from './leases';
import { PollingLoop } from './polling-loop';
import { decideRetry, DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

/**
 * Approved activities in the centre's Feishu calendar (issue 13 item 5, FEISHU_CALENDAR_ID).
 *
 * What to sync is read from the audit trail (`application_events`): every approval, approved
 * date change, cancellation and withdrawal, wherever it was made (card, command, DingTalk, a
 * job), marks the application's entry in `calendar_entries` as pending; other changes that
 * concern the event (the expert team, issue 11) call `requestCalendarSync` inside their own
 * transaction. A worker then makes the event match the application as it is NOW: created
 * while it is approved (held or summarised), moved when its dates or venue change, deleted once
 * it is cancelled or withdrawn. So the queue is persisted (a restart loses nothing, a crash
 * mid-sync repeats the sync), idempotent (create carries an `idempotency_key` derived from the
 * application and the calendar, so a create whose answer was lost returns the same event;
 * patch and attendee changes converge on the same state) and never blocks a user's click.
 * Failures are retried with backoff like outbound messages; one that cannot succeed is kept
 * as `failed` with the reason and logged.
 */

/** Audit actions after which an activity's calendar entry may have to change. */
export const CALENDAR_ACTIONS: readonly string[] = ['approve', 'approve_change', 'cancel', 'withdraw', 'team'];
/** Statuses in which an activity has an event. */
const IN_CALENDAR = new Set(['已通过', '已举办', '已总结']);
/** Activities have dates only: the event spans the working day, 09:00–18:00 local time. */
export const EVENT_HOURS = { start: 9, end: 18 } as const;
const CURSOR = 'application_events';

export interface CalendarSyncOptions {
  pollIntervalMs: number;
  /** How long a claimed entry stays claimed; a crashed worker's claims expire after this. */
  leaseMs: number;
  /** Audit rows younger than this are read on a later pass (a transaction still committing keeps its lower id). */
  settleMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_CALENDAR_SYNC_OPTIONS: CalendarSyncOptions = { pollIntervalMs: 5000, leaseMs: 60_000, settleMs: 2000, retry: DEFAULT_RETRY_POLICY };

/**
 * Asks for the application's calendar entry to be brought up to date, inside the caller's
 * transaction when `db` is one (e.g. after an expert team changed). Cheap; call it freely.
 */
export async function requestCalendarSync(db: Db, tenantKey: string, applicationId: number, now: number): Promise<void> {
  const repo = db.getRepository(CalendarEntry);
  await repo
    .createQueryBuilder()
    .insert()
    .values({ tenantKey, applicationId, status: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null, lastError: null, requested: 0, synced: 0, calendarId: null, eventId: null, attendees: null, updatedAt: now })
    .orIgnore()
    .execute();
  // A sync under way keeps its claim and sees the newer request when it finishes.
  await repo
    .createQueryBuilder()
    .update()
    .set({
      requested: () => 'requested + 1',
      status: () => "CASE WHEN status = 'syncing' THEN 'syncing' ELSE 'pending' END",
      attempts: () => "CASE WHEN status = 'syncing' THEN attempts ELSE 0 END",
      nextAttemptAt: now,
      updatedAt: now,
    } as any)
    .where('application_id = :applicationId', { applicationId })
    .execute();
}

/** The event of an application as the calendar shows it. */
export function eventSpecOf(app: Application, timezone: string): CalendarEventSpec {
  const code = codeOf(app) ?? '';
  const at = (date: string, hour: number) => DateTime.fromISO(date, { zone: timezone }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toSeconds();
  const kind = isActivityKind(app.kind) ? app.kind : DEFAULT_KIND;
  const description = [
    `活动类别：${KIND_NAMES[kind]}`,
    `申请单位：${app.orgName ?? ''}`,
    `盟市：${app.region ?? ''}`,
    `活动地点：${app.venue ?? ''}`,
    `活动时间：${app.startDate} 至 ${app.endDate}`,
    `活动人数：${app.headcount ?? ''} 人`,
    `联系人：${app.contactName ?? ''} ${app.mobile ?? ''}`.trim(),
    '',
    `由企业创新助手根据已通过的活动申请 ${code} 创建；改期、取消会自动同步。发送「查询 ${code}」查看详情。`,
  ].join('\n');
  return {
    summary: clip(`${code} ${app.region ?? ''} · ${app.orgName ?? ''}`, 120),
    description,
    location: clip(app.venue ?? '', 200),
    startSeconds: Math.round(at(app.startDate!, EVENT_HOURS.start)),
    endSeconds: Math.round(at(app.endDate!, EVENT_HOURS.end)),
    timezone,
  };
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export class CalendarSync {
  private readonly entries: Repository<CalendarEntry>;
  private readonly cursors: Repository<CalendarCursor>;
  private readonly events: Repository<ApplicationEvent>;
  private readonly apps: Repository<Application>;
  private readonly loop: PollingLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly calendar: CalendarPort,
    private readonly calendarId: string,
    private readonly timezone: string,
    private readonly logger: Logger,
    private readonly opts: CalendarSyncOptions = DEFAULT_CALENDAR_SYNC_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = ds.getRepository(CalendarEntry);
    this.cursors = ds.getRepository(CalendarCursor);
    this.events = ds.getRepository(ApplicationEvent);
    this.apps = ds.getRepository(Application);
    this.loop = new PollingLoop(() => this.runOnce(), {
      intervalMs: opts.pollIntervalMs,
      logger,
      failureMessage: 'calendar: sync pass failed; trying again shortly',
    });
  }

  /**
   * The attendees besides the filer: the experts of the activity's team (issue 11) who have a
   * Feishu account. A team change is a 'team' row in the audit trail, so the event follows it.
   */
  private async extraAttendees(app: Application): Promise<string[]> {
    const ids = teamOf(app)?.experts.map((e) => e.id) ?? [];
    // No team: In([]) is 0=1 in TypeORM, no expert.
    const experts = await this.ds.getRepository(Expert).findBy({ id: In(ids), deletedAt: IsNull() });
    return experts.map((e) => e.openId).filter((id): id is string => Boolean(id));
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: read the audit trail, then sync every entry that is due. Exposed for tests and jobs. */
  async runOnce(): Promise<void> {
    await this.scanAuditTrail();
    const now = this.now();
    const released = await releaseExpired(this.entries, { from: 'syncing', to: 'pending' }, now);
    if (released) this.logger.warn({ count: released }, 'calendar: took back expired claims');
    const due = await this.entries.find({ where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) }, order: { id: 'ASC' }, take: 50 });
    for (const entry of due) {
      if (!(await claim(this.entries, entry.id, { from: 'pending', to: 'syncing' }, now + this.opts.leaseMs, now))) continue;
      const claimed = await this.entries.findOneByOrFail({ id: entry.id });
      await this.syncEntry(claimed);
    }
  }

  /** Marks the entries of applications whose calendar-relevant changes are new in the audit trail. */
  private async scanAuditTrail(): Promise<void> {
    const cursor = await this.cursors.findOneBy({ name: CURSOR });
    const position = cursor?.position ?? 0;
    // Stryker disable next-line ConditionalExpression: a shortcut only: the insert ignores an existing row
    if (!cursor) await this.cursors.createQueryBuilder().insert().values({ name: CURSOR, position: 0 }).orIgnore().execute();
    const read = await this.events.find({
      // Stryker disable next-line ObjectLiteral: reading every column reads these four too; nothing else is used
      select: { id: true, applicationId: true, action: true, at: true },
      where: { id: MoreThan(position) },
      // On PostgreSQL a range scan need not come back in id order; on SQLite it does, so the
      // group's tests (SQLite) cannot tell this ORDER BY's mutants apart: they survive, knowingly.
      order: { id: 'ASC' },
      take: 500,
    });
    // Stop before the first row written in the last moments: a transaction that took a lower id
    // may still be committing (PostgreSQL). Rows dated later than now come from a job run with
    // its own `--now` and are as settled as any.
    const now = this.now();
    const young = read.findIndex((r) => r.at > now - this.opts.settleMs && r.at <= now);
    const rows = young < 0 ? read : read.slice(0, young);
    if (rows.length === 0) return;
    const ids = [...new Set(rows.filter((r) => CALENDAR_ACTIONS.includes(r.action)).map((r) => r.applicationId))];
    for (const id of ids) {
      const app = await this.apps.findOne({
        // Stryker disable next-line ObjectLiteral: reading every column reads these two too; nothing else is used
        select: { id: true, tenantKey: true },
        where: { id },
      });
      if (app) await requestCalendarSync(this.ds, app.tenantKey, app.id, this.now());
    }
    // Only forward, and only from where this pass started reading (another instance may be ahead).
    await this.cursors.update({ name: CURSOR, position }, { position: rows[rows.length - 1].id });
  }

  private async syncEntry(entry: CalendarEntry): Promise<void> {
    const taken = entry.requested;
    const log = this.logger.child({ applicationId: entry.applicationId, attempt: entry.attempts });
    try {
      const app = await this.apps.findOneBy({ id: entry.applicationId });
      const wanted = app !== null && IN_CALENDAR.has(app.status) && app.startDate !== null && app.endDate !== null;
      if (wanted) await this.put(entry, app!);
      else if (entry.eventId) await this.remove(entry);
      await this.entries
        .createQueryBuilder()
        .update()
        .set({
          status: () => `CASE WHEN requested = ${Number(taken)} THEN 'done' ELSE 'pending' END`,
          synced: taken,
          attempts: 0,
          leaseUntil: null,
          lastError: null,
          updatedAt: this.now(),
        } as any)
        .where('id = :id', { id: entry.id })
        .execute();
      log.info({ eventId: entry.eventId, wanted }, 'calendar: entry synced');
    } catch (err) {
      const error = err instanceof PlatformError ? err : new PlatformError(String(err instanceof Error ? err.message : err), { retryable: true });
      const decision = decideRetry(error, entry.attempts, this.opts.retry);
      if (decision.retry) {
        await this.entries.update({ id: entry.id }, { status: 'pending', leaseUntil: null, nextAttemptAt: this.now() + decision.delayMs, lastError: error.message, updatedAt: this.now() });
        log.warn({ error: error.message, retryInMs: decision.delayMs }, 'calendar: sync failed, will retry');
      } else {
        await this.entries.update({ id: entry.id }, { status: 'failed', leaseUntil: null, lastError: error.message, updatedAt: this.now() });
        log.error({ error: error.message, reason: decision.reason }, 'calendar: sync failed for good');
      }
    }
  }

  /** Creates or updates the event and its attendees. Each step is saved as soon as it is done. */
  private async put(entry: CalendarEntry, app: Application): Promise<void> {
    const spec = eventSpecOf(app, this.timezone);
    if (!entry.eventId) {
      // An activity over before its entry was ever made (e.g. approved before the calendar was configured) gets none.
      const today = DateTime.fromMillis(this.now(), { zone: this.timezone }).toISODate()!;
      if (app.endDate! < today) return;
      const calendarId = this.calendarId;
      const eventId = await this.calendar.createEvent(calendarId, spec, createKey(app, calendarId));
      await this.entries.update({ id: entry.id }, { eventId, calendarId, attendees: '[]' });
      Object.assign(entry, { eventId, calendarId, attendees: '[]' });
    } else {
      await this.calendar.updateEvent(entry.calendarId!, entry.eventId, spec);
    }
    const want = [...new Set([app.filerOpenId, ...(await this.extraAttendees(app))].filter(isMentionableOpenId))];
    const have: string[] = JSON.parse(entry.attendees ?? '[]');
    const add = want.filter((id) => !have.includes(id));
    const drop = have.filter((id) => !want.includes(id));
    if (add.length) await this.calendar.addAttendees(entry.calendarId!, entry.eventId!, add);
    if (drop.length) await this.calendar.removeAttendees(entry.calendarId!, entry.eventId!, drop);
    await this.entries.update({ id: entry.id }, { attendees: JSON.stringify(want) });
  }

  private async remove(entry: CalendarEntry): Promise<void> {
    await this.calendar.deleteEvent(entry.calendarId!, entry.eventId!);
    await this.entries.update({ id: entry.id }, { eventId: null, attendees: null });
  }
}

/** The create's idempotency_key: one event per application and calendar, whatever happens. */
function createKey(app: Application, calendarId: string): string {
  return createHash('sha256').update(`${app.tenantKey}\n${app.id}\n${calendarId}`).digest('hex').slice(0, 32);
}
