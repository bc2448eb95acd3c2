import {
  NEED_LIST_ACTION,
  NEED_MATCH_ACTION,
  NEED_MATCH_OPEN_ACTION,
  NEED_STATUS_ACTION,
  NEED_SUBMIT_ACTION,
  needCard,
  NeedCardView,
  NeedField,
  needFormCard,
  NeedFormView,
  needNoticeCard,
  NeedNoticeView,
  Option,
} from '../../cards/need-cards';
import { needListCard, NeedListView } from '../../cards/need-list-card';
import { matchCard, MatchCardView, MATCH_OPTIONS_MAX, MATCH_QUERY_CHARS, NEED_MATCH_SEARCH_ACTION } from '../../cards/need-match-card';
import { buttons, callbackValue, expectEscaped, expectValidCard, forms, markdownContents, namedInForm, type Node, one } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';
import { makeNeed, makeNeedEvent, T0 } from '../helpers/factories';

const TZ = 'Asia/Shanghai';
// T0, from the factories, is 2027-05-20 09:30 in Shanghai (01:30 UTC).
const HOUR = 3_600_000;

/** User text with markdown specials, a mention of everybody and a link. */
const NASTY = '**x** <at id=all></at> [a](b)';

/** The admin form submits with any of its action buttons. */
const ACTION_FORM = { submitsPerForm: 'some' } as const;

// ---------------------------------------------------------------------------------------------
// Fixtures

const REGIONS = ['呼和浩特市', '包头市', '鄂尔多斯市'];
const INDUSTRIES: Option[] = [
  { value: 'new-materials', label: '新材料' },
  { value: 'energy', label: '现代能源' },
  { value: 'agri', label: '农畜产品加工' },
];
const NEED_TYPES = ['技术攻关', '人才培训', '政策咨询', '其他'];
const LABELS: Record<NeedField, string> = {
  enterprise_name: '企业名称',
  region: '所在盟市',
  industry: '所属行业',
  need_type: '需求类型',
  description: '需求描述',
  contact_name: '联系人',
  mobile: '手机号码',
};
const FIELDS: NeedField[] = ['enterprise_name', 'region', 'industry', 'need_type', 'description', 'contact_name', 'mobile'];

const longText = (n: number, unit = '难') => unit.repeat(n);
/** The worst case for bytes: every character a markdown special (six bytes escaped). */
const longSpecials = (n: number) => '*'.repeat(n);

// ---------------------------------------------------------------------------------------------
// The form

const formView = (over: Partial<NeedFormView> = {}): NeedFormView => ({
  token: 'tok_form_1',
  values: {},
  regions: REGIONS,
  industries: INDUSTRIES,
  needTypes: NEED_TYPES,
  labels: LABELS,
  ...over,
});

const TYPED: Partial<Record<NeedField, string>> = {
  enterprise_name: NASTY,
  region: '包头市',
  industry: 'energy',
  need_type: '人才培训',
  description: '需要培训\n一线工程师',
  contact_name: '李四',
  mobile: '1380013800',
};
const TYPED_ERRORS: Partial<Record<NeedField, string>> = {
  enterprise_name: `「${NASTY}」不像企业全称`,
  mobile: '手机号码应为 11 位数字',
};

describe('needFormCard', () => {
  it('exports the callback actions', () => {
    expect([NEED_SUBMIT_ACTION, NEED_MATCH_OPEN_ACTION, NEED_MATCH_ACTION, NEED_STATUS_ACTION, NEED_LIST_ACTION]).toEqual([
      'need.submit',
      'need.match_open',
      'need.match',
      'need.status',
      'need.list',
    ]);
  });

  it('matches the snapshots', () => {
    expect(validOutline(needFormCard(formView()))).toMatchSnapshot('empty');
    expect(validOutline(needFormCard(formView({ values: TYPED, errors: TYPED_ERRORS })))).toMatchSnapshot('returned with errors');
  });

  it('is a valid card, empty, returned and at maximum length', () => {
    expectValidCard(needFormCard(formView()));
    expectValidCard(needFormCard(formView({ values: TYPED, errors: TYPED_ERRORS })));
    const max = needFormCard(
      formView({
        values: { enterprise_name: longSpecials(100), description: longSpecials(1000), contact_name: longSpecials(50), mobile: longSpecials(20) },
        errors: Object.fromEntries(FIELDS.map((f) => [f, longSpecials(200)])),
      }),
    );
    expectValidCard(max);
  });

  it('has one form with the fields under their names, in order, and the submit button', () => {
    const card = needFormCard(formView());
    expect(forms(card)).toHaveLength(1);
    expect(forms(card)[0].name).toBe('need_form');
    expect(namedInForm(forms(card)[0])).toEqual(FIELDS);
    for (const f of FIELDS) one(card, f);
    const submits = buttons(card);
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({ name: 'submit', form_action_type: 'submit', text: { tag: 'plain_text', content: '提交需求' } });
    expect(callbackValue(submits[0])).toEqual({ action: 'need.submit', form: 'tok_form_1' });
  });

  it('uses single selects for region, industry and type, a multi-line description, inputs for the rest', () => {
    const card = needFormCard(formView());
    expect(one(card, 'region').options).toEqual(REGIONS.map((r) => ({ text: { tag: 'plain_text', content: r }, value: r })));
    expect(one(card, 'industry').options).toEqual(INDUSTRIES.map((o) => ({ text: { tag: 'plain_text', content: o.label }, value: o.value })));
    expect(one(card, 'need_type').options.map((o: Node) => o.value)).toEqual(NEED_TYPES);
    for (const f of ['region', 'industry', 'need_type']) expect(one(card, f).tag).toBe('select_static');
    expect(one(card, 'description')).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: 1000 });
    for (const f of ['enterprise_name', 'contact_name', 'mobile']) {
      expect(one(card, f).tag).toBe('input');
      expect(one(card, f)).not.toHaveProperty('input_type');
    }
    expect(one(card, 'enterprise_name').max_length).toBeGreaterThanOrEqual(100);
    expect(one(card, 'description').placeholder.content).toBe('遇到的技术难题或需要的支持，越具体越好（10–1000 字）');
    for (const f of FIELDS) expect(one(card, f).placeholder).toEqual({ tag: 'plain_text', content: expect.stringMatching(/\S/) });
  });

  it('marks nothing required', () => {
    for (const view of [formView(), formView({ values: TYPED, errors: TYPED_ERRORS })]) {
      const card = needFormCard(view);
      expect(JSON.stringify(card)).not.toContain('"required":true');
      for (const f of FIELDS) expect(one(card, f).required).toBe(false);
    }
  });

  it('prefills typed values as typed and selects only valid options', () => {
    const card = needFormCard(formView({ values: TYPED }));
    expect(one(card, 'enterprise_name').default_value).toBe(NASTY);
    expect(one(card, 'description').default_value).toBe('需要培训\n一线工程师');
    expect(one(card, 'region').initial_option).toBe('包头市');
    expect(one(card, 'industry').initial_option).toBe('energy');
    expect(one(card, 'need_type').initial_option).toBe('人才培训');

    const odd = needFormCard(formView({ values: { region: '北京市', industry: '现代能源', need_type: '<at id=all></at>' } }));
    for (const f of ['region', 'industry', 'need_type']) expect(one(odd, f)).not.toHaveProperty('initial_option');
    const empty = needFormCard(formView());
    for (const f of FIELDS) {
      expect(one(empty, f)).not.toHaveProperty('default_value');
      expect(one(empty, f)).not.toHaveProperty('initial_option');
    }
  });

  it('shows each error escaped directly under its field, and a count banner', () => {
    const card = needFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));
    const elements = forms(card)[0].elements as Node[];
    for (const f of FIELDS) {
      const next = elements[elements.findIndex((e) => e.name === f) + 1];
      const isError = next?.tag === 'markdown' && String(next.content).includes("<font color='red'>⚠");
      expect(isError).toBe(f in TYPED_ERRORS);
    }
    expect(markdownContents(card).some((c) => c.includes('有 2 项需要修改'))).toBe(true);
    expect((card as Node).header.template).toBe('orange');
    expectEscaped(card, TYPED_ERRORS.enterprise_name!);
    expect(markdownContents(needFormCard(formView())).some((c) => c.includes('需要修改'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// A need

const ACTIONS = [
  { action: 'rematch', label: '重新对接', noteRequired: false },
  { action: 'follow', label: '开始跟进', noteRequired: false },
  { action: 'resolve', label: '已解决', noteRequired: true },
  { action: 'close', label: '关闭', noteRequired: true },
];

const MATCHED = makeNeed({ status: '已对接', version: 5, expertId: 7, matchNote: '请于下周二前电话联系', applicationId: 3, updatedAt: T0 + 2 * HOUR });
const EXPERT = { name: '王五', organisation: '内蒙古大学', contact: '13900139000' };
const HISTORY = [
  makeNeedEvent(1, { action: 'file', fromStatus: null, toStatus: '待对接', actorOpenId: 'ou_filer' }),
  makeNeedEvent(2, { action: 'match', fromStatus: '待对接', toStatus: '已对接', note: '请于下周二前电话联系' }),
];

const cardView = (over: Partial<NeedCardView> = {}): NeedCardView => ({
  need: makeNeed(),
  code: 'XQ2027-0001',
  timezone: TZ,
  industryLabel: '新材料',
  admin: false,
  ...over,
});

describe('needCard', () => {
  it('matches the snapshots', () => {
    expect(validOutline(needCard(cardView({ banner: '已提交。' })))).toMatchSnapshot('filed, filer view');
    expect(
      validOutline(needCard(cardView({ need: MATCHED, expert: EXPERT, history: HISTORY, admin: true, applicationCode: 'SQ2027-0003', actions: ACTIONS })), ACTION_FORM),
    ).toMatchSnapshot('matched, admin view');
  });

  it('is titled by its code and coloured by status', () => {
    const colours: Record<string, string> = { 待对接: 'blue', 已对接: 'turquoise', 跟进中: 'wathet', 已解决: 'green', 已关闭: 'grey' };
    for (const [status, colour] of Object.entries(colours)) {
      const card = needCard(cardView({ need: makeNeed({ status }) }));
      expect((card as Node).header).toMatchObject({ title: { content: '企业需求 XQ2027-0001' }, template: colour });
      expectValidCard(card);
    }
  });

  it('shows the need, the matched expert, the match note and the linked application', () => {
    const text = visibleText(needCard(cardView({ need: MATCHED, expert: EXPERT, applicationCode: 'SQ2027-0003', history: HISTORY })));
    for (const s of ['包头某某稀土材料有限公司', '包头市', '新材料', '技术攻关', '稀土抛光粉', '张三', '13800138000', '已对接', '王五', '内蒙古大学', '13900139000', '请于下周二前电话联系', 'SQ2027-0003', '2027-05-20 09:30']) {
      expect(text).toContain(s);
    }
    const unmatched = visibleText(needCard(cardView()));
    expect(unmatched).not.toContain('对接专家');
    expect(unmatched).not.toContain('关联活动申请');
  });

  it('escapes everything the user typed', () => {
    const need = makeNeed({ enterpriseName: NASTY, region: NASTY, needType: NASTY, description: NASTY, contactName: NASTY, mobile: NASTY, matchNote: NASTY });
    const card = needCard(
      cardView({
        need,
        industryLabel: NASTY,
        expert: { name: NASTY, organisation: NASTY, contact: NASTY },
        history: [makeNeedEvent(1, { note: NASTY })],
        admin: true,
        actions: ACTIONS,
        note: NASTY,
        noteError: NASTY,
      }),
    );
    expectEscaped(card, NASTY);
    expect(one(card, 'note').default_value).toBe(NASTY);
  });

  it('lists the latest 12 history entries, with notes cut to 80 characters', () => {
    const history = Array.from({ length: 15 }, (_, i) => makeNeedEvent(i + 1, { note: `第${i + 1}条${longText(100)}` }));
    const card = needCard(cardView({ history }));
    const trail = markdownContents(card).find((c) => c.startsWith('**办理记录**'))!;
    const lines = trail.split('\n').slice(1);
    expect(lines).toHaveLength(13);
    expect(lines[0]).toContain('较早的 3 条记录已省略');
    expect(lines[1]).toContain('第4条');
    expect(lines[12]).toContain('第15条');
    expect(lines[12]).toContain('<at id=ou_admin></at>');
    expect(lines[12]).toContain('开始跟进（已对接 → 跟进中）');
    const note = lines[12].slice(lines[12].indexOf('说明：') + 3);
    expect(note).toBe(`第15条${longText(76)}…`);
  });

  it('gives admins a form with a note and one submit button per action', () => {
    const card = needCard(cardView({ need: MATCHED, admin: true, actions: ACTIONS }));
    expect(forms(card)).toHaveLength(1);
    const [form] = forms(card);
    expect(form.name).toBe('need_admin');
    expect(namedInForm(form)).toEqual(['note']);
    const note = one(card, 'note');
    expect(note).toMatchObject({ tag: 'input', required: false, max_length: 500 });
    expect(note.placeholder.content).toContain('已解决、关闭时必填');
    expect(note).not.toHaveProperty('default_value');

    const bs = buttons({ body: { elements: form.elements } });
    expect(bs).toEqual(buttons(card));
    expect(bs.map((b) => b.text.content)).toEqual(['重新对接', '开始跟进', '已解决', '关闭']);
    for (const b of bs) expect(b.form_action_type).toBe('submit');
    expect(bs.map(callbackValue)).toEqual([
      { action: 'need.match_open', id: 42, v: 5, code: 'XQ2027-0001' },
      { action: 'need.status', id: 42, to: 'follow', v: 5 },
      { action: 'need.status', id: 42, to: 'resolve', v: 5 },
      { action: 'need.status', id: 42, to: 'close', v: 5 },
    ]);
    expectValidCard(card, ACTION_FORM);

    const open = needCard(cardView({ admin: true, actions: [{ action: 'match', label: '对接专家', noteRequired: false }] }));
    expect(buttons(open).map(callbackValue)).toEqual([{ action: 'need.match_open', id: 42, v: 3, code: 'XQ2027-0001' }]);
    expect(one(open, 'note').placeholder.content).toContain('选填');
  });

  it('puts the rejected note back with its error directly under it', () => {
    const card = needCard(cardView({ need: MATCHED, admin: true, actions: ACTIONS, note: '好了', noteError: '说明至少 5 个字' }));
    expect(one(card, 'note').default_value).toBe('好了');
    const elements = forms(card)[0].elements as Node[];
    expect(elements[1]).toEqual({ tag: 'markdown', content: "<font color='red'>⚠ 说明至少 5 个字</font>" });
  });

  it('has no form or buttons for non-admins or without actions', () => {
    for (const view of [cardView({ actions: ACTIONS }), cardView({ admin: true }), cardView({ admin: true, actions: [] })]) {
      const card = needCard(view);
      expect(forms(card)).toHaveLength(0);
      expect(buttons(card)).toHaveLength(0);
    }
  });

  it('stays under 30 KB with maximum-length text and a full history', () => {
    const need = makeNeed({
      enterpriseName: longSpecials(100),
      description: longSpecials(1000),
      contactName: longSpecials(50),
      mobile: longSpecials(20),
      matchNote: longSpecials(500),
    });
    const history = Array.from({ length: 40 }, (_, i) => makeNeedEvent(i, { note: longSpecials(500), actorOpenId: `ou_${'a'.repeat(60)}` }));
    const card = needCard(
      cardView({
        need,
        industryLabel: longText(20),
        expert: { name: longSpecials(50), organisation: longSpecials(200), contact: longSpecials(200) },
        history,
        admin: true,
        actions: ACTIONS,
        note: longText(500),
        noteError: longText(100),
        banner: longText(100),
        applicationCode: 'SQ2027-0003',
      }),
    );
    expectValidCard(card, ACTION_FORM);
  });
});

// ---------------------------------------------------------------------------------------------
// Matching

const expert = (id: number, name = `专家${id}`, organisation = `单位${id}`) => ({ id, name, organisation, fieldsText: '新材料、现代能源' });

const matchView = (over: Partial<MatchCardView> = {}): MatchCardView => ({
  need: makeNeed(),
  code: 'XQ2027-0001',
  industryLabel: '新材料',
  experts: [expert(1, '王五', '内蒙古大学'), expert(2, '赵六', '内蒙古工业大学')],
  otherExperts: [expert(3, '钱七', '包头钢铁研究院')],
  ...over,
});

describe('matchCard', () => {
  it('matches the snapshots', () => {
    expect(validOutline(matchCard(matchView()))).toMatchSnapshot('with experts');
    expect(validOutline(matchCard(matchView({ experts: [], otherExperts: [] })))).toMatchSnapshot('no experts');
  });

  it('has a form with the expert select, the note and the confirm button', () => {
    const card = matchCard(matchView());
    expect((card as Node).header.title.content).toBe('对接专家 · XQ2027-0001');
    expect(forms(card)).toHaveLength(1);
    expect(forms(card)[0].name).toBe('match_form');
    expect(namedInForm(forms(card)[0])).toEqual(['expert', 'note']);
    const select = one(card, 'expert');
    expect(select).toMatchObject({ tag: 'select_static', required: false });
    expect(select.options).toEqual([
      { text: { tag: 'plain_text', content: '王五 · 内蒙古大学' }, value: '1' },
      { text: { tag: 'plain_text', content: '赵六 · 内蒙古工业大学' }, value: '2' },
      { text: { tag: 'plain_text', content: '钱七 · 包头钢铁研究院（其他领域）' }, value: '3' },
    ]);
    expect(select).not.toHaveProperty('initial_option');
    expect(one(card, 'note')).toMatchObject({ tag: 'input', required: false, placeholder: { content: '给企业和专家的说明，如对接方式、时间（选填）' } });
    const bs = buttons(card);
    expect(bs).toHaveLength(1);
    expect(bs[0]).toMatchObject({ form_action_type: 'submit', text: { content: '确认对接' } });
    expect(callbackValue(bs[0])).toEqual({ action: 'need.match', id: 42, v: 3, code: 'XQ2027-0001' });
    expectValidCard(card);
  });

  it('lists other experts alone when none match the industry', () => {
    const card = matchCard(matchView({ experts: [] }));
    expect(one(card, 'expert').options.map((o: Node) => o.text.content)).toEqual(['钱七 · 包头钢铁研究院（其他领域）']);
    expect(visibleText(card)).toContain('暂无「新材料」领域的专家');
  });

  it('without experts has no form but says how to add them', () => {
    const card = matchCard(matchView({ experts: [], otherExperts: [] }));
    expect(forms(card)).toHaveLength(0);
    expect(buttons(card)).toHaveLength(0);
    const text = visibleText(card);
    expect(text).toContain('「专家 添加」');
    expect(text).toContain('Excel');
    expectValidCard(card);
  });

  it('keeps the typed note, the chosen expert and shows errors under their fields', () => {
    const card = matchCard(matchView({ note: '下周联系', expertId: 2, errors: { expert: '请选择专家', note: '说明太长' } }));
    expect(one(card, 'note').default_value).toBe('下周联系');
    expect(one(card, 'expert').initial_option).toBe('2');
    expect(one(matchCard(matchView({ expertId: 99 })), 'expert')).not.toHaveProperty('initial_option');
    const elements = forms(card)[0].elements as Node[];
    const after = (name: string) => elements[elements.findIndex((e) => e.name === name) + 1];
    expect(after('expert').content).toContain('请选择专家');
    expect(after('note').content).toContain('说明太长');
  });

  it('escapes the need and keeps option labels as plain text', () => {
    const need = makeNeed({ enterpriseName: NASTY, description: NASTY, region: NASTY, needType: NASTY });
    const card = matchCard(matchView({ need, industryLabel: NASTY, experts: [expert(1, NASTY, NASTY)], errors: { expert: NASTY } }));
    expectEscaped(card, NASTY);
    expect(one(card, 'expert').options[0].text).toEqual({ tag: 'plain_text', content: `${NASTY.slice(0, 20)}… · ${NASTY.slice(0, 24)}…` });
    const short = matchCard(matchView({ experts: [expert(1, '<at id=all></at>', '[a](b)')] }));
    expect(one(short, 'expert').options[0].text.content).toBe('<at id=all></at> · [a](b)');
  });

  it('with 200 experts lists the first 100, matching ones first, and says how many are left out', () => {
    const card = matchCard(
      matchView({
        experts: Array.from({ length: 60 }, (_, i) => expert(i + 1, '王小五', '内蒙古自治区农牧业科学院')),
        otherExperts: Array.from({ length: 140 }, (_, i) => expert(i + 61, '赵六', '内蒙古工业大学材料学院')),
      }),
    );
    expectValidCard(card);
    const options = one(card, 'expert').options as Node[];
    expect(MATCH_OPTIONS_MAX).toBe(100);
    expect(options).toHaveLength(100);
    expect(options.map((o) => o.value)).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(options[59].text.content).toBe('王小五 · 内蒙古自治区农牧业科学院');
    expect(options[60].text.content).toBe('赵六 · 内蒙古工业大学材料学院（其他领域）');
    expect(visibleText(card)).toContain('另有 100 位专家未列出');
    expect(visibleText(matchCard(matchView()))).not.toContain('未列出');
  });

  it('with a search box: its own form, the query kept in the box and in 确认对接, the results said', () => {
    const card = matchCard(matchView({ search: { pool: 458, query: '王' } }));
    expectValidCard(card);
    expect(forms(card).map((f) => f.name)).toEqual(['match_search', 'match_form']);
    expect(namedInForm(forms(card)[0])).toEqual(['q']);
    expect(one(card, 'q')).toMatchObject({ tag: 'input', default_value: '王', max_length: MATCH_QUERY_CHARS });
    expect(buttons(card).map((b) => [b.text.content, callbackValue(b)])).toEqual([
      ['搜索', { action: NEED_MATCH_SEARCH_ACTION, id: 42, v: 3 }],
      ['确认对接', { action: 'need.match', id: 42, v: 3, code: 'XQ2027-0001', q: '王' }],
    ]);
    const text = visibleText(card);
    expect(text).toContain('专家库共 458 位专家，下拉框最多列出 100 位');
    expect(text).toContain('搜索「王」：找到 3 位专家');
    const none = matchCard(matchView({ experts: [], otherExperts: [], search: { pool: 458, query: NASTY } }));
    expectValidCard(none);
    expectEscaped(none, NASTY);
    expect(forms(none).map((f) => f.name)).toEqual(['match_search']);
    expect(visibleText(none)).toContain('的专家，请换个词搜索');
    const unsearched = matchCard(matchView({ search: { pool: 458 } }));
    expect(one(unsearched, 'q')).not.toHaveProperty('default_value');
    expect(callbackValue(buttons(unsearched)[1])).toEqual({ action: 'need.match', id: 42, v: 3, code: 'XQ2027-0001' });
  });

  it.each([
    ['Chinese', '名', '院'],
    ['emoji (four bytes each)', '😀', '🏫'],
  ])('with 200 maximum-length %s names stays under 30 KB, cutting labels and options', (_name, nameChar, orgChar) => {
    const long = (id: number) => expert(100000 + id, longText(50, nameChar), longText(200, orgChar));
    const card = matchCard(
      matchView({
        need: makeNeed({ enterpriseName: longSpecials(200), description: longSpecials(1000), region: longSpecials(32), needType: longSpecials(16) }),
        industryLabel: longSpecials(32),
        experts: Array.from({ length: 60 }, (_, i) => long(i + 1)),
        otherExperts: Array.from({ length: 140 }, (_, i) => long(i + 61)),
        note: longText(500, nameChar),
        errors: { expert: longSpecials(500), note: longSpecials(500) },
        search: { pool: 100000, query: longText(MATCH_QUERY_CHARS, nameChar) },
      }),
    );
    expectValidCard(card);
    const options = one(card, 'expert').options as Node[];
    expect(options.length).toBeGreaterThan(40);
    expect(options.length).toBeLessThanOrEqual(MATCH_OPTIONS_MAX);
    expect(visibleText(card)).toContain(`另有 ${200 - options.length} 位专家未列出`);
    for (const o of options) expect([...o.text.content].length).toBeLessThanOrEqual(60);
  });
});

// ---------------------------------------------------------------------------------------------
// Lists

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    code: `XQ2027-${String(i + 1).padStart(4, '0')}`,
    enterpriseName: `企业${i + 1}`,
    region: '包头市',
    industryLabel: '新材料',
    needType: '技术攻关',
    status: '待对接',
  }));

const listView = (over: Partial<NeedListView> = {}): NeedListView => ({
  title: '企业需求',
  scopeNote: '全部企业需求',
  items: items(3),
  page: 0,
  pageSize: 10,
  total: 3,
  pageValue: { action: 'need.list', scope: 'all' },
  counts: { 待对接: 2, 已解决: 1, 已关闭: 0 },
  ...over,
});

describe('needListCard', () => {
  it('matches the snapshot', () => {
    expect(validOutline(needListCard(listView()))).toMatchSnapshot();
  });

  it('shows counts per status, the items and how to look one up', () => {
    const card = needListCard(listView());
    const contents = markdownContents(card);
    expect(contents).toContain('待对接 **2** · 已解决 **1**');
    const text = visibleText(card);
    expect(text).toContain('XQ2027-0003');
    expect(text).toContain('企业1 · 包头市 · 新材料 · 技术攻关 · **待对接**');
    expect(text).toContain('查询 XQ2027-0001');
    expect(buttons(card)).toHaveLength(0);
    expectValidCard(card);
  });

  it('pages with the page value plus the page number', () => {
    const middle = needListCard(listView({ items: items(10), page: 1, total: 35 }));
    expect(buttons(middle).map((b) => b.text.content)).toEqual(['上一页', '下一页']);
    expect(buttons(middle).map(callbackValue)).toEqual([
      { action: 'need.list', scope: 'all', page: 0 },
      { action: 'need.list', scope: 'all', page: 2 },
    ]);
    expect(visibleText(middle)).toContain('共 35 条，第 2/4 页');
    const last = needListCard(listView({ items: items(5), page: 3, total: 35 }));
    expect(buttons(last).map(callbackValue)).toEqual([{ action: 'need.list', scope: 'all', page: 2 }]);
  });

  it('says when there is nothing', () => {
    const card = needListCard(listView({ items: [], total: 0, counts: {} }));
    expect(visibleText(card)).toContain('还没有企业需求');
    expect(buttons(card)).toHaveLength(0);
  });

  it('escapes and clips entries, and stays under 30 KB with a long page', () => {
    const nasty = needListCard(listView({ items: [{ ...items(1)[0], enterpriseName: NASTY, region: NASTY, needType: NASTY }] }));
    expectEscaped(nasty, NASTY);
    const long = items(50).map((it) => ({ ...it, enterpriseName: longSpecials(100), industryLabel: longSpecials(20) }));
    expectValidCard(needListCard(listView({ items: long, pageSize: 50, total: 500, page: 2 })));
  });
});

// ---------------------------------------------------------------------------------------------
// Notices

const noticeView = (over: Partial<NeedNoticeView> = {}): NeedNoticeView => ({
  code: 'XQ2027-0001',
  enterpriseName: '包头某某稀土材料有限公司',
  expert: EXPERT,
  note: '请于下周二前电话联系',
  forExpert: false,
  ...over,
});
const NEED_DETAILS = { description: '稀土抛光粉粒度不稳定', contactName: '张三', mobile: '13800138000', region: '包头市', industryLabel: '新材料', needType: '技术攻关' };

describe('needNoticeCard', () => {
  it('matches the snapshots', () => {
    expect(validOutline(needNoticeCard(noticeView()))).toMatchSnapshot('to the enterprise');
    expect(validOutline(needNoticeCard(noticeView({ forExpert: true, need: NEED_DETAILS })))).toMatchSnapshot('to the expert');
  });

  it('tells the enterprise who the expert is and how they will get in touch', () => {
    const card = needNoticeCard(noticeView());
    const text = visibleText(card);
    expect(text).toContain('您的需求 **XQ2027-0001**（包头某某稀土材料有限公司）已对接专家 **王五**（内蒙古大学），专家将通过');
    expect(text).toContain('13900139000');
    expect(text).toContain('请于下周二前电话联系');
    expect(buttons(card)).toHaveLength(0);
    expectValidCard(card);
    expect(visibleText(needNoticeCard(noticeView({ note: null })))).not.toContain('对接说明');
  });

  it('gives the expert the need and the enterprise contact', () => {
    const card = needNoticeCard(noticeView({ forExpert: true, need: NEED_DETAILS }));
    const text = visibleText(card);
    for (const s of ['XQ2027-0001', '包头某某稀土材料有限公司', '稀土抛光粉粒度不稳定', '张三', '13800138000', '包头市', '新材料', '技术攻关', '请于下周二前电话联系']) {
      expect(text).toContain(s);
    }
    expectValidCard(card);
  });

  it('escapes user text and stays under 30 KB at maximum length', () => {
    const nasty = { description: NASTY, contactName: NASTY, mobile: NASTY, region: NASTY, industryLabel: NASTY, needType: NASTY };
    for (const forExpert of [false, true]) {
      expectEscaped(needNoticeCard(noticeView({ enterpriseName: NASTY, expert: { name: NASTY, organisation: NASTY, contact: NASTY }, note: NASTY, forExpert, need: nasty })), NASTY);
      const max = needNoticeCard(
        noticeView({
          enterpriseName: longSpecials(100),
          expert: { name: longSpecials(50), organisation: longSpecials(200), contact: longSpecials(200) },
          note: longSpecials(500),
          forExpert,
          need: { ...nasty, description: longSpecials(1000), contactName: longSpecials(50), mobile: longSpecials(20) },
        }),
      );
      expectValidCard(max);
    }
  });
});

describe('needFormCard input lengths', () => {
  it('stops typing where the rules stop accepting', () => {
    const inputs = (needFormCard(formView()) as any).body.elements
      .flatMap((e: any) => e.elements ?? [e])
      .filter((e: any) => e.tag === 'input');
    const limits = Object.fromEntries(inputs.map((i: any) => [i.name, i.max_length]));
    expect(limits).toEqual({ enterprise_name: 100, description: 1000, contact_name: 30, mobile: 20 });
  });
});
