import {
  findIndustry,
  INDUSTRIES,
  industryLabel,
  isIndustryValue,
  parseIndustry,
  resolveIndustries,
  type Industry,
} from '../../src/domain/industries';

describe('INDUSTRIES', () => {
  it('has the default list with stable values and Chinese labels, in order', () => {
    expect(INDUSTRIES.map((i) => [i.value, i.label])).toEqual([
      ['rare-earth', '稀土及新材料'],
      ['new-energy', '新能源（风光氢储）'],
      ['chemicals', '现代煤化工及精细化工'],
      ['metallurgy', '冶金'],
      ['equipment', '现代装备制造'],
      ['dairy-agri', '乳业及农畜产品加工'],
      ['biomedicine', '生物医药及蒙中医药'],
      ['digital', '数字经济（大数据、云计算、人工智能）'],
      ['green', '节能环保及生态'],
      ['agriculture', '现代农牧业及种业'],
      ['other', '其他'],
    ]);
  });

  it('values fit the 32-character column and are lower-case ASCII', () => {
    for (const i of INDUSTRIES) expect(i.value).toMatch(/^[a-z0-9-]{1,32}$/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(INDUSTRIES)).toBe(true);
    expect(Object.isFrozen(INDUSTRIES[0])).toBe(true);
    expect(Object.isFrozen(INDUSTRIES[0].aliases)).toBe(true);
  });

  it('is what resolveIndustries gives without an override', () => {
    expect(resolveIndustries()).toBe(INDUSTRIES);
  });
});

describe('findIndustry / isIndustryValue / industryLabel', () => {
  it('finds by stored value only', () => {
    expect(findIndustry('digital')?.label).toBe('数字经济（大数据、云计算、人工智能）');
    expect(findIndustry('数字经济')).toBeUndefined();
    expect(findIndustry('Digital')).toBeUndefined();
    expect(isIndustryValue('other')).toBe(true);
    expect(isIndustryValue('space')).toBe(false);
  });

  it('labels a value no longer in the list with the value itself', () => {
    expect(industryLabel('metallurgy')).toBe('冶金');
    expect(industryLabel('space')).toBe('space');
  });
});

describe('parseIndustry', () => {
  const cases: [string, string][] = [
    // values and labels
    ['rare-earth', 'rare-earth'],
    ['RARE-EARTH', 'rare-earth'],
    ['稀土及新材料', 'rare-earth'],
    ['新能源（风光氢储）', 'new-energy'],
    ['新能源(风光氢储)', 'new-energy'],
    [' 新能源 （风光氢储） ', 'new-energy'],
    ['数字经济（大数据、云计算、人工智能）', 'digital'],
    // the aliases the brief names
    ['稀土', 'rare-earth'],
    ['新材料', 'rare-earth'],
    ['新能源', 'new-energy'],
    ['风电', 'new-energy'],
    ['光伏', 'new-energy'],
    ['氢能', 'new-energy'],
    ['储能', 'new-energy'],
    ['煤化工', 'chemicals'],
    ['化工', 'chemicals'],
    ['精细化工', 'chemicals'],
    ['冶金', 'metallurgy'],
    ['装备', 'equipment'],
    ['装备制造', 'equipment'],
    ['乳业', 'dairy-agri'],
    ['农畜产品', 'dairy-agri'],
    ['农畜产品加工', 'dairy-agri'],
    ['生物医药', 'biomedicine'],
    ['蒙医药', 'biomedicine'],
    ['蒙中医药', 'biomedicine'],
    ['数字经济', 'digital'],
    ['大数据', 'digital'],
    ['人工智能', 'digital'],
    ['云计算', 'digital'],
    ['AI', 'digital'],
    ['ＡＩ', 'digital'],
    ['节能环保', 'green'],
    ['生态', 'green'],
    ['农牧业', 'agriculture'],
    ['现代农牧业', 'agriculture'],
    ['种业', 'agriculture'],
    ['其他', 'other'],
    ['其它', 'other'],
    // a trailing 产业/行业/领域
    ['稀土产业', 'rare-earth'],
    ['新能源行业', 'new-energy'],
    ['人工智能领域', 'digital'],
  ];
  it.each(cases)('%s → %s', (text, value) => {
    expect(parseIndustry(text)?.value).toBe(value);
  });

  it.each(['', '   ', '航天', '产业', '新', '稀土新', 'rare earth x'])('%j is no industry', (text) => {
    expect(parseIndustry(text)).toBeUndefined();
  });
});

describe('resolveIndustries', () => {
  const custom = [
    { value: 'dairy', label: '乳业' },
    { value: 'grassland', label: '草业及生态', aliases: ['草原'] },
    { value: 'other', label: '其他' },
  ];

  it('replaces the list and parses against it', () => {
    const list = resolveIndustries(custom);
    expect(list.map((i) => i.value)).toEqual(['dairy', 'grassland', 'other']);
    expect(Object.isFrozen(list)).toBe(true);
    expect(parseIndustry('乳业', list)?.value).toBe('dairy');
    expect(parseIndustry('草原', list)?.value).toBe('grassland');
    expect(parseIndustry('生态', list)?.value).toBe('grassland'); // a part of the label
    expect(parseIndustry('稀土', list)).toBeUndefined(); // the default list is not consulted
    expect(findIndustry('rare-earth', list)).toBeUndefined();
    expect(isIndustryValue('dairy', list)).toBe(true);
  });

  it('finds a label that itself ends in 产业 as written, not only by its stem', () => {
    const list = resolveIndustries([{ value: 'digital', label: '数字产业' }, { value: 'other', label: '其他' }]);
    expect(parseIndustry('数字产业', list)?.value).toBe('digital');
    expect(parseIndustry('数字', list)).toBeUndefined();
  });

  it('does not keep a reference to the caller’s objects', () => {
    const input = [{ value: 'a', label: '甲', aliases: ['一'] }];
    const list = resolveIndustries(input);
    input[0].label = '乙';
    input[0].aliases.push('二');
    expect(list[0]).toEqual({ value: 'a', label: '甲', aliases: ['一'] });
  });

  it('drops a label part two entries share, rather than guessing', () => {
    const list = resolveIndustries([
      { value: 'a', label: '稀土及材料' },
      { value: 'b', label: '化工及材料' },
    ]);
    expect(parseIndustry('稀土', list)?.value).toBe('a');
    expect(parseIndustry('化工', list)?.value).toBe('b');
    expect(parseIndustry('材料', list)).toBeUndefined();
  });

  it('lets an explicit alias win over another entry’s label part', () => {
    const list = resolveIndustries([
      { value: 'a', label: '稀土及材料' },
      { value: 'b', label: '新材料', aliases: ['材料'] },
    ]);
    expect(parseIndustry('材料', list)?.value).toBe('b');
  });

  const broken: [string, unknown, RegExp][] = [
    ['an empty list', [], /non-empty/],
    ['not a list', { value: 'a', label: '甲' }, /non-empty/],
    ['a repeated value', [{ value: 'a', label: '甲' }, { value: 'a', label: '乙' }], /value 'a' appears twice/],
    ['a repeated label', [{ value: 'a', label: '甲' }, { value: 'b', label: '甲' }], /label '甲' of 'b' is already used by 'a'/],
    ['a label repeated up to width and spaces', [{ value: 'a', label: '新能源（风光）' }, { value: 'b', label: '新能源 (风光)' }], /already used by 'a'/],
    ['an alias shared by two entries', [{ value: 'a', label: '甲', aliases: ['丙'] }, { value: 'b', label: '乙', aliases: ['丙'] }], /alias '丙' of 'b' is already used by 'a'/],
    ['an alias equal to another label', [{ value: 'a', label: '甲' }, { value: 'b', label: '乙', aliases: ['甲'] }], /alias '甲' of 'b'/],
    ['a non-ASCII value', [{ value: '稀土', label: '稀土' }], /industries\[0\]\.value/],
    ['an upper-case value', [{ value: 'Rare', label: '稀土' }], /industries\[0\]\.value/],
    ['a value over 32 characters', [{ value: 'a'.repeat(33), label: '甲' }], /industries\[0\]\.value/],
    ['a value ending in a dash', [{ value: 'a-', label: '甲' }], /industries\[0\]\.value/],
    ['an empty label', [{ value: 'a', label: '' }], /industries\[0\]\.label/],
    ['a label with spaces around', [{ value: 'a', label: ' 甲' }], /industries\[0\]\.label/],
    ['a label over 30 characters', [{ value: 'a', label: '甲'.repeat(31) }], /industries\[0\]\.label/],
    ['an empty alias', [{ value: 'a', label: '甲', aliases: [' '] }], /industries\[0\]\.aliases/],
    ['an empty alias after a good one', [{ value: 'a', label: '甲', aliases: ['甲一', ''] }], /industries\[0\]\.aliases: expected a list of non-empty strings/],
    ['an alias that is not a string', [{ value: 'a', label: '甲', aliases: [5] }], /industries\[0\]\.aliases: expected a list of non-empty strings/],
    ['aliases that are not a list', [{ value: 'a', label: '甲', aliases: '甲一' }], /industries\[0\]\.aliases/],
    ['a null entry', [null], /^industries\[0\]: expected \{ value, label \}$/],
    ['a string entry', [{ value: 'a', label: '甲' }, 'b'], /^industries\[1\]: expected \{ value, label \}$/],
    ['a number value', [{ value: 5, label: '甲' }], /industries\[0\]\.value: .* got '5'/],
    ['a value given as a list', [{ value: ['a'], label: '甲' }], /industries\[0\]\.value/],
    ['a number label', [{ value: 'a', label: 5 }], /industries\[0\]\.label: expected 1–30 characters without surrounding spaces, got '5'/],
  ];
  it.each(broken)('rejects %s', (_what, list, message) => {
    expect(() => resolveIndustries(list as Industry[])).toThrow(RangeError);
    expect(() => resolveIndustries(list as Industry[])).toThrow(message);
  });

  it('lets an entry repeat its own value or label as an alias, up to case and width', () => {
    const list = resolveIndustries([{ value: 'ai', label: '人工智能', aliases: ['AI', 'ＡＩ', '人工 智能'] }]);
    expect(parseIndustry('Ai', list)?.value).toBe('ai');
  });

  it('keeps a label part the label names twice', () => {
    const list = resolveIndustries([{ value: 'a', label: '稀土及材料（稀土）' }]);
    expect(parseIndustry('稀土', list)?.value).toBe('a');
    expect(parseIndustry('材料', list)?.value).toBe('a');
  });

  it('splits the label at 及 和 与 、 , / outside parentheses and 、 , ; / inside them, half or full width', () => {
    const list = resolveIndustries([
      { value: 'a', label: '风电（陆上风电、海上风电，分散式风电;光热；光伏/氢能）' },
      { value: 'b', label: '甲和乙与丙、丁，戊/己' },
    ]);
    for (const part of ['风电', '陆上风电', '海上风电', '分散式风电', '光热', '光伏', '氢能']) expect(parseIndustry(part, list)?.value).toBe('a');
    for (const part of ['甲', '乙', '丙', '丁', '戊', '己']) expect(parseIndustry(part, list)?.value).toBe('b');
    expect(parseIndustry('陆上风电、海上风电', list)).toBeUndefined();
  });

  it('folds case by lower-casing: a dotless ı and an i stay two words', () => {
    const list = resolveIndustries([
      { value: 'a', label: '甲', aliases: ['ı'] },
      { value: 'b', label: '乙', aliases: ['i'] },
    ]);
    expect(parseIndustry('ı', list)?.value).toBe('a');
    expect(parseIndustry('I', list)?.value).toBe('b');
  });
});

describe('a list not checked by resolveIndustries', () => {
  // Industry[] can be built by hand (tests, a caller skipping resolveIndustries).
  const unchecked: Industry[] = [
    { value: 'a', label: '甲', aliases: [' '] },
    { value: 'b', label: '乙' },
  ];

  it('never reads blank text or a bare suffix as an industry, even where a blank alias gave the empty key an entry', () => {
    for (const text of ['', ' ', '产业', ' 行业 ', '技术']) expect(parseIndustry(text, unchecked)).toBeUndefined();
    expect(parseIndustry('甲产业', unchecked)?.value).toBe('a');
  });

  it('names a value that two entries share up to case', () => {
    expect(() => findIndustry('a', [{ value: 'Ai', label: '甲' }, { value: 'ai', label: '乙' }])).toThrow("industries: value 'ai' of 'ai' is already used by 'Ai'");
  });
});

describe('parseIndustry’s suffixes', () => {
  it.each([
    ['稀土产业', 'rare-earth'],
    ['稀土行业', 'rare-earth'],
    ['稀土领域', 'rare-earth'],
    ['人工智能方向', 'digital'],
    ['人工智能技术', 'digital'],
    ['人工智能 技术', 'digital'],
  ])('strips a trailing suffix: %s → %s', (text, value) => {
    expect(parseIndustry(text)?.value).toBe(value);
  });

  it.each(['产业稀土', '领域人工智能', '人工智能技术方向x', '稀土产业园'])('strips it only at the end: %s is no industry', (text) => {
    expect(parseIndustry(text)).toBeUndefined();
  });

  it('accepts a 32-character value and a 30-character label', () => {
    expect(resolveIndustries([{ value: 'a'.repeat(32), label: '甲'.repeat(30) }])).toHaveLength(1);
  });
});
