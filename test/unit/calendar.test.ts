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
