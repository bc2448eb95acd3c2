import {
  ACTIVITY_GROUPS,
  ACTIVITY_MENU,
  activitiesOf,
  activitiesOfKind,
  ACTIVITY_KINDS,
  KIND_NAMES,
  valuesNotOfKind,
  activityLabel,
  findActivity,
  isActivityValue,
  validateActivityValues,
} from '../../src/domain/activity-menu';

describe('ACTIVITY_MENU', () => {
  it('has the notice’s three groups of content and 对外交流活动, in order', () => {
    expect(ACTIVITY_GROUPS).toEqual(['专题讲座', '互动交流', '考察调研', '对外交流活动']);
  });

  it('has 8 lectures, 3 exchanges, 3 surveys and 3 对外交流活动, numbered from 1 in the notice’s order', () => {
    expect(activitiesOf('专题讲座').map((o) => o.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(activitiesOf('互动交流').map((o) => o.number)).toEqual([1, 2, 3]);
    expect(activitiesOf('考察调研').map((o) => o.number)).toEqual([1, 2, 3]);
    expect(activitiesOf('对外交流活动').map((o) => o.number)).toEqual([1, 2, 3]);
    expect(ACTIVITY_MENU).toHaveLength(17);
  });

  it('puts the first three groups under 能力提升 and 对外交流活动 under 对外交流', () => {
    expect(activitiesOfKind('能力提升')).toHaveLength(14);
    expect(activitiesOfKind('对外交流').map((o) => o.value)).toEqual(['outreach-1', 'outreach-2', 'outreach-3']);
    expect(ACTIVITY_KINDS).toEqual(['能力提升', '对外交流']);
    expect(KIND_NAMES).toEqual({ 能力提升: '企业创新能力提升活动', 对外交流: '对外交流活动' });
  });

  it('finds the content that does not belong to a kind', () => {
    expect(valuesNotOfKind(['lecture-1', 'outreach-2'], '能力提升')).toEqual(['outreach-2']);
    expect(valuesNotOfKind(['lecture-1', 'outreach-2'], '对外交流')).toEqual(['lecture-1']);
    expect(valuesNotOfKind(['outreach-1'], '对外交流')).toEqual([]);
  });

  it('has stable ASCII values derived from group and number', () => {
    const prefix = { 专题讲座: 'lecture', 互动交流: 'exchange', 考察调研: 'survey', 对外交流活动: 'outreach' } as const;
    for (const o of ACTIVITY_MENU) {
      expect(o.value).toMatch(/^[a-z]+-\d$/);
      expect(o.value).toBe(`${prefix[o.group]}-${o.number}`);
    }
    expect(new Set(ACTIVITY_MENU.map((o) => o.value)).size).toBe(17);
  });

  it('carries the 2026 notice’s wording, without list punctuation', () => {
    expect(ACTIVITY_MENU.map((o) => [o.value, o.text])).toEqual([
      ['lecture-1', '以铸牢中华民族共同体意识为主线，结合党的二十大和二十届四中全会精神学习科技创新发展、企业发展相关理论'],
      ['lecture-2', '我国产业发展形势及企业创新的宏观环境和突破路径'],
      ['lecture-3', '“科创中国”内蒙古协同创新总部平台运用'],
      ['lecture-4', '科技政策落地宣讲解读'],
      ['lecture-5', '创新方法宣讲推广、项目辅导和应用实践'],
      ['lecture-6', '技术经理人培训'],
      ['lecture-7', '园企科协办事大厅博士创新站等资源推介'],
      ['lecture-8', '其他企业需求内容'],
      ['exchange-1', '“科创会客厅”科技成果推介与对接'],
      ['exchange-2', '现场解读答疑，推动科技政策落地见效'],
      ['exchange-3', '博士创新站与科技小院交流互动'],
      ['survey-1', '深入园区和企业开展需求挖掘分析，推动精准对接'],
      ['survey-2', '园企科协走访调研、交流研讨'],
      ['survey-3', '各盟市企业创新能力提升和政策落地情况'],
      ['outreach-1', '博士创新站与科技小院交流活动'],
      ['outreach-2', '区内外交流合作与成果推介活动'],
      ['outreach-3', '组织参加中国科协举办的全国园区科协、民营企业科协、国有企业科协负责人提能行动主题活动'],
    ]);
    for (const o of ACTIVITY_MENU) expect(o.text).not.toMatch(/[；。;.\s]$/);
  });
});

describe('findActivity / isActivityValue', () => {
  it.each(ACTIVITY_MENU.map((o) => [o.value, o]))('finds %s', (value, option) => {
    expect(findActivity(value)).toBe(option);
    expect(isActivityValue(value)).toBe(true);
  });

  it.each(['', 'lecture-0', 'lecture-9', 'exchange-4', 'survey-4', 'LECTURE-1', ' lecture-1', '专题讲座', 'toString', '__proto__'])(
    'does not find %j',
    (value) => {
      expect(findActivity(value)).toBeUndefined();
      expect(isActivityValue(value)).toBe(false);
    },
  );
});

describe('activityLabel', () => {
  it('reads group, number and text', () => {
    expect(activityLabel(findActivity('lecture-4')!)).toBe('专题讲座 4. 科技政策落地宣讲解读');
    expect(activityLabel(findActivity('survey-2')!)).toBe('考察调研 2. 园企科协走访调研、交流研讨');
  });
});

describe('validateActivityValues', () => {
  it('accepts an empty list (whether one is required is the form’s rule)', () => {
    expect(validateActivityValues([])).toEqual({ ok: true, values: [] });
  });

  it('accepts every value', () => {
    const all = ACTIVITY_MENU.map((o) => o.value);
    expect(validateActivityValues(all)).toEqual({ ok: true, values: all });
  });

  it('returns menu order without duplicates', () => {
    expect(validateActivityValues(['survey-3', 'lecture-2', 'survey-3', 'exchange-1', 'lecture-2'])).toEqual({
      ok: true,
      values: ['lecture-2', 'exchange-1', 'survey-3'],
    });
  });

  it('reports unknown values, each once, rather than dropping them', () => {
    expect(validateActivityValues(['lecture-1', 'lecture-9', 'bogus', 'lecture-9'])).toEqual({
      ok: false,
      unknown: ['lecture-9', 'bogus'],
    });
  });
});
