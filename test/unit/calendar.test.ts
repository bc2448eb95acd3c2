import { Settings } from 'luxon';
import { calendarYearOf, formatFeishuDate, formatInstant, isoOf, localDate, parseFeishuDate, requireDate, toDate } from '../../src/domain/calendar';

/** Calendar dates in a time zone: what "today", the forms' dates and the cards' instants rest on. */

describe('toDate / requireDate', () => {
  it('reads exactly YYYY-MM-DD, as a whole day in UTC', () => {
    expect(isoOf(toDate('2027-06-10')!)).toBe('2027-06-10');
    expect(toDate('2027-06-10')!.zoneName).toBe('UTC');
    for (const bad of ['2027-6-10', '2027-06-10T00:00', ' 2027-06-10', '2027-06-10x', 'x2027-06-10', '2027-02-30', '']) expect(toDate(bad)).toBeUndefined();
    // ISO 8601 allows more (an expanded year, a time); a form's date is exactly YYYY-MM-DD.
    for (const bad of ['+002027-06-10', '2027-06-10T05:00']) expect(toDate(bad)).toBeUndefined();
  });

  it("does not use the machine's (luxon's default) zone", () => {
    const was = Settings.defaultZone;
    try {
      // In Apia 2011-12-30 never happened (Samoa skipped it): a local reading would move it.
      Settings.defaultZone = 'Pacific/Apia';
      expect(isoOf(toDate('2011-12-30')!)).toBe('2011-12-30');
      expect(toDate('2027-06-10')!.zoneName).toBe('UTC');
    } finally {
      Settings.defaultZone = was;
    }
  });

  it('names the field and the value when it is not a date', () => {
    expect(() => requireDate('start', '2027-13-01')).toThrow("start: expected 'YYYY-MM-DD', got '2027-13-01'");
    expect(isoOf(requireDate('start', '2027-06-10'))).toBe('2027-06-10');
  });
});

describe('parseFeishuDate', () => {
  it('keeps the picked day and drops the offset', () => {
    expect(parseFeishuDate('2027-06-10 +0800')).toBe('2027-06-10');
    expect(parseFeishuDate('2027-06-10 -07:00')).toBe('2027-06-10');
    expect(parseFeishuDate('  2027-06-10  ')).toBe('2027-06-10');
    expect(parseFeishuDate('2027-06-10')).toBe('2027-06-10');
    expect(parseFeishuDate('2027-06-10  +0800')).toBe('2027-06-10');
  });

  it('refuses anything else', () => {
    for (const bad of ['2027-06-10 0800', '2027-06-10 +08', 'x2027-06-10 +0800', '2027-06-10 +0800x', '2027-02-30 +0800', '']) expect(parseFeishuDate(bad)).toBeUndefined();
  });
});

describe('formatFeishuDate', () => {
  it('writes a fixed offset as given, without a colon', () => {
    expect(formatFeishuDate('2027-06-10', '+0800')).toBe('2027-06-10 +0800');
    expect(formatFeishuDate('2027-06-10', '-07:00')).toBe('2027-06-10 -0700');
  });

  it("uses a zone's offset on that date (summer time included)", () => {
    expect(formatFeishuDate('2027-06-10', 'Asia/Shanghai')).toBe('2027-06-10 +0800');
    expect(formatFeishuDate('2027-01-10', 'America/Los_Angeles')).toBe('2027-01-10 -0800');
    expect(formatFeishuDate('2027-06-10', 'America/Los_Angeles')).toBe('2027-06-10 -0700');
  });

  it('refuses a bad date or zone', () => {
    expect(() => formatFeishuDate('2027-6-10', '+0800')).toThrow("formatFeishuDate: expected 'YYYY-MM-DD', got '2027-6-10'");
    expect(() => formatFeishuDate('2027-06-10', 'Mars/Olympus')).toThrow("formatFeishuDate: unknown offset or time zone 'Mars/Olympus'");
    // An offset is exactly ±HH[:]MM.
    for (const bad of ['x+0800', '+08001']) expect(() => formatFeishuDate('2027-06-10', bad)).toThrow(`formatFeishuDate: unknown offset or time zone '${bad}'`);
  });
});

describe('localDate / formatInstant', () => {
  // 2027-05-31 16:30 UTC: already 1 June in Shanghai, still 31 May in Los Angeles.
  const instant = new Date('2027-05-31T16:30:00Z');

  it("gives the instant's date in the zone, not the machine's", () => {
    expect(localDate(instant, 'Asia/Shanghai')).toBe('2027-06-01');
    expect(localDate(instant, 'America/Los_Angeles')).toBe('2027-05-31');
    expect(localDate(instant, 'UTC')).toBe('2027-05-31');
    expect(() => localDate(instant, 'Mars/Olympus')).toThrow("localDate: unknown time zone 'Mars/Olympus'");
  });

  it('shows an instant as read in the zone', () => {
    expect(formatInstant(instant.getTime(), 'Asia/Shanghai')).toBe('2027-06-01 00:30');
    expect(formatInstant(instant.getTime(), 'America/Los_Angeles')).toBe('2027-05-31 09:30');
  });
});

describe('calendarYearOf', () => {
  // 2027-12-31 16:30 UTC: already 2028 in Shanghai, still 2027 in Los Angeles.
  const newYearsEve = new Date('2027-12-31T16:30:00Z');

  it('is CAMPAIGN_YEAR when set', () => {
    expect(calendarYearOf({ campaignYear: 2031, timezone: 'Asia/Shanghai' }, newYearsEve)).toBe(2031);
  });

  it("is otherwise the calendar year of the instant in the zone", () => {
    expect(calendarYearOf({ timezone: 'Asia/Shanghai' }, newYearsEve)).toBe(2028);
    expect(calendarYearOf({ timezone: 'America/Los_Angeles' }, newYearsEve)).toBe(2027);
  });
});

// ---------------------------------------------------------------------------------------------
// The calendar event of an activity (src/services/calendar-sync.ts): eventSpecOf is what the
// centre's Feishu calendar shows, requestCalendarSync queues one application's entry.
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { CalendarEntry } from '../../src/db/entities/calendar-entry.entity';
import { createLogger } from '../../src/logger';
import type { CalendarPort } from '../../src/platform/calendar-port';
import { CalendarSync, DEFAULT_CALENDAR_SYNC_OPTIONS, eventSpecOf, requestCalendarSync } from '../../src/services/calendar-sync';
import { makeApp } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

describe('eventSpecOf, field by field', () => {
  const approved = (over: Parameters<typeof makeApp>[0] = {}) => makeApp({ status: '已通过', ...over });

  it('describes an activity with every field, one line each', () => {
    const spec = eventSpecOf(approved(), 'Asia/Shanghai');
    expect(spec.description).toBe(
      [
        '活动类别：企业创新能力提升活动',
        '申请单位：包头稀土高新区某某科技有限公司',
        '盟市：包头市',
        '活动地点：包头稀土高新区某某园区报告厅',
        '活动时间：2027-06-10 至 2027-06-11',
        '活动人数：120 人',
        '联系人：张三 13800138000',
        '',
        '由企业创新助手根据已通过的活动申请 SQ2027-0012 创建；改期、取消会自动同步。发送「查询 SQ2027-0012」查看详情。',
      ].join('\n'),
    );
    expect(spec.summary).toBe('SQ2027-0012 包头市 · 包头稀土高新区某某科技有限公司');
    expect(spec.location).toBe('包头稀土高新区某某园区报告厅');
    expect(spec.timezone).toBe('Asia/Shanghai');
  });

  it('names the kind, and the default kind for an application from before kinds existed', () => {
    expect(eventSpecOf(approved({ kind: '对外交流' }), 'Asia/Shanghai').description.split('\n')[0]).toBe('活动类别：对外交流活动');
    expect(eventSpecOf(approved({ kind: null as never }), 'Asia/Shanghai').description.split('\n')[0]).toBe('活动类别：企业创新能力提升活动');
  });

  it('leaves a missing field empty (never "null"), and no space after a contact without a mobile', () => {
    const app = approved({ codeYear: null, codeSeq: null, orgName: null, region: null, venue: null, headcount: null, contactName: null, mobile: null });
    const spec = eventSpecOf(app, 'Asia/Shanghai');
    expect(spec.description).toBe(
      [
        '活动类别：企业创新能力提升活动',
        '申请单位：',
        '盟市：',
        '活动地点：',
        '活动时间：2027-06-10 至 2027-06-11',
        '活动人数： 人',
        '联系人：',
        '',
        '由企业创新助手根据已通过的活动申请  创建；改期、取消会自动同步。发送「查询 」查看详情。',
      ].join('\n'),
    );
    expect(spec.summary).toBe('  · ');
    expect(spec.location).toBe('');
    expect(eventSpecOf(approved({ mobile: null }), 'Asia/Shanghai').description.split('\n')[6]).toBe('联系人：张三');
    expect(eventSpecOf(approved({ contactName: null }), 'Asia/Shanghai').description.split('\n')[6]).toBe('联系人： 13800138000');
  });

  it('clips the summary at 120 characters and the location at 200, counting an emoji or a CJK character as one', () => {
    // 'SQ2027-0012 包头市 · ' is 18 characters; the organisation fills the rest.
    const head = 'SQ2027-0012 包头市 · ';
    expect([...head]).toHaveLength(18);
    const org = (n: number) => '企😀'.repeat(n / 2);
    expect(eventSpecOf(approved({ orgName: org(102) }), 'UTC').summary).toBe(head + org(102));
    const over = eventSpecOf(approved({ orgName: org(102) + '业' }), 'UTC').summary;
    expect(over).toBe(`${head}${org(100)}企…`);
    expect([...over]).toHaveLength(120);

    const venue = (n: number) => '😀场'.repeat(n / 2);
    expect(eventSpecOf(approved({ venue: venue(200) }), 'UTC').location).toBe(venue(200));
    const clipped = eventSpecOf(approved({ venue: venue(200) + '厅' }), 'UTC').location;
    expect(clipped).toBe(`${venue(198)}😀…`);
    expect([...clipped]).toHaveLength(200);
  });

  it('spans 09:00 of the first day to 18:00 of the last, in the named time zone', () => {
    const shanghai = eventSpecOf(approved(), 'Asia/Shanghai');
    expect(shanghai.startSeconds).toBe(Date.parse('2027-06-10T01:00:00Z') / 1000);
    expect(shanghai.endSeconds).toBe(Date.parse('2027-06-11T10:00:00Z') / 1000);
    const losAngeles = eventSpecOf(approved(), 'America/Los_Angeles');
    expect(losAngeles.startSeconds).toBe(Date.parse('2027-06-10T16:00:00Z') / 1000);
    expect(losAngeles.endSeconds).toBe(Date.parse('2027-06-12T01:00:00Z') / 1000);
    expect(losAngeles.timezone).toBe('America/Los_Angeles');
  });
});

describe('requestCalendarSync and the sync loop, on a real database', () => {
  let ds: DataSource;
  beforeEach(async () => {
    ds = await openTempDatabase('innovation-bot-calendar-');
  });
  afterEach(async () => {
    await closeTempDatabase(ds);
  });

  it("queues only the named application's entry, leaving another's as it was", async () => {
    await requestCalendarSync(ds, 't', 1, 1000);
    await requestCalendarSync(ds, 't', 2, 2000);
    await ds.getRepository(CalendarEntry).update({ applicationId: 2 }, { status: 'done', synced: 1, attempts: 3 });
    await requestCalendarSync(ds, 't', 1, 5000);
    const rows = await ds.getRepository(CalendarEntry).find({ order: { applicationId: 'ASC' } });
    expect(rows.map((r) => [r.applicationId, r.status, r.requested, r.synced, r.attempts, r.nextAttemptAt, r.updatedAt])).toEqual([
      [1, 'pending', 2, 0, 0, 5000, 5000],
      [2, 'done', 1, 1, 3, 2000, 2000],
    ]);
  });

  it('logs a failed pass at error level, naming the calendar sync', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('no calendar call expected')) }) as CalendarPort;
    const sync = new CalendarSync(ds, unused, 'cal_1', 'Asia/Shanghai', logger, { ...DEFAULT_CALENDAR_SYNC_OPTIONS, pollIntervalMs: 60_000 });
    await ds.destroy(); // every pass now fails on its first query
    sync.start();
    for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await sync.stop();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[50, 'calendar: sync pass failed; trying again shortly']]);
  });
});
