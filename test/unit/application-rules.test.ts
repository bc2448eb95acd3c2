import {
  APPLICATION_FIELDS,
  applicationToFormValues,
  campaignYearOn,
  checkApplicationForm,
  firstAllowedStart,
  leadDayOf,
  DEFAULT_APPLICATION_RULES,
  earliestStartDate,
  FIELD_LABELS,
  filingDeadline,
  pickFormValues,
  resolveApplicationRules,
  type ApplicationContext,
  type ApplicationErrors,
  type CheckedApplication,
  type FormValue,
} from '../../src/domain/application-rules';
import { formatFeishuDate, localDate, parseFeishuDate } from '../../src/domain/calendar';
import { REGIONS } from '../../src/domain/regions';

const CTX: ApplicationContext = { today: '2027-06-10', campaignYear: 2027 };

/** A form that passes on CTX; each test changes what it is about. */
function validForm(overrides: FormValue = {}): FormValue {
  return {
    org_name: '包头市科学技术协会',
    region: '包头市',
    venue: '包头稀土高新区科技创新中心报告厅',
    start_date: '2027-06-20 +0800',
    end_date: '2027-06-21 +0800',
    headcount: '100',
    core_count: '85',
    enterprise_count: '20',
    key_industry_count: '15',
    audience: '园区企业科研管理人员、科技工程师、一线产业工人',
    needs: '稀土功能材料关键工艺技术难题',
    topics: ['lecture-4', 'exchange-1', 'survey-1'],
    contact_name: '王明',
    mobile: '13800138000',
    email: 'btkx@example.com',
    remarks: '',
    ...overrides,
  };
}

function check(form: FormValue, ctx: ApplicationContext = CTX) {
  return checkApplicationForm(form, ctx);
}

function errorsOf(form: FormValue, ctx: ApplicationContext = CTX): ApplicationErrors {
  const result = check(form, ctx);
  return result.ok ? {} : result.errors;
}

function applicationOf(form: FormValue, ctx: ApplicationContext = CTX): CheckedApplication {
  const result = check(form, ctx);
  if (!result.ok) throw new Error(`expected a valid form, got ${JSON.stringify(result.errors)}`);
  return result.application;
}

/** Start and end as Feishu sends them. */
function dates(start: string, end: string = start): FormValue {
  return { start_date: `${start} +0800`, end_date: `${end} +0800` };
}

const CJK = /[\u4e00-\u9fff]/;

describe('DEFAULT_APPLICATION_RULES', () => {
  it('holds the notice’s parameters and our limits', () => {
    expect(DEFAULT_APPLICATION_RULES).toEqual({
      leadDays: 10,
      window: { start: '03-01', end: '11-30' },
      minDays: 1,
      maxDays: 3,
      corePercent: 80,
      keyIndustryPercent: 60,
      maxHeadcount: 2000,
      maxLength: { org_name: 100, venue: 100, audience: 300, needs: 1000, contact_name: 30, email: 100, remarks: 500 },
    });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_APPLICATION_RULES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_APPLICATION_RULES.window)).toBe(true);
    expect(Object.isFrozen(DEFAULT_APPLICATION_RULES.maxLength)).toBe(true);
  });
});

describe('resolveApplicationRules', () => {
  it('returns the defaults without an override', () => {
    expect(resolveApplicationRules()).toEqual(DEFAULT_APPLICATION_RULES);
  });

  it('lays an override over the defaults, nested objects field by field', () => {
    const rules = resolveApplicationRules({ leadDays: 7, window: { end: '10-31' }, maxLength: { needs: 2000 } });
    expect(rules.leadDays).toBe(7);
    expect(rules.window).toEqual({ start: '03-01', end: '10-31' });
    expect(rules.maxLength.needs).toBe(2000);
    expect(rules.maxLength.org_name).toBe(100);
    expect(DEFAULT_APPLICATION_RULES.leadDays).toBe(10);
  });

  it.each([
    [{ leadDays: -1 }],
    [{ leadDays: 1.5 }],
    [{ leadDays: Number.NaN }],
    [{ minDays: 0 }],
    [{ minDays: 4 }],
    [{ maxDays: 0 }],
    [{ corePercent: 101 }],
    [{ keyIndustryPercent: -1 }],
    [{ corePercent: 80.5 }],
    [{ maxHeadcount: 0 }],
    [{ maxLength: { org_name: 0 } }],
    [{ window: { start: '3-1' } }],
    [{ window: { start: '02-29' } }],
    [{ window: { end: '11-31' } }],
    [{ window: { start: '13-01' } }],
    [{ window: { start: '12-01', end: '03-01' } }],
  ])('rejects %j', (override) => {
    expect(() => resolveApplicationRules(override)).toThrow(RangeError);
  });

  it('says what is wrong with an override (the operator reads it at start)', () => {
    expect(() => resolveApplicationRules({ leadDays: -1 })).toThrow('application rules: leadDays must be a whole number ≥ 0, got -1');
    expect(() => resolveApplicationRules({ corePercent: 101 })).toThrow('application rules: percentages must be at most 100');
    expect(() => resolveApplicationRules({ window: { start: '3-1' } })).toThrow("application rules: window.start must be 'MM-DD' (not 02-29), got '3-1'");
    expect(() => resolveApplicationRules({ window: { start: '12-01', end: '03-01' } })).toThrow('application rules: window.start must not be after window.end');
  });
});

describe('a valid form', () => {
  it('passes and yields typed values', () => {
    expect(check(validForm())).toEqual({
      ok: true,
      application: {
        kind: '能力提升',
        orgName: '包头市科学技术协会',
        region: '包头市',
        venue: '包头稀土高新区科技创新中心报告厅',
        startDate: '2027-06-20',
        endDate: '2027-06-21',
        days: 2,
        headcount: 100,
        coreCount: 85,
        enterpriseCount: 20,
        keyIndustryCount: 15,
        audience: '园区企业科研管理人员、科技工程师、一线产业工人',
        needs: '稀土功能材料关键工艺技术难题',
        topics: ['lecture-4', 'exchange-1', 'survey-1'],
        contactName: '王明',
        mobile: '13800138000',
        email: 'btkx@example.com',
        remarks: '',
      },
    });
  });

  it('trims text, normalises digits and the phone number, orders topics', () => {
    const app = applicationOf(
      validForm({
        org_name: '  包头市科学技术协会\u3000',
        region: ' 包头市 ',
        venue: '\n报告厅\n',
        headcount: ' １００ ',
        core_count: '085',
        enterprise_count: '２０',
        key_industry_count: '\t15\t',
        topics: ['survey-1', 'lecture-4', 'survey-1', ' exchange-1 '],
        contact_name: ' 王明 ',
        mobile: '+86 138-0013-8000',
        email: ' btkx@example.com ',
        remarks: '  需投影设备  ',
      }),
    );
    expect(app).toMatchObject({
      orgName: '包头市科学技术协会',
      region: '包头市',
      venue: '报告厅',
      headcount: 100,
      coreCount: 85,
      enterpriseCount: 20,
      keyIndustryCount: 15,
      topics: ['lecture-4', 'exchange-1', 'survey-1'],
      contactName: '王明',
      mobile: '13800138000',
      email: 'btkx@example.com',
      remarks: '需投影设备',
    });
  });

  it('keeps line breaks inside long text', () => {
    expect(applicationOf(validForm({ needs: '一、技术难题\n二、人才需求' })).needs).toBe('一、技术难题\n二、人才需求');
  });

  it('ignores unknown extra fields', () => {
    expect(check(validForm({ extra: 'x', reason: ['a'], __proto__x: '1', submit_button: undefined })).ok).toBe(true);
  });

  it('takes remarks as optional: absent, empty and blank are all ""', () => {
    const { remarks: _omit, ...withoutRemarks } = validForm();
    expect(applicationOf(withoutRemarks).remarks).toBe('');
    expect(applicationOf(validForm({ remarks: '   ' })).remarks).toBe('');
  });

  it('accepts bare YYYY-MM-DD dates and other offsets, keeping the picked date', () => {
    expect(applicationOf(validForm({ start_date: '2027-06-20', end_date: '2027-06-22 -0500' }))).toMatchObject({
      startDate: '2027-06-20',
      endDate: '2027-06-22',
      days: 3,
    });
  });

  it('accepts a single topic sent as a string', () => {
    expect(applicationOf(validForm({ topics: 'lecture-8' })).topics).toEqual(['lecture-8']);
  });

  it.each([...REGIONS])('accepts the region %s', (region) => {
    expect(applicationOf(validForm({ region })).region).toBe(region);
  });
});

describe('an empty form', () => {
  const errors = errorsOf({});

  it('has one message for every required field, keyed by field, in the form’s order', () => {
    // No kind is the first kind (cards sent before the field existed), so it has no message.
    expect(Object.keys(errors)).toEqual(APPLICATION_FIELDS.filter((f) => f !== 'remarks' && f !== 'kind'));
  });

  it('says what to fill in, in Chinese', () => {
    expect(errors).toEqual({
      org_name: '请填写申请单位名称（不超过 100 字）',
      region: '请选择活动所在盟市',
      venue: '请填写活动地点（不超过 100 字）',
      start_date: '请选择活动开始日期',
      end_date: '请选择活动结束日期',
      headcount: '请填写活动人数',
      core_count: '请填写第（2）（3）类人员人数',
      enterprise_count: '请填写参与企业数',
      key_industry_count: '请填写自治区十大产业企业数',
      audience: '请填写活动对象（不超过 300 字）',
      needs: '请填写企业需求（不超过 1000 字）',
      topics: '请至少选择一项活动内容',
      contact_name: '请填写联系人（不超过 30 字）',
      mobile: '请输入 11 位手机号码',
      email: '请填写电子邮箱',
    });
  });

  it('treats blank values like absent ones', () => {
    const blank = Object.fromEntries(APPLICATION_FIELDS.map((f) => [f, f === 'topics' ? [] : ' \u3000 ']));
    expect(errorsOf(blank)).toEqual(errors);
  });
});

describe('lead time: start − today ≥ 10 days', () => {
  it.each([
    ['2027-06-10', '2027-06-20', true], // exactly 10
    ['2027-06-10', '2027-06-21', true],
    ['2027-06-10', '2027-06-19', false], // 9
    ['2027-06-10', '2027-06-10', false], // today
    ['2027-06-10', '2027-06-09', false], // the past
    ['2027-05-25', '2027-06-04', true], // across a month end: 10
    ['2027-05-25', '2027-06-03', false], // 9
    ['2027-04-21', '2027-05-01', true], // a 30-day month: 10
    ['2027-04-22', '2027-05-01', false],
  ])('today %s, start %s → %s', (today, start, ok) => {
    const errors = errorsOf(validForm(dates(start)), { today, campaignYear: 2027 });
    if (ok) expect(errors).toEqual({});
    else expect(errors).toEqual({ start_date: `活动开始日期需在提交之日起至少 10 天之后（最早可选 ${earliestStartDate(today)}）` });
  });

  it('names the earliest date in the message', () => {
    expect(errorsOf(validForm(dates('2027-06-19', '2027-06-19'))).start_date).toBe('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-06-20）');
  });

  it('names the window’s first day when that is later than today + 10', () => {
    expect(errorsOf(validForm(dates('2027-02-05', '2027-03-01')), { today: '2027-02-01', campaignYear: 2027 }).start_date).toBe(
      '活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-03-01）',
    );
  });

  it('says so when no start date is left in the campaign year', () => {
    const ctx = { today: '2027-11-21', campaignYear: 2027 };
    expect(errorsOf(validForm(dates('2027-11-30')), ctx).start_date).toBe('活动开始日期需在提交之日起至少 10 天之后，2027 年度已没有可选的开始日期');
    expect(errorsOf(validForm(dates('2027-11-30')), { today: '2027-11-20', campaignYear: 2027 })).toEqual({});
  });

  it('follows the configured lead days', () => {
    expect(errorsOf(validForm(dates('2027-06-10')), { ...CTX, rules: { leadDays: 0 } })).toEqual({});
    expect(errorsOf(validForm(dates('2027-06-16')), { ...CTX, rules: { leadDays: 7 } }).start_date).toBe(
      '活动开始日期需在提交之日起至少 7 天之后（最早可选 2027-06-17）',
    );
    expect(errorsOf(validForm(dates('2027-06-17')), { ...CTX, rules: { leadDays: 7 } })).toEqual({});
  });
});

describe('window: 03-01..11-30 of the campaign year', () => {
  const early = { today: '2027-01-04', campaignYear: 2027 };
  const windowMessage = '活动需在 2027 年 3 月 1 日至 11 月 30 日之间举办';

  it.each([
    ['2027-02-28', '2027-02-28', { start_date: windowMessage, end_date: windowMessage }],
    ['2027-02-28', '2027-03-01', { start_date: windowMessage }],
    ['2027-03-01', '2027-03-01', {}],
    ['2027-03-01', '2027-03-03', {}],
    ['2027-11-28', '2027-11-30', {}],
    ['2027-11-30', '2027-11-30', {}],
    ['2027-11-29', '2027-12-01', { end_date: windowMessage }],
    ['2027-11-30', '2027-12-01', { end_date: windowMessage }],
    ['2027-12-01', '2027-12-01', { start_date: windowMessage, end_date: windowMessage }],
    ['2026-06-01', '2026-06-01', { start_date: '活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-03-01）', end_date: windowMessage }],
    ['2028-06-01', '2028-06-01', { start_date: windowMessage, end_date: windowMessage }],
  ])('%s..%s', (start, end, expected) => {
    expect(errorsOf(validForm(dates(start, end)), early)).toEqual(expected);
  });

  it('follows the configured window', () => {
    const ctx = { ...early, rules: { window: { start: '04-01', end: '10-31' } } };
    const message = '活动需在 2027 年 4 月 1 日至 10 月 31 日之间举办';
    expect(errorsOf(validForm(dates('2027-03-31')), ctx)).toEqual({ start_date: message, end_date: message });
    expect(errorsOf(validForm(dates('2027-04-01')), ctx)).toEqual({});
    expect(errorsOf(validForm(dates('2027-10-31')), ctx)).toEqual({});
    expect(errorsOf(validForm(dates('2027-11-01')), ctx)).toEqual({ start_date: message, end_date: message });
  });
});

describe('duration: 1–3 days, end not before start', () => {
  it.each([
    ['2027-06-20', '2027-06-20', 1],
    ['2027-06-20', '2027-06-21', 2],
    ['2027-06-20', '2027-06-22', 3],
    ['2027-06-29', '2027-07-01', 3], // across a 30-day month end
    ['2027-07-30', '2027-08-01', 3], // across a 31-day month end
  ])('%s..%s is %i days and passes', (start, end, days) => {
    expect(applicationOf(validForm(dates(start, end))).days).toBe(days);
  });

  it.each([
    ['2027-06-20', '2027-06-23'],
    ['2027-06-29', '2027-07-02'],
    ['2027-06-20', '2027-07-20'],
  ])('%s..%s is too long', (start, end) => {
    expect(errorsOf(validForm(dates(start, end)))).toEqual({ end_date: '活动时长为 1–3 天' });
  });

  it.each([
    ['2027-06-21', '2027-06-20'],
    ['2027-07-01', '2027-06-30'],
    ['2027-06-20', '2027-02-28'], // before start wins over outside the window
  ])('%s..%s ends before it starts', (start, end) => {
    expect(errorsOf(validForm(dates(start, end)))).toEqual({ end_date: '结束日期不能早于开始日期' });
  });

  it('follows the configured durations', () => {
    expect(errorsOf(validForm(dates('2027-06-20', '2027-06-21')), { ...CTX, rules: { maxDays: 1 } })).toEqual({ end_date: '活动时长为 1 天' });
    expect(errorsOf(validForm(dates('2027-06-20', '2027-06-24')), { ...CTX, rules: { maxDays: 5 } })).toEqual({});
    expect(errorsOf(validForm(dates('2027-06-20')), { ...CTX, rules: { minDays: 2, maxDays: 5 } })).toEqual({ end_date: '活动时长为 2–5 天' });
  });

  it('checks the end date alone when the start date is missing', () => {
    const form = validForm({ start_date: undefined, end_date: '2027-12-01 +0800' });
    expect(errorsOf(form)).toEqual({ start_date: '请选择活动开始日期', end_date: '活动需在 2027 年 3 月 1 日至 11 月 30 日之间举办' });
    expect(errorsOf(validForm({ start_date: undefined }))).toEqual({ start_date: '请选择活动开始日期' });
  });
});

describe('leap years', () => {
  const leap = (today: string) => ({ today, campaignYear: 2028 });

  it('2028-02-29 is outside the window', () => {
    const message = '活动需在 2028 年 3 月 1 日至 11 月 30 日之间举办';
    expect(errorsOf(validForm(dates('2028-02-29')), leap('2028-01-04'))).toEqual({ start_date: message, end_date: message });
    expect(errorsOf(validForm(dates('2028-02-29', '2028-03-01')), leap('2028-01-04'))).toEqual({ start_date: message });
  });

  it('counts Feb 29 in the lead time', () => {
    expect(errorsOf(validForm(dates('2028-03-01')), leap('2028-02-20'))).toEqual({}); // 10 days incl. 02-29
    expect(errorsOf(validForm(dates('2028-03-01')), leap('2028-02-19'))).toEqual({}); // 11
    expect(errorsOf(validForm(dates('2028-03-01')), leap('2028-02-21'))).toEqual({
      start_date: '活动开始日期需在提交之日起至少 10 天之后（最早可选 2028-03-02）',
    }); // 9
  });

  it('a common year has no Feb 29 to count', () => {
    expect(errorsOf(validForm(dates('2027-03-01')), { today: '2027-02-19', campaignYear: 2027 })).toEqual({}); // 10
    expect(errorsOf(validForm(dates('2027-03-01')), { today: '2027-02-20', campaignYear: 2027 })).toEqual({
      start_date: '活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-03-02）',
    }); // 9
  });

  it('counts Feb 29 in the duration', () => {
    const yearRound = { window: { start: '01-01', end: '12-31' } };
    const ctx = (year: number) => ({ today: `${year}-01-04`, campaignYear: year, rules: yearRound });
    expect(applicationOf(validForm(dates('2028-02-28', '2028-03-01')), ctx(2028)).days).toBe(3);
    expect(errorsOf(validForm(dates('2028-02-28', '2028-03-02')), ctx(2028))).toEqual({ end_date: '活动时长为 1–3 天' });
    expect(applicationOf(validForm(dates('2027-02-28', '2027-03-02')), ctx(2027)).days).toBe(3);
    expect(applicationOf(validForm(dates('2028-02-29', '2028-02-29')), ctx(2028)).days).toBe(1);
  });

  it('2027-02-29 is no date at all', () => {
    expect(errorsOf(validForm({ start_date: '2027-02-29 +0800' }), { today: '2027-01-04', campaignYear: 2027 }).start_date).toBe('请选择活动开始日期');
  });

  it('a century year that is not a leap year: 2100-02-29 is no date', () => {
    expect(parseFeishuDate('2100-02-29 +0800')).toBeUndefined();
    expect(parseFeishuDate('2000-02-29 +0800')).toBe('2000-02-29');
  });
});

describe('today in a year other than the campaign year', () => {
  it('filing in December for next year’s March', () => {
    expect(errorsOf(validForm(dates('2027-03-01')), { today: '2026-12-20', campaignYear: 2027 })).toEqual({});
  });

  it('filing across New Year: lead time counts over Dec 31', () => {
    const ctx = { today: '2026-12-25', campaignYear: 2027, rules: { window: { start: '01-01', end: '12-31' } } };
    expect(errorsOf(validForm(dates('2027-01-04')), ctx)).toEqual({}); // 10
    expect(errorsOf(validForm(dates('2027-01-03')), ctx).start_date).toBe('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-01-04）');
  });

  it('dates of the current year are outside next year’s window', () => {
    const message = '活动需在 2027 年 3 月 1 日至 11 月 30 日之间举办';
    expect(errorsOf(validForm(dates('2026-06-20')), { today: '2026-06-01', campaignYear: 2027 })).toEqual({ start_date: message, end_date: message });
  });

  it('a campaign year that is over has no start date left', () => {
    expect(errorsOf(validForm(dates('2027-11-30')), { today: '2028-01-05', campaignYear: 2027 }).start_date).toBe(
      '活动开始日期需在提交之日起至少 10 天之后，2027 年度已没有可选的开始日期',
    );
  });
});

describe('dates as Feishu sends them', () => {
  it.each([
    ['2027-06-10 +0800', '2027-06-10'],
    [' 2027-06-10 +0800 ', '2027-06-10'],
    ['2027-06-10 -0500', '2027-06-10'],
    ['2027-06-10 +08:00', '2027-06-10'],
    ['2027-06-10', '2027-06-10'],
    ['2027-12-31 +0800', '2027-12-31'],
  ])('%j → %s', (value, date) => {
    expect(parseFeishuDate(value)).toBe(date);
  });

  it.each(['', '2027-6-10', '2027-06-1', '2027/06/10', '10-06-2027', '2027-13-01 +0800', '2027-06-31 +0800', '2027-06-00', '2027-06-10T00:00:00+08:00', '2027-06-10 0800', '2027-06-10 +0800 x', 'tomorrow', '１２３'])(
    'rejects %j',
    (value) => {
      expect(parseFeishuDate(value)).toBeUndefined();
      expect(errorsOf(validForm({ start_date: value })).start_date).toBe('请选择活动开始日期');
    },
  );

  it('treats a list where a date belongs as no date', () => {
    expect(errorsOf(validForm({ end_date: ['2027-06-21 +0800'] })).end_date).toBe('请选择活动结束日期');
  });
});

describe('formatFeishuDate', () => {
  it.each([
    ['2027-06-10', '+0800', '2027-06-10 +0800'],
    ['2027-06-10', '+08:00', '2027-06-10 +0800'],
    ['2027-06-10', '-0530', '2027-06-10 -0530'],
    ['2027-06-10', 'Asia/Shanghai', '2027-06-10 +0800'],
    ['2027-01-10', 'Asia/Shanghai', '2027-01-10 +0800'],
    ['2027-06-10', 'UTC', '2027-06-10 +0000'],
    ['2027-07-01', 'America/New_York', '2027-07-01 -0400'],
    ['2027-01-15', 'America/New_York', '2027-01-15 -0500'],
  ])('%s in %s → %s', (date, offset, expected) => {
    expect(formatFeishuDate(date, offset)).toBe(expected);
  });

  it('round-trips through parseFeishuDate', () => {
    for (const d of ['2027-03-01', '2028-02-29', '2027-11-30']) expect(parseFeishuDate(formatFeishuDate(d, 'Asia/Shanghai'))).toBe(d);
  });

  it.each([
    ['2027-02-29', '+0800'],
    ['2027-6-1', '+0800'],
    ['2027-06-10', 'Mars/Olympus'],
    ['2027-06-10', '+8'],
  ])('throws for %s %s', (date, offset) => {
    expect(() => formatFeishuDate(date, offset)).toThrow(RangeError);
  });
});

describe('localDate', () => {
  const instant = new Date('2027-06-09T16:30:00Z');

  it('is the calendar date in the given zone, not the machine’s', () => {
    expect(localDate(instant, 'Asia/Shanghai')).toBe('2027-06-10');
    expect(localDate(instant, 'UTC')).toBe('2027-06-09');
    expect(localDate(new Date('2027-06-09T15:59:59Z'), 'Asia/Shanghai')).toBe('2027-06-09');
  });

  it('does not depend on TZ', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(localDate(instant, 'Asia/Shanghai')).toBe('2027-06-10');
      process.env.TZ = 'Pacific/Kiritimati';
      expect(localDate(instant, 'Asia/Shanghai')).toBe('2027-06-10');
      expect(errorsOf(validForm(dates('2027-06-20')), { today: localDate(instant, 'Asia/Shanghai'), campaignYear: 2027 })).toEqual({});
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('throws for an unknown zone', () => {
    expect(() => localDate(instant, 'Nowhere/Special')).toThrow(RangeError);
  });
});

describe('earliestStartDate / filingDeadline', () => {
  it.each([
    ['2027-06-10', '2027-06-20'],
    ['2028-02-20', '2028-03-01'],
    ['2027-02-20', '2027-03-02'],
    ['2027-12-25', '2028-01-04'],
  ])('filed %s → earliest start %s, and back', (today, start) => {
    expect(earliestStartDate(today)).toBe(start);
    expect(filingDeadline(start)).toBe(today);
  });

  it('follows the configured lead days', () => {
    expect(earliestStartDate('2027-06-10', { leadDays: 3 })).toBe('2027-06-13');
    expect(filingDeadline('2027-06-13', { leadDays: 3 })).toBe('2027-06-10');
  });

  it('throws for a malformed date', () => {
    expect(() => earliestStartDate('2027-6-10')).toThrow(RangeError);
    expect(() => filingDeadline('2027-02-29')).toThrow(RangeError);
    expect(() => earliestStartDate('2027-6-10')).toThrow("today: expected 'YYYY-MM-DD', got '2027-6-10'");
    expect(() => campaignYearOn('2027-6-10')).toThrow("today: expected 'YYYY-MM-DD', got '2027-6-10'");
    expect(() => filingDeadline('2027-02-29')).toThrow("startDate: expected 'YYYY-MM-DD', got '2027-02-29'");
  });
});

describe('the year boundary: campaignYearOn and firstAllowedStart', () => {
  it.each([
    ['2026-01-05', 2026, '2026-03-01'], // before the season: this year's, from its first day
    ['2026-02-25', 2026, '2026-03-07'], // today + 10 is already in the season
    ['2026-06-01', 2026, '2026-06-11'], // the season is running
    ['2026-11-20', 2026, '2026-11-30'], // the last day a filing can still make it
    ['2026-11-21', 2027, '2027-03-01'], // nothing left this season: next year's
    ['2026-12-01', 2027, '2027-03-01'], // December: next year's
    ['2026-12-31', 2027, '2027-03-01'],
  ])('on %s the campaign year is %i and the first allowed start %s', (today, year, first) => {
    expect(campaignYearOn(today)).toBe(year);
    expect(firstAllowedStart(today, year)).toBe(first);
  });

  it('has no first start when an explicit year is over', () => {
    expect(firstAllowedStart('2026-12-01', 2026)).toBeUndefined();
    expect(firstAllowedStart('2026-11-21', 2026)).toBeUndefined();
  });

  it('in December accepts next season\'s dates and says which date would pass', () => {
    const ctx = { today: '2026-12-01', campaignYear: campaignYearOn('2026-12-01') };
    const march = validForm({ start_date: '2027-03-10 +0800', end_date: '2027-03-11 +0800' });
    expect(checkApplicationForm(march, ctx).ok).toBe(true);
    const december = validForm({ start_date: '2026-12-05 +0800', end_date: '2026-12-06 +0800' });
    expect(errorsOf(december, ctx).start_date).toBe('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-03-01）');
  });

  it('follows the configured season and lead days', () => {
    expect(campaignYearOn('2026-11-28', { leadDays: 2 })).toBe(2026);
    expect(campaignYearOn('2026-11-29', { leadDays: 2 })).toBe(2027);
    expect(campaignYearOn('2026-10-25', { window: { end: '10-31' } })).toBe(2027);
  });
});

describe('resubmission after 退回修改: the 10 days count from the first submission', () => {
  // First filed 2027-06-01 for 06-15; returned; resubmitted 06-07, 8 days before the start.
  const earlier = { firstSubmittedOn: '2027-06-01', startDate: '2027-06-15' };
  const ctx = { today: '2027-06-07', campaignYear: 2027, earlier };

  it('keeps the original dates', () => {
    expect(errorsOf(validForm(dates('2027-06-15', '2027-06-16')), ctx)).toEqual({});
  });

  it('allows later dates', () => {
    expect(errorsOf(validForm(dates('2027-06-16', '2027-06-16')), ctx)).toEqual({});
  });

  it('counts from today when the activity moves earlier', () => {
    expect(errorsOf(validForm(dates('2027-06-14', '2027-06-14')), ctx).start_date).toBe(
      '活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-06-17）',
    );
  });

  it('refuses a start that has passed', () => {
    const late = { today: '2027-06-16', campaignYear: 2027, earlier };
    expect(errorsOf(validForm(dates('2027-06-15', '2027-06-16')), late).start_date).toBe('活动开始日期已过，请重新选择日期');
    expect(errorsOf(validForm(dates('2027-06-16', '2027-06-16')), late).start_date).toBe('活动开始日期已过，请重新选择日期');
  });

  it.each([
    ['2027-06-07', '2027-06-15', undefined, '2027-06-07'],
    ['2027-06-07', '2027-06-15', earlier, '2027-06-01'],
    ['2027-06-07', '2027-06-20', earlier, '2027-06-01'],
    ['2027-06-07', '2027-06-14', earlier, '2027-06-07'],
    ['2027-06-07', undefined, earlier, '2027-06-07'],
    // A first submission dated after today (the clock was set back): never later than today.
    ['2027-05-30', '2027-06-15', earlier, '2027-05-30'],
  ])('leadDayOf(today %s, start %s) counts from %s', (today, start, e, from) => {
    expect(leadDayOf(today, start, e)).toBe(from);
  });
});

describe('participants: groups (2)+(3) ≥ 80 % of the head count', () => {
  it.each([
    ['100', '80'], // exactly 80 %
    ['100', '100'],
    ['5', '4'],
    ['1', '1'],
    ['2000', '1600'],
  ])('headcount %s, core %s passes', (headcount, core_count) => {
    expect(errorsOf(validForm({ headcount, core_count, enterprise_count: '1', key_industry_count: '1' }))).toEqual({});
  });

  it.each([
    ['100', '79', '79%'],
    ['100', '75', '75%'],
    ['2000', '1599', '79.9%'], // 79.95 % shows rounded down, never as 80 %
    ['3', '2', '66.6%'],
    ['4', '3', '75%'],
    ['1', '0', null],
  ])('headcount %s, core %s fails (%s)', (headcount, core_count, shown) => {
    const errors = errorsOf(validForm({ headcount, core_count, enterprise_count: '1', key_industry_count: '1' }));
    expect(errors).toEqual({
      core_count: shown ? `第（2）（3）类人员需占活动总人数的 80% 以上（当前 ${shown}）` : '第（2）（3）类人员人数需为正整数（只填数字）',
    });
  });

  it('core count above the head count', () => {
    expect(errorsOf(validForm({ headcount: '100', core_count: '101' }))).toEqual({ core_count: '第（2）（3）类人员人数不能超过活动总人数' });
  });

  it('checks the core count alone when the head count is invalid', () => {
    expect(errorsOf(validForm({ headcount: 'abc', core_count: '5' }))).toEqual({ headcount: '活动人数需为正整数（只填数字）' });
    expect(errorsOf(validForm({ headcount: '', core_count: 'x' }))).toEqual({
      headcount: '请填写活动人数',
      core_count: '第（2）（3）类人员人数需为正整数（只填数字）',
    });
  });

  it('follows the configured percentage', () => {
    const ctx = { ...CTX, rules: { corePercent: 90 } };
    expect(errorsOf(validForm({ headcount: '100', core_count: '89' }), ctx)).toEqual({
      core_count: '第（2）（3）类人员需占活动总人数的 90% 以上（当前 89%）',
    });
    expect(errorsOf(validForm({ headcount: '100', core_count: '90' }), ctx)).toEqual({});
  });
});

describe('enterprises: key-industry ones ≥ 60 % of the enterprises', () => {
  it.each([
    ['10', '6'], // exactly 60 %
    ['5', '3'], // exactly 60 %
    ['10', '10'],
    ['1', '1'],
    ['3', '2'],
  ])('enterprises %s, key industry %s passes', (enterprise_count, key_industry_count) => {
    expect(errorsOf(validForm({ enterprise_count, key_industry_count }))).toEqual({});
  });

  it.each([
    ['10', '5', '50%'],
    ['5', '2', '40%'],
    ['100', '59', '59%'],
    ['1000', '599', '59.9%'],
    ['3', '1', '33.3%'],
  ])('enterprises %s, key industry %s fails (%s)', (enterprise_count, key_industry_count, shown) => {
    expect(errorsOf(validForm({ headcount: '1000', core_count: '900', enterprise_count, key_industry_count }))).toEqual({
      key_industry_count: `自治区十大产业企业需占参与企业总数的 60% 以上（当前 ${shown}）`,
    });
  });

  it('key-industry count above the enterprise count', () => {
    expect(errorsOf(validForm({ enterprise_count: '10', key_industry_count: '11' }))).toEqual({
      key_industry_count: '自治区十大产业企业数不能超过参与企业数',
    });
  });

  it('more enterprises than people', () => {
    expect(errorsOf(validForm({ headcount: '10', core_count: '10', enterprise_count: '11', key_industry_count: '11' }))).toEqual({
      enterprise_count: '参与企业数不能超过活动总人数',
    });
    expect(errorsOf(validForm({ headcount: '10', core_count: '10', enterprise_count: '10', key_industry_count: '10' }))).toEqual({});
  });

  it('follows the configured percentage', () => {
    const ctx = { ...CTX, rules: { keyIndustryPercent: 50 } };
    expect(errorsOf(validForm({ enterprise_count: '10', key_industry_count: '5' }), ctx)).toEqual({});
    expect(errorsOf(validForm({ enterprise_count: '10', key_industry_count: '4' }), ctx)).toEqual({
      key_industry_count: '自治区十大产业企业需占参与企业总数的 50% 以上（当前 40%）',
    });
  });
});

describe('counts are positive whole numbers written as digits', () => {
  const COUNT_FIELDS = ['headcount', 'core_count', 'enterprise_count', 'key_industry_count'] as const;

  it.each(['0', '00', '-5', '+5', '1.5', '1.0', '1e3', '12a', '一百', '1,000', '1 000', '٣', '0x10', 'Infinity', 'NaN'])(
    'rejects %j in every count',
    (value) => {
      for (const field of COUNT_FIELDS) {
        expect(errorsOf(validForm({ [field]: value }))[field]).toBe(`${FIELD_LABELS[field]}需为正整数（只填数字）`);
      }
    },
  );

  it.each([
    [' 100 ', 100],
    ['１００', 100],
    ['0100', 100],
    ['\u3000１０\u3000', 10],
  ])('reads %j as %i', (value, n) => {
    const app = applicationOf(validForm({ headcount: value, core_count: value, enterprise_count: value, key_industry_count: value }));
    expect([app.headcount, app.coreCount, app.enterpriseCount, app.keyIndustryCount]).toEqual([n, n, n, n]);
  });

  it('caps the head count at 2000', () => {
    expect(applicationOf(validForm({ headcount: '2000', core_count: '2000' })).headcount).toBe(2000);
    expect(errorsOf(validForm({ headcount: '2001', core_count: '2000' }))).toEqual({ headcount: '活动人数不能超过 2000 人' });
    expect(errorsOf(validForm({ headcount: '00002001', core_count: '2000' }))).toEqual({ headcount: '活动人数不能超过 2000 人' });
    expect(errorsOf(validForm({ headcount: '999999999999999999999999', core_count: '2000' }))).toEqual({ headcount: '活动人数不能超过 2000 人' });
    expect(errorsOf(validForm({ headcount: '9'.repeat(400), core_count: '2000' }))).toEqual({ headcount: '活动人数不能超过 2000 人' });
    expect(errorsOf(validForm({ enterprise_count: '3000' })).enterprise_count).toBe('参与企业数不能超过 2000 家');
  });

  it('treats a list where a number belongs as nothing typed', () => {
    expect(errorsOf(validForm({ headcount: ['100'] })).headcount).toBe('请填写活动人数');
  });
});

describe('text lengths', () => {
  const LIMITS = [
    ['org_name', '申请单位名称', 100],
    ['venue', '活动地点', 100],
    ['audience', '活动对象', 300],
    ['needs', '企业需求', 1000],
    ['contact_name', '联系人', 30],
  ] as const;

  it.each(LIMITS)('%s: %s is required and at most %i characters', (field, label, max) => {
    expect(applicationOf(validForm({ [field]: '字'.repeat(max) }))).toBeDefined();
    expect(errorsOf(validForm({ [field]: '字'.repeat(max + 1) }))).toEqual({ [field]: `${label}不能超过 ${max} 字（当前 ${max + 1} 字）` });
    expect(errorsOf(validForm({ [field]: '' }))).toEqual({ [field]: `请填写${label}（不超过 ${max} 字）` });
    expect(errorsOf(validForm({ [field]: '  \n ' }))).toEqual({ [field]: `请填写${label}（不超过 ${max} 字）` });
    expect(errorsOf(validForm({ [field]: ['字'] }))).toEqual({ [field]: `请填写${label}（不超过 ${max} 字）` });
  });

  it('remarks are optional and at most 500 characters', () => {
    expect(applicationOf(validForm({ remarks: '注'.repeat(500) })).remarks).toHaveLength(500);
    expect(errorsOf(validForm({ remarks: '注'.repeat(501) }))).toEqual({ remarks: '备注不能超过 500 字（当前 501 字）' });
  });

  it('counts characters, not UTF-16 units, and not the surrounding spaces', () => {
    expect(applicationOf(validForm({ contact_name: '😀'.repeat(30) })).contactName).toBe('😀'.repeat(30));
    expect(errorsOf(validForm({ contact_name: '😀'.repeat(31) })).contact_name).toBe('联系人不能超过 30 字（当前 31 字）');
    expect(applicationOf(validForm({ contact_name: `  ${'名'.repeat(30)}  ` })).contactName).toBe('名'.repeat(30));
  });

  it('follows the configured limits', () => {
    expect(errorsOf(validForm({ org_name: '一二三四' }), { ...CTX, rules: { maxLength: { org_name: 3 } } })).toEqual({
      org_name: '申请单位名称不能超过 3 字（当前 4 字）',
    });
  });
});

describe('region', () => {
  it.each(['', '北京市', '内蒙古', '中心', 'baotou', '包头市 赤峰市'])('rejects %j', (region) => {
    expect(errorsOf(validForm({ region }))).toEqual({ region: '请选择活动所在盟市' });
  });

  it('rejects a list', () => {
    expect(errorsOf(validForm({ region: ['包头市'] }))).toEqual({ region: '请选择活动所在盟市' });
  });
});

describe('topics', () => {
  it.each([[undefined], [[]], [['']], [['  ']], ['']])('requires at least one (%j)', (topics) => {
    expect(errorsOf(validForm({ topics }))).toEqual({ topics: '请至少选择一项活动内容' });
  });

  it.each([[['lecture-9']], [['lecture-1', 'bogus']], ['survey-4']])('rejects values not on the menu (%j)', (topics) => {
    expect(errorsOf(validForm({ topics }))).toEqual({ topics: '活动内容中有无效的选项，请重新选择' });
  });

  it('ignores what is not text in the list instead of failing on it', () => {
    const topics = ['lecture-1', 5, null] as unknown as string[];
    expect(applicationOf(validForm({ topics })).topics).toEqual(['lecture-1']);
  });

  it('accepts the whole menu', () => {
    const all = ['lecture-1', 'lecture-2', 'lecture-3', 'lecture-4', 'lecture-5', 'lecture-6', 'lecture-7', 'lecture-8', 'exchange-1', 'exchange-2', 'exchange-3', 'survey-1', 'survey-2', 'survey-3'];
    expect(applicationOf(validForm({ topics: [...all].reverse() })).topics).toEqual(all);
  });
});

describe('mobile: 11-digit mainland number 1[3-9]…', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['15000000000', '15000000000'],
    [' 138 0013 8000 ', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
  ])('accepts %j as %s', (mobile, stored) => {
    expect(applicationOf(validForm({ mobile })).mobile).toBe(stored);
  });

  it.each(['', '1380013800', '138001380001', '1380013800a', '138.0013.8000', '8613800138000', '+1 2025550123', '一三八〇〇一三八〇〇〇'])(
    'rejects %j: not 11 digits',
    (mobile) => {
      expect(errorsOf(validForm({ mobile }))).toEqual({ mobile: '请输入 11 位手机号码' });
    },
  );

  it.each(['12800138000', '10800138000', '11800138000', '23800138000', '01012345678'])('rejects %j: not a mobile number', (mobile) => {
    expect(errorsOf(validForm({ mobile }))).toEqual({ mobile: '手机号码格式不正确（应为 13–19 开头的 11 位号码）' });
  });
});

describe('e-mail', () => {
  it.each(['a@b.cn', 'zzqkczx@126.com', 'first.last+tag@mail.example.org.cn', 'x_y-z@sub-domain.example.com', 'ABC@QQ.COM', '12345@qq.com'])(
    'accepts %j',
    (email) => {
      expect(applicationOf(validForm({ email })).email).toBe(email);
    },
  );

  it.each([
    'plainaddress',
    '@126.com',
    'a@',
    'a@b',
    'a@b.c',
    'a@@b.com',
    'a b@c.com',
    'a..b@c.com',
    '.a@c.com',
    'a.@c.com',
    'a@-b.com',
    'a@b-.com',
    'a@b..com',
    'a@.b.com',
    'a＠b.com',
    '用户@例子.中国',
    'a@b.com,c@d.com',
    'a@b.com.',
  ])('rejects %j', (email) => {
    expect(errorsOf(validForm({ email }))).toEqual({ email: '邮箱格式不正确' });
  });

  it('is at most 100 characters', () => {
    const at = (n: number) => `${'a'.repeat(n - '@qq.com'.length)}@qq.com`;
    expect(applicationOf(validForm({ email: at(100) })).email).toHaveLength(100);
    expect(errorsOf(validForm({ email: at(101) }))).toEqual({ email: '邮箱格式不正确' });
  });
});

describe('all messages', () => {
  const BAD_FORMS: [FormValue, ApplicationContext][] = [
    [{}, CTX],
    [
      validForm({
        org_name: '名'.repeat(101),
        region: '北京',
        venue: '地'.repeat(101),
        start_date: '2027-06-19 +0800',
        end_date: '2027-06-18 +0800',
        headcount: '100',
        core_count: '79',
        enterprise_count: '10',
        key_industry_count: '5',
        audience: '对'.repeat(301),
        needs: '需'.repeat(1001),
        topics: ['nope'],
        contact_name: '联'.repeat(31),
        mobile: '12345678901',
        email: 'x@y',
        remarks: '备'.repeat(501),
      }),
      CTX,
    ],
    [validForm({ headcount: '0', core_count: '3000', enterprise_count: '-1', key_industry_count: '1.5', mobile: '123' }), CTX],
    [validForm({ headcount: '10', core_count: '11', enterprise_count: '11', key_industry_count: '12' }), CTX],
    [validForm(dates('2027-11-30', '2027-12-03')), { today: '2027-11-25', campaignYear: 2027 }],
    [validForm(dates('2027-06-20', '2027-06-30')), CTX],
  ];

  it('are Chinese, keyed by contract field names, one per field', () => {
    let seen = 0;
    for (const [form, ctx] of BAD_FORMS) {
      const result = check(form, ctx);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      for (const [field, message] of Object.entries(result.errors)) {
        expect(APPLICATION_FIELDS).toContain(field);
        expect(typeof message).toBe('string');
        expect(message).toMatch(CJK);
        expect(message).not.toMatch(/[A-Za-z]/);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(30);
  });

  it('report every failing field at once, in the form’s order', () => {
    const result = check(BAD_FORMS[1][0], CTX);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(APPLICATION_FIELDS.filter((f) => f !== 'headcount' && f !== 'enterprise_count' && f !== 'kind'));
  });
});

describe('活动类别 (kind)', () => {
  const outreach = (over: FormValue = {}) => validForm({ kind: '对外交流', topics: ['outreach-2'], ...over });

  it('accepts 对外交流 with its own content, and without the participant breakdown', () => {
    const app = applicationOf(outreach({ core_count: '', enterprise_count: '', key_industry_count: '' }));
    expect(app.kind).toBe('对外交流');
    expect(app.topics).toEqual(['outreach-2']);
    expect([app.coreCount, app.enterpriseCount, app.keyIndustryCount]).toEqual([null, null, null]);
  });

  it('does not apply the 80 % / 60 % rules to 对外交流', () => {
    const app = applicationOf(outreach({ headcount: '100', core_count: '10', enterprise_count: '20', key_industry_count: '1' }));
    expect([app.coreCount, app.enterpriseCount, app.keyIndustryCount]).toEqual([10, 20, 1]);
  });

  it('still checks that the parts do not exceed the whole for 对外交流', () => {
    expect(errorsOf(outreach({ headcount: '10', core_count: '11' })).core_count).toBe('第（2）（3）类人员人数不能超过活动总人数');
  });

  it('applies the 80 % / 60 % rules to 能力提升 and requires the breakdown', () => {
    expect(errorsOf(validForm({ kind: '能力提升', core_count: '10' })).core_count).toMatch(/^第（2）（3）类人员需占活动总人数的 80% 以上/);
    expect(errorsOf(validForm({ kind: '能力提升', core_count: '' })).core_count).toBe('请填写第（2）（3）类人员人数');
  });

  it('applies the 10-day rule to both kinds', () => {
    expect(errorsOf(outreach(dates('2027-06-15'))).start_date).toBe('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-06-20）');
  });

  it('checks the content against the kind', () => {
    expect(errorsOf(outreach({ topics: ['outreach-1', 'lecture-1'] })).topics).toBe('对外交流活动请只选择以「对外交流活动」开头的内容');
    expect(errorsOf(validForm({ kind: '能力提升', topics: ['outreach-1'] })).topics).toMatch(/^企业创新能力提升活动请选择专题讲座、互动交流或考察调研中的内容/);
  });

  it('takes a missing kind as 能力提升 and refuses an unknown one', () => {
    expect(applicationOf(validForm({ kind: undefined })).kind).toBe('能力提升');
    expect(errorsOf(validForm({ kind: '交流' })).kind).toBe('请选择活动类别');
  });
});

describe('context', () => {
  it.each(['2027-6-10', '2027-02-29', '', '2027-06-10 +0800'])('throws for today %j', (today) => {
    expect(() => check(validForm(), { today, campaignYear: 2027 })).toThrow(RangeError);
  });

  it.each([Number.NaN, 27, 2027.5, 20270])('throws for campaign year %j', (campaignYear) => {
    expect(() => check(validForm(), { today: '2027-06-10', campaignYear })).toThrow(RangeError);
  });

  it('names the campaign year it refuses', () => {
    expect(() => check(validForm(), { today: '2027-06-10', campaignYear: 27 })).toThrow('ctx.campaignYear: expected a four-digit year, got 27');
  });

  it('names a malformed first-submission day it counts the lead days from', () => {
    const earlier = { firstSubmittedOn: '2027-01-1', startDate: '2027-06-15' };
    expect(() => check(validForm(dates('2027-06-20')), { ...CTX, earlier })).toThrow("leadFrom: expected 'YYYY-MM-DD', got '2027-01-1'");
  });

  it('throws for a nonsensical rule override', () => {
    expect(() => check(validForm(), { ...CTX, rules: { maxDays: 0 } })).toThrow(RangeError);
  });
});

describe('pickFormValues', () => {
  it('keeps the contract fields as typed and drops the rest', () => {
    expect(pickFormValues({ org_name: '  某协会 ', topics: ['lecture-1', 'bogus'], headcount: 'abc', extra: 'x', reason: ['y'], remarks: undefined })).toEqual({
      org_name: '  某协会 ',
      topics: ['lecture-1', 'bogus'],
      headcount: 'abc',
    });
  });

  it('keeps only the text in a list', () => {
    expect(pickFormValues({ topics: ['lecture-1', 3, null, 'survey-1'] as unknown as string[] })).toEqual({ topics: ['lecture-1', 'survey-1'] });
  });
});

describe('applicationToFormValues', () => {
  it('reopens the counts left empty on an 对外交流 application as empty fields', () => {
    const app = applicationOf(validForm({ kind: '对外交流', topics: ['outreach-2'], core_count: '', enterprise_count: '', key_industry_count: '' }));
    expect([app.coreCount, app.enterpriseCount, app.keyIndustryCount]).toEqual([null, null, null]);
    expect(applicationToFormValues(app, 'Asia/Shanghai')).toMatchObject({ core_count: '', enterprise_count: '', key_industry_count: '' });
  });

  it('reopens a checked application as the same form', () => {
    const app = applicationOf(validForm({ remarks: '需投影设备', mobile: '+86 138 0013 8000' }));
    const values = applicationToFormValues(app, 'Asia/Shanghai');
    expect(values).toMatchObject({ start_date: '2027-06-20 +0800', end_date: '2027-06-21 +0800', headcount: '100', mobile: '13800138000' });
    expect(Object.keys(values)).toEqual([...APPLICATION_FIELDS]);
    expect(applicationOf(values)).toEqual(app);
  });
});
