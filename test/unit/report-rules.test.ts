import { DateTime, Settings } from 'luxon';
import type { FormValue } from '../../src/domain/application-fields';
import { REGIONS } from '../../src/domain/regions';
import {
  checkReportTaskForm,
  parseDeadline,
  REPORT_EXPECTS,
  REPORT_LIMITS,
  REPORT_TASK_FIELDS,
  reportTextError,
  type ReportTaskCheck,
} from '../../src/domain/report-rules';

/*
 * The report task form and a submission's text, checked on the server. Deadlines are instants
 * read in SCHEDULE_TIMEZONE; nothing may depend on the machine's zone: run this file also with
 * `TZ=America/Los_Angeles npx jest test/unit/report-rules.test.ts` (one test below also swaps
 * luxon's default zone itself).
 */

const SHANGHAI = 'Asia/Shanghai';
/** 2027-12-09 17:00 in Shanghai = 09:00 UTC. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);
/** 2027-12-01 10:00 in Shanghai: when the form is submitted. */
const NOW = Date.UTC(2027, 11, 1, 2, 0);
const CTX = { now: NOW, timezone: SHANGHAI };

const MINUTE = 60_000;

/** A form that passes every check; `over` replaces fields (undefined removes one). */
function form(over: FormValue = {}): FormValue {
  const base: FormValue = {
    title: '2027 年落实情况报告',
    description: '请报送本盟市的落实情况报告，加盖公章的 PDF。',
    deadline: '2027-12-09 17:00 +0800',
    regions: ['包头市', '赤峰市'],
    expects: 'file',
  };
  const merged: FormValue = { ...base, ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete merged[k];
  return merged;
}

function errorsOf(r: ReportTaskCheck): Record<string, string> {
  if (r.ok) throw new Error(`expected errors, got ok: ${JSON.stringify(r.task)}`);
  return r.errors as Record<string, string>;
}

function taskOf(r: ReportTaskCheck) {
  if (!r.ok) throw new Error(`expected ok, got errors: ${JSON.stringify(r.errors)}`);
  return r.task;
}

describe('parseDeadline', () => {
  it('applies the picker’s offset: "2027-12-09 17:00 +0800" is 09:00 UTC whatever the configured zone', () => {
    expect(parseDeadline('2027-12-09 17:00 +0800', SHANGHAI)).toBe(DEADLINE);
    // The offset says where it was picked, so the configured zone does not move it.
    expect(parseDeadline('2027-12-09 17:00 +0800', 'America/Los_Angeles')).toBe(DEADLINE);
    expect(parseDeadline('2027-12-09 17:00 +0800', 'UTC')).toBe(DEADLINE);
    // Another offset is another instant.
    expect(parseDeadline('2027-12-09 17:00 +0900', SHANGHAI)).toBe(DEADLINE - 60 * MINUTE);
    expect(parseDeadline('2027-12-09 17:00 -0500', SHANGHAI)).toBe(Date.UTC(2027, 11, 9, 22, 0));
    expect(parseDeadline('2027-12-09 17:00 +0000', SHANGHAI)).toBe(Date.UTC(2027, 11, 9, 17, 0));
  });

  it('ignores surrounding spaces', () => {
    expect(parseDeadline('  2027-12-09 17:00 +0800\n', SHANGHAI)).toBe(DEADLINE);
    expect(parseDeadline(' 2027-12-09 ', SHANGHAI)).toBe(Date.UTC(2027, 11, 9, 15, 59));
  });

  it('reads the "+08:00" offset form of a picker value, as it does for a bare date', () => {
    // The bare-date branch strips "[+-]HH:?MM" (so "2027-12-09 +08:00" parses), but the
    // date-time branch only knows "+0800": "2027-12-09 17:00 +08:00" comes out undefined and the
    // form says 截止时间格式不正确. See the report for the fix (luxon's 'ZZ' token).
    expect(parseDeadline('2027-12-09 +08:00', SHANGHAI)).toBe(Date.UTC(2027, 11, 9, 15, 59));
    expect(parseDeadline('2027-12-09 17:00 +08:00', SHANGHAI)).toBe(DEADLINE);
    expect(parseDeadline('2027-12-09 17:00 -05:00', SHANGHAI)).toBe(Date.UTC(2027, 11, 9, 22, 0));
  });

  it('reads a value without offset in the given zone', () => {
    expect(parseDeadline('2027-12-09 17:00', SHANGHAI)).toBe(DEADLINE);
    // 17:00 in Los Angeles in December (PST, UTC−8) is 01:00 UTC the next day.
    expect(parseDeadline('2027-12-09 17:00', 'America/Los_Angeles')).toBe(Date.UTC(2027, 11, 10, 1, 0));
    expect(parseDeadline('2027-12-09 17:00', 'UTC')).toBe(Date.UTC(2027, 11, 9, 17, 0));
    // In July Los Angeles is on PDT (UTC−7).
    expect(parseDeadline('2027-07-01 17:00', 'America/Los_Angeles')).toBe(Date.UTC(2027, 6, 2, 0, 0));
  });

  it('takes a bare date as 23:59 that day in the zone (and a bare date with an offset too)', () => {
    const endOfDay = Date.UTC(2027, 11, 9, 15, 59);
    expect(parseDeadline('2027-12-09', SHANGHAI)).toBe(endOfDay);
    expect(DateTime.fromMillis(endOfDay, { zone: SHANGHAI }).toFormat('yyyy-MM-dd HH:mm:ss.SSS')).toBe('2027-12-09 23:59:00.000');
    // The date picker's "+0800" is where the client was, not the day: dropped, the zone decides.
    expect(parseDeadline('2027-12-09 +0800', SHANGHAI)).toBe(endOfDay);
    expect(parseDeadline('2027-12-09 -0500', SHANGHAI)).toBe(endOfDay);
    expect(parseDeadline('2027-12-09', 'America/Los_Angeles')).toBe(Date.UTC(2027, 11, 10, 7, 59));
    expect(parseDeadline('2027-12-09', 'UTC')).toBe(Date.UTC(2027, 11, 9, 23, 59));
    // Any run of spaces before the offset; an offset only at the end.
    expect(parseDeadline('2027-12-09  +0800', SHANGHAI)).toBe(endOfDay);
    expect(parseDeadline('2027-12 +0800-09', SHANGHAI)).toBeUndefined();
  });

  it.each([
    [''],
    ['   '],
    ['garbage'],
    ['明天下午五点'],
    ['2027-13-01'],
    ['2027-02-30'],
    ['2027-02-30 17:00'],
    ['2027-12-09 25:00'],
    ['2027-12-09 17:60'],
    ['2027/12/09 17:00'],
    ['09-12-2027'],
    ['2027-12-09 17:00 Asia/Shanghai'],
    ['2027-12-09 17:00 +0800 extra'],
    ['1828342800000'],
  ])('gives undefined for %j', (value) => {
    expect(parseDeadline(value, SHANGHAI)).toBeUndefined();
  });

  it('does not depend on the machine’s zone (luxon’s default zone swapped here)', () => {
    const cases = ['2027-12-09 17:00 +0800', '2027-12-09 17:00', '2027-12-09', '2027-12-09 +0800'];
    const inShanghai = cases.map((v) => parseDeadline(v, SHANGHAI));
    const original = Settings.defaultZone;
    try {
      for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        Settings.defaultZone = zone;
        expect(cases.map((v) => parseDeadline(v, SHANGHAI))).toEqual(inShanghai);
      }
    } finally {
      Settings.defaultZone = original;
    }
    expect(inShanghai).toEqual([DEADLINE, DEADLINE, Date.UTC(2027, 11, 9, 15, 59), Date.UTC(2027, 11, 9, 15, 59)]);
  });
});

describe('checkReportTaskForm', () => {
  it('accepts a complete form: trimmed text, the deadline as an instant, regions in REGIONS order', () => {
    const task = taskOf(
      checkReportTaskForm(form({ title: '  年度报告  ', description: '\n要求\n', regions: ['赤峰市', '呼和浩特市'], expects: 'text' }), CTX),
    );
    expect(task).toEqual({ title: '年度报告', description: '要求', deadlineAt: DEADLINE, regions: ['呼和浩特市', '赤峰市'], expects: 'text' });
  });

  it('lists every failing field once, in form order, with its message', () => {
    const errors = errorsOf(checkReportTaskForm({}, CTX));
    expect(Object.keys(errors)).toEqual(['title', 'description', 'deadline', 'regions']);
    expect(errors).toEqual({
      title: `请填写任务名称（不超过 ${REPORT_LIMITS.title} 字）`,
      description: '请写明要报送什么、有什么要求',
      deadline: '请选择截止时间',
      regions: '请至少选择一个盟市',
    });
    const all = errorsOf(checkReportTaskForm({ title: '   ', description: ' ', deadline: 'x', regions: ['火星市'], expects: 'pdf' }, CTX));
    expect(Object.keys(all)).toEqual([...REPORT_TASK_FIELDS]);
  });

  describe('title', () => {
    it.each([[''], ['   '], ['\n\t']])('is required (%j)', (title) => {
      expect(errorsOf(checkReportTaskForm(form({ title }), CTX))).toEqual({ title: '请填写任务名称（不超过 50 字）' });
    });

    it('is missing when not a string', () => {
      expect(errorsOf(checkReportTaskForm(form({ title: ['a', 'b'] }), CTX))).toEqual({ title: '请填写任务名称（不超过 50 字）' });
      expect(errorsOf(checkReportTaskForm(form({ title: undefined }), CTX))).toEqual({ title: '请填写任务名称（不超过 50 字）' });
    });

    it('may be 50 characters (counted as characters, after trimming) but not 51', () => {
      expect(REPORT_LIMITS.title).toBe(50);
      expect(taskOf(checkReportTaskForm(form({ title: '报'.repeat(50) }), CTX)).title).toBe('报'.repeat(50));
      expect(taskOf(checkReportTaskForm(form({ title: `  ${'报'.repeat(50)}  ` }), CTX)).title).toBe('报'.repeat(50));
      // Astral characters count once each, not as two UTF-16 units.
      expect(taskOf(checkReportTaskForm(form({ title: '📊'.repeat(50) }), CTX)).title).toBe('📊'.repeat(50));
      expect(errorsOf(checkReportTaskForm(form({ title: '报'.repeat(51) }), CTX))).toEqual({ title: '任务名称不能超过 50 字（当前 51 字）' });
      expect(errorsOf(checkReportTaskForm(form({ title: '📊'.repeat(51) }), CTX))).toEqual({ title: '任务名称不能超过 50 字（当前 51 字）' });
    });
  });

  describe('description', () => {
    it('is required', () => {
      for (const description of ['', '  \n ', undefined]) {
        expect(errorsOf(checkReportTaskForm(form({ description }), CTX))).toEqual({ description: '请写明要报送什么、有什么要求' });
      }
    });

    it('may be 1000 characters but not 1001', () => {
      expect(REPORT_LIMITS.description).toBe(1000);
      expect(taskOf(checkReportTaskForm(form({ description: '要'.repeat(1000) }), CTX)).description).toHaveLength(1000);
      expect(errorsOf(checkReportTaskForm(form({ description: '要'.repeat(1001) }), CTX))).toEqual({ description: '说明不能超过 1000 字（当前 1001 字）' });
      expect(errorsOf(checkReportTaskForm(form({ description: '𝒳'.repeat(1200) }), CTX))).toEqual({ description: '说明不能超过 1000 字（当前 1200 字）' });
    });
  });

  describe('deadline', () => {
    it('is required', () => {
      expect(errorsOf(checkReportTaskForm(form({ deadline: '' }), CTX))).toEqual({ deadline: '请选择截止时间' });
      expect(errorsOf(checkReportTaskForm(form({ deadline: '   ' }), CTX))).toEqual({ deadline: '请选择截止时间' });
      expect(errorsOf(checkReportTaskForm(form({ deadline: undefined }), CTX))).toEqual({ deadline: '请选择截止时间' });
    });

    it('must be readable', () => {
      expect(errorsOf(checkReportTaskForm(form({ deadline: 'next friday' }), CTX))).toEqual({ deadline: '截止时间格式不正确，请重新选择' });
      expect(errorsOf(checkReportTaskForm(form({ deadline: '2027-02-30 17:00' }), CTX))).toEqual({ deadline: '截止时间格式不正确，请重新选择' });
    });

    it('must be later than now: in the past or exactly now is refused, a minute later is fine', () => {
      const at = (now: number) => checkReportTaskForm(form({ deadline: '2027-12-09 17:00 +0800' }), { now, timezone: SHANGHAI });
      expect(errorsOf(at(DEADLINE + MINUTE))).toEqual({ deadline: '截止时间需晚于现在' });
      expect(errorsOf(at(DEADLINE))).toEqual({ deadline: '截止时间需晚于现在' });
      expect(taskOf(at(DEADLINE - 1)).deadlineAt).toBe(DEADLINE);
      expect(taskOf(at(DEADLINE - MINUTE)).deadlineAt).toBe(DEADLINE);
    });

    it('reads a bare date in the configured zone: today still counts until 23:59', () => {
      // 2027-12-09 20:00 in Shanghai: a deadline of "2027-12-09" (23:59) is still ahead.
      const evening = Date.UTC(2027, 11, 9, 12, 0);
      expect(taskOf(checkReportTaskForm(form({ deadline: '2027-12-09' }), { now: evening, timezone: SHANGHAI })).deadlineAt).toBe(Date.UTC(2027, 11, 9, 15, 59));
      // …but the day before is not.
      expect(errorsOf(checkReportTaskForm(form({ deadline: '2027-12-08' }), { now: evening, timezone: SHANGHAI }))).toEqual({ deadline: '截止时间需晚于现在' });
    });
  });

  describe('regions', () => {
    it.each([
      ['none', undefined],
      ['an empty list', []],
      ['a list without text', [7, null]],
      ['a number', 7],
    ])('needs at least one (%s)', (_label, regions) => {
      expect(errorsOf(checkReportTaskForm(form({ regions: regions as FormValue[string] }), CTX))).toEqual({ regions: '请至少选择一个盟市' });
    });

    it('refuses an invalid option, alone or among valid ones', () => {
      const invalid = { regions: '盟市中有无效的选项，请重新选择' };
      expect(errorsOf(checkReportTaskForm(form({ regions: ['火星市'] }), CTX))).toEqual(invalid);
      expect(errorsOf(checkReportTaskForm(form({ regions: ['包头市', '火星市'] }), CTX))).toEqual(invalid);
      // The name without its suffix is not an option value.
      expect(errorsOf(checkReportTaskForm(form({ regions: ['包头'] }), CTX))).toEqual(invalid);
      expect(errorsOf(checkReportTaskForm(form({ regions: ['中心'] }), CTX))).toEqual(invalid);
      expect(errorsOf(checkReportTaskForm(form({ regions: ['包头市 '] }), CTX))).toEqual(invalid);
    });

    it('keeps a subset in REGIONS order, whatever order it came in; duplicates once', () => {
      expect(taskOf(checkReportTaskForm(form({ regions: ['二连浩特市', '通辽市', '呼和浩特市', '包头市'] }), CTX)).regions).toEqual([
        '呼和浩特市',
        '包头市',
        '通辽市',
        '二连浩特市',
      ]);
      expect(taskOf(checkReportTaskForm(form({ regions: ['包头市', '包头市'] }), CTX)).regions).toEqual(['包头市']);
    });

    it('takes a single string as one region', () => {
      expect(taskOf(checkReportTaskForm(form({ regions: '乌海市' }), CTX)).regions).toEqual(['乌海市']);
    });

    it('takes all 14', () => {
      expect(taskOf(checkReportTaskForm(form({ regions: [...REGIONS].reverse() }), CTX)).regions).toEqual([...REGIONS]);
      expect(REGIONS).toHaveLength(14);
    });
  });

  describe('expects', () => {
    it('defaults to both when not chosen', () => {
      expect(taskOf(checkReportTaskForm(form({ expects: undefined }), CTX)).expects).toBe('both');
      expect(taskOf(checkReportTaskForm(form({ expects: '' }), CTX)).expects).toBe('both');
      expect(taskOf(checkReportTaskForm(form({ expects: '  ' }), CTX)).expects).toBe('both');
    });

    it.each(Object.keys(REPORT_EXPECTS))('accepts %s', (expects) => {
      expect(taskOf(checkReportTaskForm(form({ expects }), CTX)).expects).toBe(expects);
    });

    it.each([['pdf'], ['TEXT'], ['文字说明']])('refuses %j', (expects) => {
      expect(errorsOf(checkReportTaskForm(form({ expects }), CTX))).toEqual({ expects: '请选择报送内容的形式' });
    });

    it.each([['toString'], ['constructor'], ['__proto__'], ['hasOwnProperty']])('refuses %j (an Object.prototype name, which `in` would find)', (expects) => {
      // `expects in REPORT_EXPECTS` walks the prototype chain, so these pass and end up stored as
      // the task's form (and shown as REPORT_EXPECTS[expects], a function). Fix: Object.hasOwn.
      const r = checkReportTaskForm(form({ expects }), CTX);
      expect(r.ok).toBe(false);
    });
  });
});

describe('reportTextError', () => {
  const REQUIRED = '请填写报送内容（文字说明）';

  it('requires text unless only files are expected', () => {
    expect(reportTextError('', 'text')).toBe(REQUIRED);
    expect(reportTextError('', 'both')).toBe(REQUIRED);
    expect(reportTextError(' \n\t ', 'both')).toBe(REQUIRED);
    expect(reportTextError('', 'file')).toBeUndefined();
    expect(reportTextError('   ', 'file')).toBeUndefined();
    expect(reportTextError('已完成', 'text')).toBeUndefined();
    expect(reportTextError('已完成', 'file')).toBeUndefined();
  });

  it('allows 1000 characters (after trimming, astral ones once: what a card input holds) but not 1001, whatever is expected', () => {
    expect(REPORT_LIMITS.text).toBe(1000);
    for (const expects of ['text', 'file', 'both'] as const) {
      expect(reportTextError('文'.repeat(1000), expects)).toBeUndefined();
      expect(reportTextError(`  ${'文'.repeat(1000)}\n`, expects)).toBeUndefined();
      expect(reportTextError('😀'.repeat(1000), expects)).toBeUndefined();
      expect(reportTextError('文'.repeat(1001), expects)).toBe('报送内容不能超过 1000 字（当前 1001 字），较长的材料请作为文件发送');
    }
  });
});
