import type { Application } from '../../src/db/entities/application.entity';
import { filingDeadline } from '../../src/domain/application-rules';
import {
  centreOccasions,
  draftOccasions,
  heldDay,
  isDue,
  latestPerSeries,
  nudgeDay,
  scanOccasion,
  summaryOccasions,
  upcomingOccasions,
  type PlannedOccasion,
} from '../../src/jobs/occasions';
import { COVERED_YEARS, isChineseWorkingDay, isWeekday, isYearCovered } from '../../src/domain/working-days';
import { DEFAULT_REMINDER_SCHEDULE, type ReminderSchedule } from '../../src/jobs/schedule-config';
import { makeApp as makeApplication } from '../helpers/factories';

/*
 * The occasions are pure calendar arithmetic on 'YYYY-MM-DD' strings plus one instant comparison
 * (isDue). Nothing here may depend on the machine's time zone: run this file also with
 * `TZ=America/Los_Angeles npx jest test/unit/occasions.test.ts`.
 */

const S = DEFAULT_REMINDER_SCHEDULE;
const SHANGHAI = 'Asia/Shanghai';

/** An approved application; only what the occasions read matters, the rest makes it whole. */
function makeApp(over: Partial<Application> = {}): Application {
  return makeApplication({
    status: '已通过',
    startDate: '2027-06-20',
    endDate: '2027-06-21',
    audience: null,
    needs: null,
    topics: null,
    email: null,
    submittedAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  });
}

const occ = (occasion: string, series: string, due: string, usefulUntil?: string): PlannedOccasion => ({
  occasion,
  series,
  due,
  ...(usefulUntil ? { usefulUntil } : {}),
});

describe('the default schedule', () => {
  it('is the issue’s: 09:00, drafts 3 and 0 days before the deadline, activities 3 and 1 days before, summary +3/+7, overdue +10, 2 working days', () => {
    expect(S).toMatchObject({
      hour: 9,
      draftDeadlineDaysBefore: [3, 0],
      activityDaysBefore: [3, 1],
      summaryReminderDaysAfter: [3, 7],
      summaryOverdueDaysAfter: 10,
      reviewNudgeWorkingDays: 2,
      scanReminderDaysAfter: 3,
      weeklyWeekday: 1,
      weeklyHour: 9,
      digestUpcomingDays: 14,
    });
    expect(Object.isFrozen(S)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Drafts

describe('draftOccasions', () => {
  const draft = makeApp({ status: '草稿', codeYear: null, codeSeq: null, startDate: '2027-06-20', endDate: null });

  it('falls due 3 days before and on the last filing day (start − 10), useful until the day after it', () => {
    expect(filingDeadline('2027-06-20')).toBe('2027-06-10');
    expect(draftOccasions(draft, S)).toEqual([
      occ('draft-deadline-3', 'draft-deadline', '2027-06-07', '2027-06-11'),
      occ('draft-deadline-0', 'draft-deadline', '2027-06-10', '2027-06-11'),
    ]);
  });

  it('has none without a start date', () => {
    expect(draftOccasions(makeApp({ status: '草稿', startDate: null, endDate: null }), S)).toEqual([]);
    expect(draftOccasions(makeApp({ status: '草稿', startDate: null, endDate: '2027-06-21' }), S)).toEqual([]);
  });

  it('follows the rules override (leadDays 15: deadline 06-05)', () => {
    expect(draftOccasions(draft, S, { leadDays: 15 })).toEqual([
      occ('draft-deadline-3', 'draft-deadline', '2027-06-02', '2027-06-06'),
      occ('draft-deadline-0', 'draft-deadline', '2027-06-05', '2027-06-06'),
    ]);
    // An empty override is the default.
    expect(draftOccasions(draft, S, {})).toEqual(draftOccasions(draft, S));
  });

  it('follows the schedule', () => {
    const s: ReminderSchedule = { ...S, draftDeadlineDaysBefore: [7, 1] };
    expect(draftOccasions(draft, s).map((o) => [o.occasion, o.due])).toEqual([
      ['draft-deadline-7', '2027-06-03'],
      ['draft-deadline-1', '2027-06-09'],
    ]);
  });

  it('crosses month and year boundaries', () => {
    // 2028-01-05 − 10 = 2027-12-26; − 3 = 12-23.
    expect(draftOccasions(makeApp({ startDate: '2028-01-05' }), S)).toEqual([
      occ('draft-deadline-3', 'draft-deadline', '2027-12-23', '2027-12-27'),
      occ('draft-deadline-0', 'draft-deadline', '2027-12-26', '2027-12-27'),
    ]);
    // Leap year: 2028-03-05 − 10 = 2028-02-24; − 3 = 02-21. Non-leap: 2027-03-05 − 10 = 02-23.
    expect(draftOccasions(makeApp({ startDate: '2028-03-05' }), S).map((o) => o.due)).toEqual(['2028-02-21', '2028-02-24']);
    expect(draftOccasions(makeApp({ startDate: '2027-03-05' }), S).map((o) => o.due)).toEqual(['2027-02-20', '2027-02-23']);
  });
});

// ---------------------------------------------------------------------------------------------
// Approved activities

describe('upcomingOccasions', () => {
  it('falls due 3 and 1 days before the start, useful until the start day (exclusive)', () => {
    expect(upcomingOccasions(makeApp({ startDate: '2027-06-20' }), S)).toEqual([
      occ('before-3', 'before', '2027-06-17', '2027-06-20'),
      occ('before-1', 'before', '2027-06-19', '2027-06-20'),
    ]);
  });

  it('crosses month boundaries (2027-03-01 → 02-26 and 02-28)', () => {
    expect(upcomingOccasions(makeApp({ startDate: '2027-03-01' }), S).map((o) => o.due)).toEqual(['2027-02-26', '2027-02-28']);
  });

  it('knows leap years (2028-03-01 → 02-27 and 02-29)', () => {
    expect(upcomingOccasions(makeApp({ startDate: '2028-03-01' }), S)).toEqual([
      occ('before-3', 'before', '2028-02-27', '2028-03-01'),
      occ('before-1', 'before', '2028-02-29', '2028-03-01'),
    ]);
  });

  it('crosses year boundaries (2028-01-01 → 2027-12-29 and 12-31)', () => {
    expect(upcomingOccasions(makeApp({ startDate: '2028-01-01' }), S).map((o) => o.due)).toEqual(['2027-12-29', '2027-12-31']);
  });

  it('has none without a start date', () => {
    expect(upcomingOccasions(makeApp({ startDate: null }), S)).toEqual([]);
  });

  it('keys the occasions by the new dates after an approved date change (the old ones never fire)', () => {
    expect(upcomingOccasions(makeApp({ startDate: '2027-07-20', dateChanges: 1 }), S)).toEqual([
      occ('before-3@2027-07-20', 'before', '2027-07-17', '2027-07-20'),
      occ('before-1@2027-07-20', 'before', '2027-07-19', '2027-07-20'),
    ]);
  });

  it('names the field when the start date is malformed', () => {
    expect(() => upcomingOccasions(makeApp({ startDate: '2027-6-20' }), S)).toThrow("date: expected 'YYYY-MM-DD', got '2027-6-20'");
  });
});

describe('centreOccasions', () => {
  it("falls due 3 and 1 days before the start, keyed by the start date from the start, useful until the start", () => {
    expect(centreOccasions(makeApp({ startDate: '2027-06-20' }), S)).toEqual([
      occ('centre-before-3@2027-06-20', 'centre-before', '2027-06-17', '2027-06-20'),
      occ('centre-before-1@2027-06-20', 'centre-before', '2027-06-19', '2027-06-20'),
    ]);
  });

  it('has none without a start date', () => {
    expect(centreOccasions(makeApp({ startDate: null }), S)).toEqual([]);
  });
});

describe('scanOccasion', () => {
  it('falls due 3 days after the submission day in the zone, useful until the start', () => {
    // 2027-06-01 16:30 UTC: already 06-02 in Shanghai, still 06-01 in Los Angeles.
    const app = makeApp({ submittedAt: Date.UTC(2027, 5, 1, 16, 30), startDate: '2027-06-20' });
    expect(scanOccasion(app, S, SHANGHAI)).toEqual(occ('scan-reminder', 'scan-reminder', '2027-06-05', '2027-06-20'));
    expect(scanOccasion(app, S, 'America/Los_Angeles')).toEqual(occ('scan-reminder', 'scan-reminder', '2027-06-04', '2027-06-20'));
  });

  it('has none before a submission or without a start date', () => {
    expect(scanOccasion(makeApp({ submittedAt: null }), S, SHANGHAI)).toBeUndefined();
    expect(scanOccasion(makeApp({ submittedAt: Date.UTC(2027, 5, 1), startDate: null }), S, SHANGHAI)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// After the activity

describe('heldDay', () => {
  it('is the day after the end', () => {
    expect(heldDay(makeApp({ startDate: '2027-11-29', endDate: '2027-11-30' }))).toBe('2027-12-01');
    expect(heldDay(makeApp({ startDate: '2027-12-30', endDate: '2027-12-31' }))).toBe('2028-01-01');
    expect(heldDay(makeApp({ startDate: '2028-02-28', endDate: '2028-02-28' }))).toBe('2028-02-29');
    expect(heldDay(makeApp({ startDate: '2027-02-28', endDate: '2027-02-28' }))).toBe('2027-03-01');
  });

  it('is undefined without an end date', () => {
    expect(heldDay(makeApp({ endDate: null }))).toBeUndefined();
  });
});

describe('summaryOccasions', () => {
  it('reminds at held + 3 and held + 7 and is overdue at held + 10, always worth sending', () => {
    const app = makeApp({ startDate: '2027-11-29', endDate: '2027-11-30' });
    expect(summaryOccasions(app, S)).toEqual([
      occ('summary-reminder-3', 'summary-reminder', '2027-12-04'),
      occ('summary-reminder-7', 'summary-reminder', '2027-12-08'),
      occ('summary-overdue', 'summary-overdue', '2027-12-11'),
    ]);
    for (const o of summaryOccasions(app, S)) expect(o).not.toHaveProperty('usefulUntil');
  });

  it('keeps the reminders and the overdue listing apart: after downtime both go out', () => {
    const due = summaryOccasions(makeApp({ endDate: '2027-11-30' }), S);
    const { send, superseded } = latestPerSeries(due);
    expect(send.map((o) => o.occasion)).toEqual(['summary-reminder-7', 'summary-overdue']);
    expect(superseded.map((o) => o.occasion)).toEqual(['summary-reminder-3']);
  });

  it('has none without an end date', () => {
    expect(summaryOccasions(makeApp({ endDate: null }), S)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 催办

describe('nudgeDay (2 working days) on a plain Mon–Fri week', () => {
  it.each([
    ['Monday', '2027-05-31', '2027-06-03', 'Thursday'],
    ['Tuesday', '2027-06-01', '2027-06-04', 'Friday'],
    ['Wednesday', '2027-06-02', '2027-06-07', 'Monday'],
    ['Thursday', '2027-06-03', '2027-06-08', 'Tuesday'],
    ['Friday', '2027-06-04', '2027-06-09', 'Wednesday'],
    ['Saturday', '2027-06-05', '2027-06-09', 'Wednesday'],
    ['Sunday', '2027-06-06', '2027-06-09', 'Wednesday'],
  ])('submitted on a %s (%s) → %s (%s)', (_day, submittedOn, expected) => {
    expect(nudgeDay(submittedOn, 2, isWeekday)).toBe(expected);
  });

  /** Mon–Fri strictly between two dates, by the machine-independent UTC calendar. */
  const workingDaysBetween = (from: string, to: string): number => {
    let n = 0;
    for (let t = Date.parse(`${from}T00:00:00Z`) + 86_400_000; t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
      const wd = new Date(t).getUTCDay();
      if (wd !== 0 && wd !== 6) n += 1;
    }
    return n;
  };
  const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

  it('is always a working day after exactly `days` full working days of waiting (the submission day not counted)', () => {
    // Every day of two weeks, and 0–5 working days: on the nudge day's morning the submission has
    // waited the submission day's rest plus `days` whole working days, so "more than `days`".
    for (let i = 0; i < 14; i += 1) {
      const submittedOn = new Date(Date.UTC(2027, 4, 31 + i)).toISOString().slice(0, 10);
      for (let days = 0; days <= 5; days += 1) {
        const due = nudgeDay(submittedOn, days, isWeekday);
        expect([1, 2, 3, 4, 5]).toContain(weekday(due));
        expect(workingDaysBetween(submittedOn, due)).toBe(days);
      }
    }
  });

  it('crosses month and year ends (Thu 2027-12-30 → Tue 2028-01-04)', () => {
    expect(nudgeDay('2027-12-30', 2, isWeekday)).toBe('2028-01-04');
  });

  it('rejects a malformed date', () => {
    expect(() => nudgeDay('2027-6-1', 2)).toThrow(RangeError);
    expect(() => nudgeDay('2027-6-1', 2)).toThrow("submittedOn: expected 'YYYY-MM-DD', got '2027-6-1'");
    expect(() => isWeekday('2027-13-01')).toThrow("date: expected 'YYYY-MM-DD', got '2027-13-01'");
  });
});

describe('working days as China counts them (chinese-days)', () => {
  it('the National Day week 2026 (10-01 to 10-07) has no working day', () => {
    for (let d = 1; d <= 7; d += 1) expect(isChineseWorkingDay(`2026-10-0${d}`)).toBe(false);
  });

  it('the 调休 days around it count: Sunday 2026-09-20 and Saturday 2026-10-10', () => {
    expect(isWeekday('2026-09-20')).toBe(false);
    expect(isChineseWorkingDay('2026-09-20')).toBe(true);
    expect(isWeekday('2026-10-10')).toBe(false);
    expect(isChineseWorkingDay('2026-10-10')).toBe(true);
  });

  it('an ordinary week is Mon–Fri', () => {
    expect(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-14'].map(isChineseWorkingDay)).toEqual([
      true, true, true, true, true, false, false,
    ]);
  });

  it('催办: submitted Wed 2026-09-30, 2 working days pass on Thu 10-08 and Fri 10-09, nudged Sat 10-10 (a 调休 working day)', () => {
    expect(nudgeDay('2026-09-30', 2)).toBe('2026-10-10');
  });

  it('a 调休 Sunday counts: submitted Fri 2026-09-18, waits Sun 09-20 and Mon 09-21, nudged Tue 09-22', () => {
    expect(nudgeDay('2026-09-18', 2)).toBe('2026-09-22');
  });

  it('covers the package\'s years and falls back to Mon–Fri beyond them', () => {
    expect(COVERED_YEARS.first).toBeLessThanOrEqual(2026);
    expect(isYearCovered(2026)).toBe(true);
    expect(isYearCovered(COVERED_YEARS.first)).toBe(true);
    expect(isYearCovered(COVERED_YEARS.last)).toBe(true);
    expect(isYearCovered(COVERED_YEARS.first - 1)).toBe(false);
    // Its first years too: National Day 2020 (a Thursday) off, Sunday 2020-09-27 worked.
    expect(isChineseWorkingDay('2020-10-01')).toBe(false);
    expect(isChineseWorkingDay('2020-09-27')).toBe(true);
    const beyond = COVERED_YEARS.last + 1;
    expect(isYearCovered(beyond)).toBe(false);
    // 1 October of a year without data: counted like any other weekday.
    const oct1 = `${beyond}-10-01`;
    expect(isChineseWorkingDay(oct1)).toBe(isWeekday(oct1));
  });
});

// ---------------------------------------------------------------------------------------------
// When an occasion's day has come

describe('isDue', () => {
  it('refuses a bad zone or day rather than reading it as "never due" (which would silence every reminder)', () => {
    const now = new Date('2027-06-07T01:00:00.000Z');
    expect(() => isDue('2027-06-07', now, 'Mars/Olympus', 9)).toThrow("isDue: invalid day '2027-06-07' or time zone 'Mars/Olympus'");
    expect(() => isDue('2027-06-31', now, SHANGHAI, 9)).toThrow("isDue: invalid day '2027-06-31' or time zone 'Asia/Shanghai'");
  });

  it('is due from 09:00 Shanghai (01:00Z) on the day, not a millisecond earlier', () => {
    expect(isDue('2027-06-07', new Date('2027-06-07T01:00:00.000Z'), SHANGHAI, 9)).toBe(true);
    expect(isDue('2027-06-07', new Date('2027-06-07T00:59:59.999Z'), SHANGHAI, 9)).toBe(false);
    // And stays due afterwards.
    expect(isDue('2027-06-07', new Date('2027-06-20T00:00:00Z'), SHANGHAI, 9)).toBe(true);
  });

  it('uses the local day: 2027-06-06T16:30Z is 00:30 on 06-07 in Shanghai', () => {
    const now = new Date('2027-06-06T16:30:00Z');
    expect(isDue('2027-06-07', now, SHANGHAI, 0)).toBe(true);
    expect(isDue('2027-06-07', now, SHANGHAI, 9)).toBe(false);
    expect(isDue('2027-06-06', now, SHANGHAI, 9)).toBe(true);
    expect(isDue('2027-06-08', now, SHANGHAI, 0)).toBe(false);
  });

  it('the same instant in UTC is still 06-06 16:30', () => {
    const now = new Date('2027-06-06T16:30:00Z');
    expect(isDue('2027-06-07', now, 'UTC', 0)).toBe(false);
    expect(isDue('2027-06-06', now, 'UTC', 16)).toBe(true);
    expect(isDue('2027-06-06', now, 'UTC', 17)).toBe(false);
    expect(isDue('2027-06-07', new Date('2027-06-07T09:00:00Z'), 'UTC', 9)).toBe(true);
    expect(isDue('2027-06-07', new Date('2027-06-07T08:59:59.999Z'), 'UTC', 9)).toBe(false);
  });

  it('does not depend on the machine’s time zone (Los Angeles is a day behind Shanghai here)', () => {
    // Whatever process.env.TZ is, the answers are those of the given zone.
    expect(isDue('2027-06-07', new Date('2027-06-07T01:00:00Z'), 'America/Los_Angeles', 9)).toBe(false);
    expect(isDue('2027-06-07', new Date('2027-06-07T16:00:00Z'), 'America/Los_Angeles', 9)).toBe(true); // 09:00 PDT
    expect(isDue('2027-06-07', new Date('2027-06-07T15:59:59.999Z'), 'America/Los_Angeles', 9)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// After downtime

describe('latestPerSeries', () => {
  it('keeps the first of occasions of a series due the same day', () => {
    const a = occ('summary-reminder-3', 'summary-reminder', '2027-06-25');
    const b = occ('summary-reminder-7', 'summary-reminder', '2027-06-25');
    expect(latestPerSeries([a, b])).toEqual({ send: [a], superseded: [b] });
  });

  it('keeps the latest due occasion of a series and supersedes the earlier ones', () => {
    const b3 = occ('before-3', 'before', '2027-06-17', '2027-06-20');
    const b1 = occ('before-1', 'before', '2027-06-19', '2027-06-20');
    expect(latestPerSeries([b3, b1])).toEqual({ send: [b1], superseded: [b3] });
    // Order of the input does not matter.
    expect(latestPerSeries([b1, b3])).toEqual({ send: [b1], superseded: [b3] });
  });

  it('treats series independently', () => {
    const d3 = occ('draft-deadline-3', 'draft-deadline', '2027-06-07', '2027-06-11');
    const d0 = occ('draft-deadline-0', 'draft-deadline', '2027-06-10', '2027-06-11');
    const r3 = occ('summary-reminder-3', 'summary-reminder', '2027-12-04');
    const r7 = occ('summary-reminder-7', 'summary-reminder', '2027-12-08');
    const over = occ('summary-overdue', 'summary-overdue', '2027-12-11');
    const { send, superseded } = latestPerSeries([d3, r7, over, d0, r3]);
    expect(send).toHaveLength(3);
    expect(send).toEqual(expect.arrayContaining([d0, r7, over]));
    expect(superseded).toEqual([d3, r3]);
  });

  it('sends a lone occasion and has nothing for nothing', () => {
    const one = occ('review-nudge-1', 'review-nudge', '2027-06-03');
    expect(latestPerSeries([one])).toEqual({ send: [one], superseded: [] });
    expect(latestPerSeries([])).toEqual({ send: [], superseded: [] });
  });

  it('compares dates across months and years (string order of ISO dates)', () => {
    const dec = occ('a', 's', '2027-12-31');
    const jan = occ('b', 's', '2028-01-01');
    expect(latestPerSeries([jan, dec]).send).toEqual([jan]);
  });
});
