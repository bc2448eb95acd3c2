import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Settings } from 'luxon';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';
import { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import { Application } from '../../src/db/entities/application.entity';
import { CalendarCursor, CalendarEntry } from '../../src/db/entities/calendar-entry.entity';
import { createLogger } from '../../src/logger';
import type { CalendarEventSpec, CalendarPort } from '../../src/platform/calendar-port';
import { PlatformError } from '../../src/platform/port';
import { CalendarSync, type CalendarSyncOptions, requestCalendarSync } from '../../src/services/calendar-sync';

/**
 * One pass of the calendar sync (issue 13 item 5) on the real SQLite schema, with a recording
 * CalendarPort and the sync's own (injected) clock: which audit rows it reads and when, how it
 * claims entries (leases, at most a batch a pass), how it retries and gives up, and what it asks
 * of the calendar. The HTTP surface is covered by test/integration/calendar.test.ts.
 */

const CALENDAR = 'feishu.cn_centre@group.calendar.feishu.cn';
const ZONE = 'Asia/Shanghai';
/** 2027-06-01 10:00 in Shanghai. */
const T0 = Date.UTC(2027, 5, 1, 2, 0, 0);
const OPTIONS: CalendarSyncOptions = { pollIntervalMs: 60_000, leaseMs: 60_000, settleMs: 2000, retry: { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 3 } };

let dir: string;
let ds: DataSource;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'innovation-bot-calendar-pass-'));
  ds = await openDatabase(`sqlite:${join(dir, 'bot.sqlite')}`);
});
afterEach(async () => {
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The calendar as the sync sees it: one event per idempotency key, every call recorded. */
class RecordingCalendar implements CalendarPort {
  readonly calls: string[] = [];
  private readonly byKey = new Map<string, string>();
  /** Throws (before anything is done) while set. */
  failWith: Error | undefined;
  /** Runs once, inside the first createEvent. */
  duringFirstCreate: (() => Promise<void>) | undefined;

  async createEvent(_calendarId: string, event: CalendarEventSpec, key: string): Promise<string> {
    this.calls.push(`create ${event.summary.split(' ')[0]}`);
    if (this.failWith) throw this.failWith;
    const during = this.duringFirstCreate;
    this.duringFirstCreate = undefined;
    if (during) await during();
    if (!this.byKey.has(key)) this.byKey.set(key, `ev${this.byKey.size + 1}`);
    return this.byKey.get(key)!;
  }
  async updateEvent(_calendarId: string, eventId: string, event: CalendarEventSpec): Promise<void> {
    this.calls.push(`update ${eventId} ${event.summary.split(' ')[0]}`);
    if (this.failWith) throw this.failWith;
  }
  async deleteEvent(_calendarId: string, eventId: string): Promise<void> {
    this.calls.push(`delete ${eventId}`);
  }
  async addAttendees(_calendarId: string, eventId: string, openIds: string[]): Promise<void> {
    this.calls.push(`add ${eventId} ${openIds.join(',')}`);
  }
  async removeAttendees(_calendarId: string, eventId: string, openIds: string[]): Promise<void> {
    this.calls.push(`remove ${eventId} ${openIds.join(',')}`);
  }
}

function setup(options: CalendarSyncOptions = OPTIONS, port = new RecordingCalendar()) {
  const clock = { now: T0 };
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const sync = new CalendarSync(ds, port, CALENDAR, ZONE, createLogger('info', sink), options, () => clock.now);
  return { clock, port, logs, sync };
}

let seq = 0;
async function addApp(fields: Partial<Application> = {}): Promise<Application> {
  seq += 1;
  return ds.getRepository(Application).save({
    tenantKey: 't1',
    filerOpenId: `ou_filer${seq}`,
    status: '已通过',
    version: 2,
    codeYear: 2027,
    codeSeq: seq,
    orgName: '包头钢铁',
    region: '包头市',
    venue: '包头市会展中心',
    startDate: '2027-06-10',
    endDate: '2027-06-11',
    headcount: 30,
    createdAt: T0 - 86_400_000,
    updatedAt: T0 - 86_400_000,
    ...fields,
  } as Application);
}
const code = (app: Application) => `SQ2027-${String(app.codeSeq).padStart(4, '0')}`;

async function addEvent(applicationId: number, action: string, at: number): Promise<number> {
  const row = await ds.getRepository(ApplicationEvent).save({ applicationId, action, fromStatus: '待审核', toStatus: '已通过', actorOpenId: 'ou_admin', reason: null, at } as ApplicationEvent);
  return row.id;
}

const entryOf = (applicationId: number) => ds.getRepository(CalendarEntry).findOneByOrFail({ applicationId });
const entries = () => ds.getRepository(CalendarEntry).find({ order: { applicationId: 'ASC' } });
const cursor = async () => (await ds.getRepository(CalendarCursor).findOneBy({ name: 'application_events' }))?.position;

describe('CalendarSync: reading the audit trail', () => {
  it('brings the application a calendar row names into the calendar, once, and ignores other rows', async () => {
    const { port, sync } = setup();
    const waiting = await addApp({ status: '待审核' });
    const approved = await addApp();
    await addEvent(waiting.id, 'submit', T0 - 10_000);
    const last = await addEvent(approved.id, 'approve', T0 - 5000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(approved)}`, `add ev1 ${approved.filerOpenId}`]);
    // A submission does not concern the calendar: no entry for it.
    expect(await entries()).toEqual([expect.objectContaining({ applicationId: approved.id, status: 'done', eventId: 'ev1', attendees: JSON.stringify([approved.filerOpenId]) })]);
    expect(await cursor()).toBe(last);

    // Read rows are not read again.
    await sync.runOnce();
    expect(port.calls).toHaveLength(2);
  });

  it('holds back a row written in the last settleMs (and all after it) until it has settled', async () => {
    const { clock, port, sync } = setup();
    const settled = await addApp();
    const young = await addApp();
    const first = await addEvent(settled.id, 'approve', T0 - 5000);
    const second = await addEvent(young.id, 'approve', T0 - 1000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(settled)}`, `add ev1 ${settled.filerOpenId}`]);
    expect(await cursor()).toBe(first);

    clock.now += 999;
    await sync.runOnce();
    expect(port.calls).toHaveLength(2);

    // Exactly settleMs old: settled.
    clock.now += 1;
    await sync.runOnce();
    expect(port.calls.slice(2)).toEqual([`create ${code(young)}`, `add ev2 ${young.filerOpenId}`]);
    expect(await cursor()).toBe(second);
  });

  it('reads nothing while the first unread row is young, even one written this very moment', async () => {
    const { port, sync } = setup();
    const app = await addApp();
    await addEvent(app.id, 'approve', T0);

    await sync.runOnce();
    expect(port.calls).toEqual([]);
    expect(await entries()).toEqual([]);
    expect(await cursor()).toBe(0);
  });

  it('reads at once a row dated after now (a job run with its own --now)', async () => {
    const { port, sync } = setup();
    const app = await addApp();
    const id = await addEvent(app.id, 'approve', T0 + 3_600_000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(app)}`, `add ev1 ${app.filerOpenId}`]);
    expect(await cursor()).toBe(id);
  });

  it("keeps its own position in calendar_cursor, whatever other rows the table holds", async () => {
    await ds.getRepository(CalendarCursor).insert({ name: 'another_reader', position: 1000 });
    const { port, sync } = setup();
    const app = await addApp();
    const id = await addEvent(app.id, 'approve', T0 - 5000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(app)}`, `add ev1 ${app.filerOpenId}`]);
    expect(await cursor()).toBe(id);
    expect(await ds.getRepository(CalendarCursor).findOneBy({ name: 'another_reader' })).toEqual({ name: 'another_reader', position: 1000 });
  });
});

describe('CalendarSync: claiming entries', () => {
  it('leaves an entry another worker is syncing alone while its lease runs, and skips one synced meanwhile', async () => {
    const { port, sync } = setup();
    // Another worker (another process) on the same database and calendar.
    const other = setup(OPTIONS, port).sync;
    const first = await addApp();
    const second = await addApp();
    await addEvent(first.id, 'approve', T0 - 5000);
    await addEvent(second.id, 'approve', T0 - 5000);
    // While this pass creates the first event, another worker runs a whole pass.
    port.duringFirstCreate = async () => {
      await other.runOnce();
      expect(await entryOf(first.id)).toMatchObject({ status: 'syncing', attempts: 1, leaseUntil: T0 + OPTIONS.leaseMs });
    };

    await sync.runOnce();
    // The other worker synced only the second entry; this pass did not sync it again.
    expect(port.calls).toEqual([`create ${code(first)}`, `create ${code(second)}`, `add ev1 ${second.filerOpenId}`, `add ev2 ${first.filerOpenId}`]);
    expect(await entries()).toEqual([
      expect.objectContaining({ applicationId: first.id, status: 'done', eventId: 'ev2', leaseUntil: null }),
      expect.objectContaining({ applicationId: second.id, status: 'done', eventId: 'ev1', leaseUntil: null }),
    ]);
  });

  it('takes back a claim whose lease has run out (its worker died) and says so; a live claim is kept', async () => {
    const { port, logs, sync } = setup();
    const dead = await addApp();
    const live = await addApp();
    await requestCalendarSync(ds, 't1', dead.id, T0 - 120_000);
    await requestCalendarSync(ds, 't1', live.id, T0 - 120_000);
    await ds.getRepository(CalendarEntry).update({ applicationId: dead.id }, { status: 'syncing', attempts: 1, leaseUntil: T0 - 1 });
    await ds.getRepository(CalendarEntry).update({ applicationId: live.id }, { status: 'syncing', attempts: 1, leaseUntil: T0 + 1000 });

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(dead)}`, `add ev1 ${dead.filerOpenId}`]);
    expect(await entryOf(dead.id)).toMatchObject({ status: 'done', eventId: 'ev1' });
    expect(await entryOf(live.id)).toMatchObject({ status: 'syncing', leaseUntil: T0 + 1000 });
    expect(logs.filter((l) => l.msg === 'calendar: took back expired claims')).toEqual([expect.objectContaining({ level: 40, count: 1 })]);

    // Nothing to take back: nothing said.
    await sync.runOnce();
    expect(logs.filter((l) => l.msg === 'calendar: took back expired claims')).toHaveLength(1);
  });

  it('syncs at most 50 due entries a pass, oldest entry first', async () => {
    const { sync } = setup();
    // Entries of applications that do not exist: a sync finds nothing to put in the calendar.
    for (let id = 1; id <= 51; id++) await requestCalendarSync(ds, 't1', 1000 + id, T0 - 1000);
    // The oldest entry was asked for again most recently: it keeps its place.
    await requestCalendarSync(ds, 't1', 1001, T0);

    await sync.runOnce();
    const status = (await entries()).map((e) => e.status);
    expect(status.slice(0, 50)).toEqual(Array(50).fill('done'));
    expect(status[50]).toBe('pending');
  });

  it('finds the due entry among many that are done or failed', async () => {
    const { port, sync } = setup();
    for (let id = 1; id <= 50; id++) await requestCalendarSync(ds, 't1', 1000 + id, T0 - 1000);
    await ds.query("UPDATE calendar_entries SET status = 'done'");
    await ds.getRepository(CalendarEntry).update({ applicationId: 1001 }, { status: 'failed', lastError: 'gone' });
    const app = await addApp();
    await requestCalendarSync(ds, 't1', app.id, T0 - 1000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(app)}`, `add ev1 ${app.filerOpenId}`]);
    expect(await entryOf(app.id)).toMatchObject({ status: 'done', eventId: 'ev1' });
    expect(await entryOf(1001)).toMatchObject({ status: 'failed', lastError: 'gone' });
  });
});
