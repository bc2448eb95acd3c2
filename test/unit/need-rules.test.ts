import { checkApplicationForm, type FormValue } from '../../src/domain/application-rules';
import { mobileError, normaliseMobile } from '../../src/domain/contact';
import { INDUSTRIES, resolveIndustries } from '../../src/domain/industries';
import {
  checkNeedForm,
  isNeedType,
  NEED_FIELDS,
  NEED_LABELS,
  NEED_LIMITS,
  NEED_TYPES,
  needToFormValues,
  pickNeedValues,
  type CheckedNeed,
  type NeedErrors,
} from '../../src/domain/need-rules';
import { REGIONS } from '../../src/domain/regions';

/** A form that passes; each test changes what it is about. */
function validForm(overrides: FormValue = {}): FormValue {
  return {
    enterprise_name: '包头稀土新材料有限公司',
    region: '包头市',
    industry: 'rare-earth',
    need_type: '技术难题',
    description: '稀土永磁材料烧结工艺良品率偏低，希望对接材料专家',
    contact_name: '王明',
    mobile: '13800138000',
    ...overrides,
  };
}

function errorsOf(form: FormValue, opts?: Parameters<typeof checkNeedForm>[1]): NeedErrors {
  const result = checkNeedForm(form, opts);
  return result.ok ? {} : result.errors;
}

function needOf(form: FormValue, opts?: Parameters<typeof checkNeedForm>[1]): CheckedNeed {
  const result = checkNeedForm(form, opts);
  if (!result.ok) throw new Error(`expected a valid form, got ${JSON.stringify(result.errors)}`);
  return result.need;
}

describe('the form’s contract', () => {
  it('has the component names in form order', () => {
    expect(NEED_FIELDS).toEqual(['enterprise_name', 'region', 'industry', 'need_type', 'description', 'contact_name', 'mobile']);
  });

  it('labels every field in Chinese', () => {
    expect(NEED_LABELS).toEqual({
      enterprise_name: '企业名称',
      region: '所在盟市',
      industry: '行业',
      need_type: '需求类型',
      description: '需求描述',
      contact_name: '联系人',
      mobile: '手机号码',
    });
    expect(Object.isFrozen(NEED_LABELS)).toBe(true);
  });

  it('has the need types, whose words are also the stored values', () => {
    expect(NEED_TYPES).toEqual(['技术难题', '人才', '政策', '成果推介', '培训', '其他']);
    for (const t of NEED_TYPES) expect([...t].length).toBeLessThanOrEqual(16); // need_type varchar(16)
    expect(isNeedType('人才')).toBe(true);
    expect(isNeedType('资金')).toBe(false);
  });

  it('has the limits', () => {
    expect(NEED_LIMITS).toEqual({ enterprise_name: { max: 100 }, description: { min: 10, max: 1000 }, contact_name: { max: 30 } });
    expect(Object.isFrozen(NEED_LIMITS.description)).toBe(true);
  });
});

describe('checkNeedForm: a valid form', () => {
  it('gives trimmed values, the region’s full name and the mobile as 11 digits', () => {
    const need = needOf(
      validForm({
        enterprise_name: '  包头稀土新材料有限公司 ',
        region: ' 包头 ',
        industry: ' rare-earth ',
        need_type: ' 技术难题',
        description: '\n稀土永磁材料烧结工艺良品率偏低，希望对接材料专家\n',
        contact_name: ' 王明 ',
        mobile: '+86 138-0013-8000',
      }),
    );
    expect(need).toEqual({
      enterpriseName: '包头稀土新材料有限公司',
      region: '包头市',
      industry: 'rare-earth',
      needType: '技术难题',
      description: '稀土永磁材料烧结工艺良品率偏低，希望对接材料专家',
      contactName: '王明',
      mobile: '13800138000',
    });
  });

  it.each(REGIONS)('accepts the region %s', (region) => {
    expect(needOf(validForm({ region })).region).toBe(region);
  });

  it.each(INDUSTRIES.map((i) => i.value))('accepts the industry %s', (industry) => {
    expect(needOf(validForm({ industry })).industry).toBe(industry);
  });

  it.each(NEED_TYPES)('accepts the need type %s', (needType) => {
    expect(needOf(validForm({ need_type: needType })).needType).toBe(needType);
  });

  it('ignores fields that are not the form’s', () => {
    expect(checkNeedForm(validForm({ extra: 'x', email: 'a@b.cn' })).ok).toBe(true);
  });
});

describe('checkNeedForm: every field checked at once', () => {
  it('reports every empty field, one message each, in form order', () => {
    const result = checkNeedForm({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      enterprise_name: '请填写企业名称（不超过 100 字）',
      region: '请选择企业所在盟市',
      industry: '请选择行业',
      need_type: '请选择需求类型',
      description: '请填写需求描述（10–1000 字）',
      contact_name: '请填写联系人（不超过 30 字）',
      mobile: '请输入 11 位手机号码',
    });
    expect(Object.keys(result.errors)).toEqual([...NEED_FIELDS]);
  });

  it('treats whitespace alone and a list where text belongs as empty', () => {
    expect(
      errorsOf(validForm({ enterprise_name: '   ', contact_name: ['王明'], industry: ['rare-earth'], need_type: '\u3000' })),
    ).toEqual({
      enterprise_name: '请填写企业名称（不超过 100 字）',
      industry: '请选择行业',
      need_type: '请选择需求类型',
      contact_name: '请填写联系人（不超过 30 字）',
    });
  });

  it('reports only the failing fields, in form order, whatever order they arrive in', () => {
    const form = { mobile: '123', description: '太短', ...validForm({ mobile: '123', description: '太短' }) };
    const result = checkNeedForm(form);
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(['description', 'mobile']);
  });
});

describe('enterprise_name: 1–100 characters', () => {
  it('accepts 100 characters, counting a Chinese character (and an astral one) as one', () => {
    expect(needOf(validForm({ enterprise_name: '企'.repeat(100) })).enterpriseName).toHaveLength(100);
    expect(needOf(validForm({ enterprise_name: '𠀀'.repeat(100) })).enterpriseName).toBe('𠀀'.repeat(100));
  });

  it('rejects 101 with the count', () => {
    expect(errorsOf(validForm({ enterprise_name: '企'.repeat(101) }))).toEqual({ enterprise_name: '企业名称不能超过 100 字（当前 101 字）' });
  });
});

describe('region: one of the 14', () => {
  it.each(['', '北京市', '包头市市', 'baotou', '内蒙古'])('rejects %j', (region) => {
    expect(errorsOf(validForm({ region }))).toEqual({ region: '请选择企业所在盟市' });
  });

  it('accepts the name without its suffix', () => {
    expect(needOf(validForm({ region: '锡林郭勒' })).region).toBe('锡林郭勒盟');
  });
});

describe('industry: one of the options', () => {
  it('reports a value that is not an option (a stale card or a forged callback)', () => {
    expect(errorsOf(validForm({ industry: 'space' }))).toEqual({ industry: '行业的选项已失效，请重新选择' });
  });

  it('takes the value, not the label or an alias: the select sends values', () => {
    expect(errorsOf(validForm({ industry: '稀土及新材料' }))).toEqual({ industry: '行业的选项已失效，请重新选择' });
    expect(errorsOf(validForm({ industry: '稀土' }))).toEqual({ industry: '行业的选项已失效，请重新选择' });
    expect(errorsOf(validForm({ industry: 'Rare-Earth' }))).toEqual({ industry: '行业的选项已失效，请重新选择' });
  });

  it('checks against the configured list', () => {
    const industries = resolveIndustries([
      { value: 'dairy', label: '乳业' },
      { value: 'other', label: '其他' },
    ]);
    expect(needOf(validForm({ industry: 'dairy' }), { industries }).industry).toBe('dairy');
    expect(errorsOf(validForm({ industry: 'rare-earth' }), { industries })).toEqual({ industry: '行业的选项已失效，请重新选择' });
  });

  it('takes an unresolved { value, label } list too', () => {
    expect(needOf(validForm({ industry: 'x' }), { industries: [{ value: 'x', label: '某产业' }] }).industry).toBe('x');
  });
});

describe('need_type: one of the options', () => {
  it.each(['资金', 'tech', '技术', '其他 '.repeat(2)])('rejects %j', (needType) => {
    expect(errorsOf(validForm({ need_type: needType }))).toEqual({ need_type: '需求类型的选项已失效，请重新选择' });
  });
});

describe('description: 10–1000 characters', () => {
  it('accepts exactly 10 and exactly 1000', () => {
    expect(needOf(validForm({ description: '需'.repeat(10) })).description).toHaveLength(10);
    expect(needOf(validForm({ description: '需'.repeat(1000) })).description).toHaveLength(1000);
  });

  it('counts after trimming', () => {
    expect(errorsOf(validForm({ description: `  ${'需'.repeat(9)}  ` }))).toEqual({
      description: '需求描述太简短，请至少写 10 字，说清需要解决什么问题（当前 9 字）',
    });
  });

  it('rejects 9 as too short and 1001 as too long, with the count', () => {
    expect(errorsOf(validForm({ description: '需'.repeat(9) }))).toEqual({
      description: '需求描述太简短，请至少写 10 字，说清需要解决什么问题（当前 9 字）',
    });
    expect(errorsOf(validForm({ description: '需'.repeat(1001) }))).toEqual({ description: '需求描述不能超过 1000 字（当前 1001 字）' });
  });
});

describe('contact_name: 1–30 characters', () => {
  it('accepts 30 and rejects 31', () => {
    expect(needOf(validForm({ contact_name: '名'.repeat(30) })).contactName).toHaveLength(30);
    expect(errorsOf(validForm({ contact_name: '名'.repeat(31) }))).toEqual({ contact_name: '联系人不能超过 30 字（当前 31 字）' });
  });
});

describe('mobile: as the application form checks it', () => {
  it.each([
    ['13800138000', '13800138000'],
    [' 138 0013 8000 ', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
  ])('accepts %j as %s', (mobile, stored) => {
    expect(needOf(validForm({ mobile })).mobile).toBe(stored);
  });

  it.each(['', '1380013800', '138001380001', '1380013800a', '138.0013.8000', '8613800138000'])('rejects %j: not 11 digits', (mobile) => {
    expect(errorsOf(validForm({ mobile }))).toEqual({ mobile: '请输入 11 位手机号码' });
  });

  it.each(['12800138000', '10800138000', '23800138000', '01012345678'])('rejects %j: not a mobile number', (mobile) => {
    expect(errorsOf(validForm({ mobile }))).toEqual({ mobile: '手机号码格式不正确（应为 13–19 开头的 11 位号码）' });
  });

  // The application form is the reference: whatever it says about a number, contact.ts says too.
  const SAMPLES = [
    '', ' ', '13800138000', ' 138 0013 8000 ', '138-0013-8000', '+8613800138000', '+86 138 0013 8000', '0086 138 0013 8000',
    '１３８００１３８０００', '1380013800', '138001380001', '1380013800a', '138.0013.8000', '8613800138000', '+1 2025550123',
    '12800138000', '10800138000', '11800138000', '23800138000', '01012345678', '86+13800138000', '138\t0013\t8000', '138－0013－8000',
    '+86+8613800138000', '\u300013800138000',
  ];
  it.each(SAMPLES)('agrees with checkApplicationForm on %j', (mobile) => {
    const app = checkApplicationForm({ mobile }, { today: '2027-06-10', campaignYear: 2027 });
    const appError = app.ok ? undefined : app.errors.mobile;
    expect(mobileError(mobile)).toBe(appError);
    expect(errorsOf(validForm({ mobile })).mobile).toBe(appError);
    if (appError === undefined) expect(normaliseMobile(mobile)).toMatch(/^1[3-9]\d{9}$/);
  });
});

describe('pickNeedValues / needToFormValues', () => {
  it('keeps the form’s fields as typed, and nothing else', () => {
    expect(
      pickNeedValues({ enterprise_name: ' 某公司 ', region: '包头', mobile: undefined, industry: ['rare-earth', 1 as never], other: 'x' }),
    ).toEqual({ enterprise_name: ' 某公司 ', region: '包头', industry: ['rare-earth'] });
  });

  it('gives back a form that checks to the same need', () => {
    const need = needOf(validForm({ mobile: '+86 138 0013 8000', region: '包头' }));
    const values = needToFormValues(need);
    expect(values).toMatchObject({ region: '包头市', mobile: '13800138000', industry: 'rare-earth' });
    expect(needOf(values)).toEqual(need);
  });
});

describe('messages', () => {
  it('are Chinese and name the field', () => {
    const result = checkNeedForm({ region: 'x', industry: 'x', need_type: 'x', description: 'x', mobile: '12800138000' });
    if (result.ok) throw new Error('expected errors');
    for (const [field, message] of Object.entries(result.errors)) {
      expect(message).toMatch(/[\u4e00-\u9fff]/);
      expect(message).toContain(NEED_LABELS[field as keyof typeof NEED_LABELS]);
    }
  });
});
