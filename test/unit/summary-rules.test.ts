import {
  checkSummaryForm,
  pickSummaryValues,
  SATISFACTION_LABELS,
  SUMMARY_FIELDS,
  SUMMARY_LABELS,
  SUMMARY_MAX_LENGTH,
  summaryToFormValues,
  type CheckedSummary,
  type FormValue,
  type SummaryCheck,
  type SummaryField,
} from '../../src/domain/summary-rules';

const VALID: Record<SummaryField, string> = {
  actual_headcount: '120',
  actual_core_count: '100',
  actual_enterprise_count: '20',
  actual_key_industry_count: '15',
  satisfaction: '5',
  outcomes: '专家现场解答了 12 个技术问题，3 家企业达成合作意向。',
  followup_needs: '希望继续对接稀土永磁材料方面的专家',
};

const form = (over: FormValue = {}): FormValue => ({ ...VALID, ...over });

function okSummary(check: SummaryCheck): CheckedSummary {
  if (!check.ok) throw new Error(`expected ok, got ${JSON.stringify(check.errors)}`);
  return check.summary;
}

function errorsOf(check: SummaryCheck): Partial<Record<SummaryField, string>> {
  if (check.ok) throw new Error('expected errors');
  return check.errors;
}

describe('SUMMARY_FIELDS and SUMMARY_LABELS', () => {
  it('name the seven components in form order, each with a label', () => {
    expect([...SUMMARY_FIELDS]).toEqual([
      'actual_headcount',
      'actual_core_count',
      'actual_enterprise_count',
      'actual_key_industry_count',
      'satisfaction',
      'outcomes',
      'followup_needs',
    ]);
    expect(SUMMARY_LABELS).toEqual({
      actual_headcount: '实际参加人数',
      actual_core_count: '其中第（2）（3）类人员',
      actual_enterprise_count: '实际参与企业数',
      actual_key_industry_count: '其中自治区十大产业企业',
      satisfaction: '满意度（1–5）',
      outcomes: '活动成效',
      followup_needs: '后续需求',
    });
  });
});

describe('checkSummaryForm', () => {
  it('accepts a complete form and evaluates both ratios', () => {
    expect(checkSummaryForm(form())).toEqual({
      ok: true,
      summary: {
        actualHeadcount: 120,
        actualCoreCount: 100,
        actualEnterpriseCount: 20,
        actualKeyIndustryCount: 15,
        satisfaction: 5,
        outcomes: VALID.outcomes,
        followupNeeds: VALID.followup_needs,
        corePercentRequired: 80,
        coreRatioMet: true,
        corePercentText: '83.3%',
        keyIndustryPercentRequired: 60,
        keyIndustryApplicable: true,
        keyIndustryRatioMet: true,
        keyIndustryPercentText: '75%',
      },
    });
  });

  describe('the core ratio (groups 2+3, 80 %) is evaluated, not enforced', () => {
    it.each([
      ['100', '80', true, '80%'], // exactly 80 %
      ['1000', '799', false, '79.9%'],
      ['2000', '1599', false, '79.9%'], // 79.95 % rounds down, never shows as 80 %
      ['100', '79', false, '79%'],
      ['3', '3', true, '100%'],
      ['1', '0', false, '0%'],
      ['7', '6', true, '85.7%'],
    ])('%s people, %s of groups 2+3 → met %s (%s)', (headcount, core, met, text) => {
      const s = okSummary(checkSummaryForm(form({ actual_headcount: headcount, actual_core_count: core, actual_enterprise_count: '0', actual_key_industry_count: '0' })));
      expect(s.coreRatioMet).toBe(met);
      expect(s.corePercentText).toBe(text);
    });
  });

  describe('the key-industry ratio (60 %) is evaluated, not enforced', () => {
    it.each([
      ['10', '6', true, '60%'], // exactly 60 %
      ['1000', '599', false, '59.9%'],
      ['9', '5', false, '55.5%'],
      ['20', '20', true, '100%'],
      ['20', '0', false, '0%'],
    ])('%s enterprises, %s of key industries → met %s (%s)', (enterprises, key, met, text) => {
      const s = okSummary(checkSummaryForm(form({ actual_headcount: '1000', actual_core_count: '900', actual_enterprise_count: enterprises, actual_key_industry_count: key })));
      expect(s.keyIndustryApplicable).toBe(true);
      expect(s.keyIndustryRatioMet).toBe(met);
      expect(s.keyIndustryPercentText).toBe(text);
    });

    it('does not apply when no enterprise took part', () => {
      const s = okSummary(checkSummaryForm(form({ actual_enterprise_count: '0', actual_key_industry_count: '0' })));
      expect(s).toMatchObject({
        actualEnterpriseCount: 0,
        actualKeyIndustryCount: 0,
        keyIndustryApplicable: false,
        keyIndustryRatioMet: true,
        keyIndustryPercentText: null,
      });
    });
  });

  it('measures against overridden percentages and reports them', () => {
    const s = okSummary(checkSummaryForm(form({ actual_headcount: '100', actual_core_count: '50', actual_enterprise_count: '10', actual_key_industry_count: '5' }), { corePercent: 50, keyIndustryPercent: 51 }));
    expect(s).toMatchObject({ corePercentRequired: 50, coreRatioMet: true, keyIndustryPercentRequired: 51, keyIndustryRatioMet: false, keyIndustryPercentText: '50%' });
  });

  it('throws on a nonsensical rule set (a configuration error, not the filer’s)', () => {
    expect(() => checkSummaryForm(form(), { corePercent: 101 })).toThrow(RangeError);
  });

  describe('counts', () => {
    it.each([
      ['１２０', '１００', 120, 100],
      ['\u3000１２０\u3000', ' 100 ', 120, 100],
      ['0120', '0100', 120, 100],
    ])('reads %j and %j as digits', (headcount, core, h, c) => {
      const s = okSummary(checkSummaryForm(form({ actual_headcount: headcount, actual_core_count: core })));
      expect([s.actualHeadcount, s.actualCoreCount]).toEqual([h, c]);
    });

    it.each([
      ['', '请填写实际参加人数'],
      ['   ', '请填写实际参加人数'],
      ['0', '实际参加人数需为正整数（只填数字）'],
      ['000', '实际参加人数需为正整数（只填数字）'],
      ['-5', '实际参加人数需为正整数（只填数字）'],
      ['12.5', '实际参加人数需为正整数（只填数字）'],
      ['120人', '实际参加人数需为正整数（只填数字）'],
      ['abc', '实际参加人数需为正整数（只填数字）'],
      ['2001', '实际参加人数不能超过 2000 人'],
      ['123456789012345678901234567890', '实际参加人数不能超过 2000 人'],
    ])('rejects a head count of %j', (value, message) => {
      expect(errorsOf(checkSummaryForm(form({ actual_headcount: value })))).toEqual({ actual_headcount: message });
    });

    it('treats a list where a number belongs as nothing typed', () => {
      expect(errorsOf(checkSummaryForm(form({ actual_headcount: ['120'] })))).toEqual({ actual_headcount: '请填写实际参加人数' });
    });

    it('accepts the maximum head count', () => {
      expect(okSummary(checkSummaryForm(form({ actual_headcount: '2000' }))).actualHeadcount).toBe(2000);
      expect(errorsOf(checkSummaryForm(form({ actual_headcount: '51', actual_core_count: '45' }), { maxHeadcount: 50 }))).toEqual({ actual_headcount: '实际参加人数不能超过 50 人' });
    });

    it.each([
      ['actual_core_count', '', '请填写第（2）（3）类人员人数（没有请填 0）'],
      ['actual_core_count', '-1', '第（2）（3）类人员人数需为整数（只填数字，没有请填 0）'],
      ['actual_core_count', '121', '第（2）（3）类人员人数不能超过实际参加人数'],
      ['actual_enterprise_count', '', '请填写实际参与企业数（没有请填 0）'],
      ['actual_enterprise_count', '二十', '实际参与企业数需为整数（只填数字，没有请填 0）'],
      ['actual_enterprise_count', '121', '实际参与企业数不能超过实际参加人数'],
      ['actual_enterprise_count', '2001', '实际参与企业数不能超过 2000 家'],
      ['actual_key_industry_count', '', '请填写自治区十大产业企业数（没有请填 0）'],
      ['actual_key_industry_count', '21', '自治区十大产业企业数不能超过实际参与企业数'],
    ] as Array<[SummaryField, string, string]>)('rejects %s = %j', (field, value, message) => {
      expect(errorsOf(checkSummaryForm(form({ [field]: value })))).toEqual({ [field]: message });
    });

    it('allows 0 for the "of which" counts and the enterprises, equal to their whole', () => {
      const s = okSummary(checkSummaryForm(form({ actual_core_count: '0', actual_enterprise_count: '120', actual_key_industry_count: '120' })));
      expect(s).toMatchObject({ actualCoreCount: 0, coreRatioMet: false, corePercentText: '0%', actualEnterpriseCount: 120, actualKeyIndustryCount: 120 });
    });

    it('rejects key-industry enterprises when none took part', () => {
      expect(errorsOf(checkSummaryForm(form({ actual_enterprise_count: '0', actual_key_industry_count: '1' })))).toEqual({
        actual_key_industry_count: '自治区十大产业企业数不能超过实际参与企业数',
      });
    });

    it('skips a comparison whose other side is itself wrong', () => {
      expect(errorsOf(checkSummaryForm(form({ actual_headcount: 'x', actual_core_count: '5000' })))).toEqual({
        actual_headcount: '实际参加人数需为正整数（只填数字）',
        actual_core_count: '第（2）（3）类人员人数不能超过 2000 人',
      });
    });
  });

  describe('satisfaction', () => {
    it.each(['1', '2', '3', '4', '5', ' 3 ', '４'])('accepts %j', (value) => {
      expect(okSummary(checkSummaryForm(form({ satisfaction: value }))).satisfaction).toBe(Number(value.trim().replace('４', '4')));
    });

    it.each([
      ['', '请选择满意度'],
      [undefined, '请选择满意度'],
      ['6', '满意度请在 1–5 中选择'],
      ['0', '满意度请在 1–5 中选择'],
      ['abc', '满意度请在 1–5 中选择'],
      ['05', '满意度请在 1–5 中选择'],
      ['4.5', '满意度请在 1–5 中选择'],
    ])('rejects %j', (value, message) => {
      expect(errorsOf(checkSummaryForm(form({ satisfaction: value })))).toEqual({ satisfaction: message });
    });

    it('has a label for every value', () => {
      expect(Object.values(SATISFACTION_LABELS)).toEqual(['1 非常不满意', '2 不满意', '3 一般', '4 满意', '5 非常满意']);
    });
  });

  describe('texts', () => {
    it('trims them', () => {
      const s = okSummary(checkSummaryForm(form({ outcomes: '  成效良好\n', followup_needs: '\n' })));
      expect(s.outcomes).toBe('成效良好');
      expect(s.followupNeeds).toBe('');
    });

    it.each([undefined, '', ' \n\u3000'])('requires outcomes (%j)', (value) => {
      expect(errorsOf(checkSummaryForm(form({ outcomes: value })))).toEqual({ outcomes: '请填写活动成效（不超过 1000 字）' });
    });

    it('leaves the follow-up needs optional', () => {
      expect(okSummary(checkSummaryForm(form({ followup_needs: undefined }))).followupNeeds).toBe('');
    });

    it('counts characters, not UTF-16 units, up to 1000', () => {
      expect(SUMMARY_MAX_LENGTH).toEqual({ outcomes: 1000, followup_needs: 1000 });
      const atMax = '成'.repeat(999) + '😀';
      const s = okSummary(checkSummaryForm(form({ outcomes: atMax, followup_needs: '需'.repeat(1000) })));
      expect([...s.outcomes]).toHaveLength(1000);
      expect(errorsOf(checkSummaryForm(form({ outcomes: `${atMax}效`, followup_needs: '需'.repeat(1001) })))).toEqual({
        outcomes: '活动成效不能超过 1000 字（当前 1001 字）',
        followup_needs: '后续需求不能超过 1000 字（当前 1001 字）',
      });
    });
  });

  it('reports every failing field at once, in form order', () => {
    const errors = errorsOf(checkSummaryForm({ followup_needs: 'x'.repeat(1001), satisfaction: '9', actual_core_count: 'a' }));
    expect(Object.keys(errors)).toEqual(['actual_headcount', 'actual_core_count', 'actual_enterprise_count', 'actual_key_industry_count', 'satisfaction', 'outcomes', 'followup_needs']);
  });

  it('ignores unknown fields', () => {
    expect(checkSummaryForm(form({ status: '已总结', id: '99' })).ok).toBe(true);
  });
});

describe('pickSummaryValues and summaryToFormValues', () => {
  it('keeps the known string fields only', () => {
    expect(pickSummaryValues({ actual_headcount: '12人', satisfaction: ['5'], other: 'x', outcomes: '' })).toEqual({ actual_headcount: '12人', outcomes: '' });
  });

  it('round-trips a checked summary', () => {
    const s = okSummary(checkSummaryForm(form()));
    expect(summaryToFormValues(s)).toEqual(VALID);
    expect(checkSummaryForm(summaryToFormValues(s))).toEqual({ ok: true, summary: s });
  });
});
