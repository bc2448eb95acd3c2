import { formatFeishuDate, formatInstant, isoOf, localDate, parseFeishuDate, requireDate, toDate } from '../../src/domain/calendar';

/** Calendar dates in a time zone: what "today", the forms' dates and the cards' instants rest on. */

describe('toDate / requireDate', () => {
  it('reads exactly YYYY-MM-DD, as a whole day in UTC', () => {
    expect(isoOf(toDate('2027-06-10')!)).toBe('2027-06-10');
    expect(toDate('2027-06-10')!.zoneName).toBe('UTC');
    for (const bad of ['2027-6-10', '2027-06-10T00:00', ' 2027-06-10', '2027-06-10x', 'x2027-06-10', '2027-02-30', '']) expect(toDate(bad)).toBeUndefined();
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
