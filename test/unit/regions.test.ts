import { CENTRE, parseBindingScope, parseRegion, REGIONS, SHORT_NAMES } from '../../src/domain/regions';

describe('REGIONS', () => {
  it('has exactly the 14 leagues and cities, without duplicates', () => {
    expect(REGIONS).toHaveLength(14);
    expect(new Set(REGIONS).size).toBe(14);
    expect(REGIONS).toEqual([
      '呼和浩特市',
      '包头市',
      '乌海市',
      '赤峰市',
      '通辽市',
      '鄂尔多斯市',
      '呼伦贝尔市',
      '巴彦淖尔市',
      '乌兰察布市',
      '兴安盟',
      '锡林郭勒盟',
      '阿拉善盟',
      '满洲里市',
      '二连浩特市',
    ]);
  });

  it('every name ends in 市 or 盟', () => {
    for (const r of REGIONS) expect(r).toMatch(/[市盟]$/);
  });
});

describe('parseRegion', () => {
  it.each([...REGIONS])('accepts the full name %s', (name) => {
    expect(parseRegion(name)).toBe(name);
  });

  it.each(REGIONS.map((r) => [r.slice(0, -1), r]))('accepts %s for %s', (short, full) => {
    expect(parseRegion(short)).toBe(full);
  });

  it.each([
    ['包头', '包头市'],
    ['兴安', '兴安盟'],
    ['锡林郭勒', '锡林郭勒盟'],
    ['  包头市  ', '包头市'],
    ['\u3000阿拉善\u3000', '阿拉善盟'],
  ])('%j → %s', (input, expected) => {
    expect(parseRegion(input)).toBe(expected);
  });

  it.each(['', '   ', '北京市', '包头县', '包', '市', '盟', '内蒙古', '包头市 赤峰市', '中心', 'baotou'])('rejects %j', (input) => {
    expect(parseRegion(input)).toBeUndefined();
  });
});

describe('parseBindingScope', () => {
  it('accepts 中心', () => {
    expect(CENTRE).toBe('中心');
    expect(parseBindingScope('中心')).toBe(CENTRE);
    expect(parseBindingScope(' 中心 ')).toBe(CENTRE);
  });

  it.each(['服务中心', '中心群'])('accepts %s as the centre', (name) => {
    expect(parseBindingScope(name)).toBe(CENTRE);
  });

  it('accepts regions like parseRegion', () => {
    expect(parseBindingScope('包头')).toBe('包头市');
    expect(parseBindingScope('锡林郭勒盟')).toBe('锡林郭勒盟');
  });

  it.each(['', '中', '中心中心', '北京'])('rejects %j', (name) => {
    expect(parseBindingScope(name)).toBeUndefined();
  });
});

describe('short names (SHORT_NAMES)', () => {
  it.each([
    ['呼市', '呼和浩特市'],
    ['包头', '包头市'],
    ['鄂尔多斯', '鄂尔多斯市'],
    ['鄂市', '鄂尔多斯市'],
    ['锡盟', '锡林郭勒盟'],
    ['巴盟', '巴彦淖尔市'],
    ['阿盟', '阿拉善盟'],
    ['兴安盟', '兴安盟'],
    ['乌盟', '乌兰察布市'],
    ['满洲里', '满洲里市'],
    ['二连', '二连浩特市'],
  ])('%s → %s', (short, full) => {
    expect(parseRegion(short)).toBe(full);
    expect(parseBindingScope(` ${short} `)).toBe(full);
  });

  it('every short name points at one of the 14', () => {
    for (const full of Object.values(SHORT_NAMES)) expect(REGIONS).toContain(full);
  });

  it('does not take an object property for a name', () => {
    expect(parseRegion('constructor')).toBeUndefined();
    expect(parseRegion('toString')).toBeUndefined();
  });
});
