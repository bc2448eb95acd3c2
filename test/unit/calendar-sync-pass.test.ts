import { Writable } from 'node:stream';
import { Settings } from 'luxon';
import type { DataSource } from 'typeorm';
import { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import { Application } from '../../src/db/entities/application.entity';
import { CalendarCursor, CalendarEntry } from '../../src/db/entities/calendar-entry.entity';
import { createLogger } from '../../src/logger';
import type { CalendarEventSpec, CalendarPort } from '../../src/platform/calendar-port';
import { PlatformError } from '../../src/platform/port';
import { CalendarSync, type CalendarSyncOptions, requestCalendarSync } from '../../src/services/calendar-sync';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

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

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('innovation-bot-calendar-pass-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
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

describe('CalendarSync: failures', () => {
  it('retries a failing sync after a growing delay and not before, then keeps it as failed with the error; other entries are left be', async () => {
    const { clock, port, logs, sync } = setup();
    const app = await addApp();
    await requestCalendarSync(ds, 't1', app.id, T0 - 1000);
    // The entry of an application that no longer exists: synced (to nothing) in the same passes.
    await requestCalendarSync(ds, 't1', 9999, T0 - 1000);
    port.failWith = new PlatformError('calendar api down', { retryable: true });

    await sync.runOnce();
    let entry = await entryOf(app.id);
    expect(entry).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null, lastError: 'calendar api down' });
    // About baseDelayMs (±20 %) later.
    expect(entry.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 800);
    expect(entry.nextAttemptAt).toBeLessThanOrEqual(T0 + 1200);
    expect(await entryOf(9999)).toMatchObject({ status: 'done', lastError: null });
    // Not before its time.
    await sync.runOnce();
    expect(port.calls).toHaveLength(1);

    clock.now = entry.nextAttemptAt;
    await sync.runOnce();
    entry = await entryOf(app.id);
    expect(entry).toMatchObject({ status: 'pending', attempts: 2, lastError: 'calendar api down' });
    expect(entry.nextAttemptAt).toBeGreaterThanOrEqual(clock.now + 1600);

    clock.now = entry.nextAttemptAt;
    await sync.runOnce();
    expect(await entryOf(app.id)).toMatchObject({ status: 'failed', attempts: 3, leaseUntil: null, lastError: 'calendar api down', eventId: null });
    expect(await entryOf(9999)).toMatchObject({ status: 'done', lastError: null });
    expect(port.calls).toEqual(Array(3).fill(`create ${code(app)}`));
    expect(logs.filter((l) => l.msg === 'calendar: sync failed for good')).toEqual([
      expect.objectContaining({ level: 50, applicationId: app.id, attempt: 3, error: 'calendar api down', reason: 'gave up after 3 attempts' }),
    ]);

    // Given up: not tried again.
    clock.now += 3_600_000;
    await sync.runOnce();
    expect(port.calls).toHaveLength(3);
  });

  it('retries an error that is no PlatformError; gives up a permanent one at once', async () => {
    const { port, sync } = setup();
    const app = await addApp();
    await requestCalendarSync(ds, 't1', app.id, T0 - 1000);
    port.failWith = new Error('socket hang up');

    await sync.runOnce();
    const entry = await entryOf(app.id);
    expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastError: 'socket hang up' });
    expect(entry.nextAttemptAt).toBeGreaterThan(T0);

    port.failWith = new PlatformError('no permission on the calendar', { retryable: false, code: 193003 });
    // Asked for again: due now, its attempts counted afresh.
    await requestCalendarSync(ds, 't1', app.id, T0);
    await sync.runOnce();
    expect(await entryOf(app.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no permission on the calendar' });
    expect(port.calls).toHaveLength(2);
  });
});

describe('CalendarSync: what it asks of the calendar', () => {
  it("makes no event for an activity already over (in the calendar's zone) when its entry is first made; one ending today gets one", async () => {
    const was = Settings.defaultZone;
    // The machine's zone must not matter.
    Settings.defaultZone = 'UTC';
    try {
      const { clock, port, sync } = setup();
      // 2027-06-10 17:00 UTC: already 11 June in Shanghai.
      clock.now = Date.UTC(2027, 5, 10, 17, 0, 0);
      const over = await addApp({ startDate: '2027-06-09', endDate: '2027-06-10' });
      const endsToday = await addApp({ startDate: '2027-06-10', endDate: '2027-06-11' });
      for (const app of [over, endsToday]) await requestCalendarSync(ds, 't1', app.id, clock.now);

      await sync.runOnce();
      expect(port.calls).toEqual([`create ${code(endsToday)}`, `add ev1 ${endsToday.filerOpenId}`]);
      expect(await entryOf(over.id)).toMatchObject({ status: 'done', eventId: null });
      expect(await entryOf(endsToday.id)).toMatchObject({ status: 'done', eventId: 'ev1' });
    } finally {
      Settings.defaultZone = was;
    }
  });

  it('makes no event for an approved application without dates', async () => {
    const { port, sync } = setup();
    const noStart = await addApp({ startDate: null });
    const noEnd = await addApp({ endDate: null });
    for (const app of [noStart, noEnd]) await requestCalendarSync(ds, 't1', app.id, T0 - 1000);

    await sync.runOnce();
    expect(port.calls).toEqual([]);
    expect(await entries()).toEqual([
      expect.objectContaining({ applicationId: noStart.id, status: 'done', eventId: null, lastError: null }),
      expect.objectContaining({ applicationId: noEnd.id, status: 'done', eventId: null, lastError: null }),
    ]);
  });

  it('gives each application its own event (its own create key)', async () => {
    const { port, sync } = setup();
    const a = await addApp();
    const b = await addApp();
    for (const app of [a, b]) await requestCalendarSync(ds, 't1', app.id, T0 - 1000);

    await sync.runOnce();
    expect(port.calls.filter((c) => c.startsWith('create'))).toEqual([`create ${code(a)}`, `create ${code(b)}`]);
    expect((await entries()).map((e) => e.eventId)).toEqual(['ev1', 'ev2']);
  });

  it('invites only Feishu open_ids, and a later sync invites no one twice', async () => {
    const { port, sync } = setup();
    const feishu = await addApp();
    // Filed in DingTalk: the filer has no Feishu open_id.
    const dingtalk = await addApp({ filerOpenId: 'manager4521', originPlatform: 'dingtalk' });
    for (const app of [feishu, dingtalk]) await requestCalendarSync(ds, 't1', app.id, T0 - 1000);

    await sync.runOnce();
    expect(port.calls).toEqual([`create ${code(feishu)}`, `add ev1 ${feishu.filerOpenId}`, `create ${code(dingtalk)}`]);
    expect(await entryOf(feishu.id)).toMatchObject({ status: 'done', eventId: 'ev1', attendees: JSON.stringify([feishu.filerOpenId]) });
    expect(await entryOf(dingtalk.id)).toMatchObject({ status: 'done', eventId: 'ev2', attendees: '[]' });

    // Asked again (say the venue changed): both events are updated, nobody is invited again.
    for (const app of [feishu, dingtalk]) await requestCalendarSync(ds, 't1', app.id, T0);
    await sync.runOnce();
    expect(port.calls.slice(3)).toEqual([`update ev1 ${code(feishu)}`, `update ev2 ${code(dingtalk)}`]);
    expect((await entries()).map((e) => [e.status, e.lastError])).toEqual([
      ['done', null],
      ['done', null],
    ]);
  });

  it('invites everyone it should to an event whose attendee list was never recorded', async () => {
    const { port, sync } = setup();
    const app = await addApp();
    await requestCalendarSync(ds, 't1', app.id, T0 - 1000);
    await ds.getRepository(CalendarEntry).update({ applicationId: app.id }, { calendarId: CALENDAR, eventId: 'ev-old', attendees: null });

    await sync.runOnce();
    expect(port.calls).toEqual([`update ev-old ${code(app)}`, `add ev-old ${app.filerOpenId}`]);
    expect(await entryOf(app.id)).toMatchObject({ status: 'done', attendees: JSON.stringify([app.filerOpenId]) });
  });
});

describe('CalendarSync: start and stop', () => {
  it('stop waits for the pass under way to finish', async () => {
    const { port, sync } = setup();
    const app = await addApp();
    await requestCalendarSync(ds, 't1', app.id, T0 - 1000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => {
      port.duringFirstCreate = async () => {
        resolve();
        await gate;
      };
    });

    sync.start();
    await entered;
    const order: string[] = [];
    const stopped = sync.stop().then(() => order.push('stopped'));
    await new Promise((resolve) => setImmediate(resolve));
    order.push('released');
    release();
    await stopped;
    expect(order).toEqual(['released', 'stopped']);
    expect(await entryOf(app.id)).toMatchObject({ status: 'done', eventId: 'ev1' });
  });
});
