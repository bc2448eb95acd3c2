import {
  applicationCard,
  ApplicationCardView,
  applicationListCard,
  ApplicationListView,
  mention,
  reviewCard,
  ReviewCardView,
} from '../../cards/application-cards';
import { applicationFormCard, ApplicationFormView } from '../../cards/application-form-card';
import type { ApplicationEvent } from '../../src/db/entities/application-event.entity';
import type { Application } from '../../src/db/entities/application.entity';
import { ACTIVITY_MENU } from '../../src/domain/activity-menu';
import { APPLICATION_FIELDS, type ApplicationField } from '../../src/domain/application-fields';
import { DEFAULT_APPLICATION_RULES, resolveApplicationRules } from '../../src/domain/application-rule-config';
import type { ApplicationErrors } from '../../src/domain/application-rules';
import { filerActions, MAX_REASON_LENGTH, type ApplicationStatus } from '../../src/domain/application-status';
import { REGIONS } from '../../src/domain/regions';
import {
  allValues,
  buttons,
  buttonTexts,
  byName,
  byTag,
  bytes,
  callbackValue,
  components,
  decode,
  expectValidCard,
  forms,
  MAX_CARD_BYTES,
  MAX_COMPONENTS,
  markdownContents,
  type Node,
  one,
} from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';
import { makeApp, T0 } from '../helpers/factories';

const TZ = 'Asia/Shanghai';
const RULES = resolveApplicationRules();

// T0, from the factories, is 2027-05-20 09:30 in Shanghai (01:30 UTC): fixed instants, shown in TZ whatever the machine's zone.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** User text with markdown specials, a mention of everybody and a link. */
const NASTY_ORG = '**包头**稀土<at id=all></at>[x](y)科技有限公司';
const NASTY_REASON = '请补充**盖章**扫描件 <at id=all></at> 见 [通知](https://evil.example) #1_~';

// ---------------------------------------------------------------------------------------------
// The application form

const formView = (over: Partial<ApplicationFormView> = {}): ApplicationFormView => ({
  target: { form: 'tok_0123456789abcdef' },
  values: {},
  mode: 'new',
  campaignYear: 2027,
  earliestStart: '2027-03-11',
  rules: RULES,
  ...over,
});

const TYPED: Partial<Record<ApplicationField, string | string[]>> = {
  org_name: NASTY_ORG,
  region: '包头市',
  venue: '包头稀土高新区某某园区报告厅',
  start_date: '2027-06-10 +0800',
  end_date: '2027-06-12',
  headcount: '120人',
  core_count: '90',
  enterprise_count: '20',
  key_industry_count: '15',
  audience: '园区企业研发负责人、工程师\n一线职工',
  needs: '希望专家解读 *科技政策* 并对接 [成果](x)',
  topics: ['lecture-4', 'exchange-1'],
  contact_name: '张三',
  mobile: '1380013800',
  email: 'zhang@example',
  remarks: '',
};

const TYPED_ERRORS: ApplicationErrors = {
  org_name: `「${NASTY_ORG}」不是单位全称`,
  headcount: '活动人数请只填数字',
  core_count: '第（2）（3）类人员需占活动人数的 80% 以上（120 人中至少 96 人），现为 90 人',
  topics: '请至少选择一项活动内容',
  mobile: '手机号码应为 11 位数字',
  email: '电子邮箱格式不正确',
};

const FORMS: Array<[string, ApplicationFormView]> = [
  ['empty new form', formView()],
  ['returned form with errors and typed values', formView({ values: TYPED, errors: TYPED_ERRORS })],
  ['edit form with code', formView({ target: { id: 7 }, mode: 'edit', code: 'SQ2027-0012', values: { ...TYPED, headcount: '120', mobile: '13800138000', email: 'zhang@example.com' } })],
  ['draft form', formView({ target: { id: 9 }, mode: 'draft', values: { org_name: '呼和浩特某某公司', region: '呼和浩特市', topics: ['survey-1'] } })],
];

/** The form's elements and the index of the component named `name`. */
function locate(card: Node, name: string): { elements: Node[]; index: number } {
  const form = forms(card)[0];
  const elements = form.elements as Node[];
  const index = elements.findIndex((e) => e.name === name);
  expect(index).toBeGreaterThanOrEqual(0);
  return { elements, index };
}

/** The element after the field's component, skipping a hint note. */
function afterField(card: Node, name: string): Node | undefined {
  const { elements, index } = locate(card, name);
  let next = elements[index + 1];
  if (next && next.tag === 'markdown' && next.text_size === 'notation') next = elements[index + 2];
  return next;
}

const isErrorLine = (e: Node | undefined): boolean => !!e && e.tag === 'markdown' && String(e.content).includes("<font color='red'>⚠");

describe('applicationFormCard', () => {
  it.each(FORMS)('matches the snapshot: %s', (_name, view) => {
    expect(validOutline(applicationFormCard(view))).toMatchSnapshot();
  });

  it.each(FORMS)('is a valid JSON 2.0 card: %s', (_name, view) => {
    expectValidCard(applicationFormCard(view));
  });

  it('has exactly one form, with every field under its contract name exactly once, in the notice order', () => {
    const card = applicationFormCard(formView());
    const [form] = forms(card);
    expect(forms(card)).toHaveLength(1);
    const named = components({ body: { elements: form.elements } })
      .map((v) => v.node)
      .filter((n) => n.name !== undefined && n.tag !== 'button')
      .map((n) => n.name);
    expect(named).toEqual([
      'kind',
      'org_name',
      'region',
      'venue',
      'start_date',
      'end_date',
      'headcount',
      'core_count',
      'enterprise_count',
      'key_industry_count',
      'audience',
      'needs',
      'topics',
      'contact_name',
      'mobile',
      'email',
      'remarks',
    ]);
    expect(named).toEqual([...APPLICATION_FIELDS]);
    for (const field of APPLICATION_FIELDS) one(card, field);
  });

  it.each([
    ['a fresh form submits its token', formView({ target: { form: 'tok_x' } }), { action: 'application.submit', form: 'tok_x' }, '提交申请'],
    ['a draft submits its id', formView({ target: { id: 9 }, mode: 'draft' }), { action: 'application.submit', id: 9 }, '提交申请'],
    ['an edit submits its id', formView({ target: { id: 7 }, mode: 'edit', code: 'SQ2027-0012' }), { action: 'application.submit', id: 7 }, '提交修改'],
  ])('has one submit button: %s', (_name, view, value, text) => {
    const card = applicationFormCard(view);
    const submits = buttons(card).filter((b) => b.form_action_type === 'submit');
    expect(submits).toHaveLength(1);
    expect(submits[0].text.content).toBe(text);
    expect(callbackValue(submits[0])).toEqual(value);
    // The one button of the card sits inside the form.
    expect(buttons({ body: { elements: forms(card)[0].elements } })).toEqual(submits);
    expect(buttons(card)).toHaveLength(1);
  });

  it('offers the 14 regions in the notice order in a single select', () => {
    const region = one(applicationFormCard(formView()), 'region');
    expect(region.tag).toBe('select_static');
    expect(region.options.map((o: Node) => o.value)).toEqual([...REGIONS]);
    expect(region.options.map((o: Node) => o.text)).toEqual(REGIONS.map((r) => ({ tag: 'plain_text', content: r })));
    expect(region).not.toHaveProperty('initial_option');
  });

  it('uses date pickers for the dates and a multi-select of the 17 menu items (both kinds) for the topics', () => {
    const card = applicationFormCard(formView());
    expect(one(card, 'start_date').tag).toBe('date_picker');
    expect(one(card, 'end_date').tag).toBe('date_picker');
    const topics = one(card, 'topics');
    expect(topics.tag).toBe('multi_select_static');
    expect(topics.options.map((o: Node) => o.value)).toEqual(ACTIVITY_MENU.map((o) => o.value));
    expect(topics.options).toHaveLength(17);
    expect(topics.options[3].text).toEqual({ tag: 'plain_text', content: '专题讲座 4. 科技政策落地宣讲解读' });
    expect(topics.options[14].text).toEqual({ tag: 'plain_text', content: '对外交流活动 1. 博士创新站与科技小院交流活动' });
    expect(topics.selected_values).toEqual([]);
  });

  it('asks for the kind with the contract values, the common kind preselected on a new form', () => {
    const kind = one(applicationFormCard(formView()), 'kind');
    expect(kind.tag).toBe('select_static');
    expect(kind.options.map((o: Node) => [o.value, o.text.content])).toEqual([
      ['能力提升', '企业创新能力提升活动'],
      ['对外交流', '对外交流活动'],
    ]);
    expect(kind.initial_option).toBe('能力提升');
    expect(one(applicationFormCard(formView({ values: { kind: '对外交流' } })), 'kind').initial_option).toBe('对外交流');
  });

  it('gives every text input the max_length its rule allows', () => {
    const card = applicationFormCard(formView());
    const limits = Object.fromEntries(
      APPLICATION_FIELDS.map((f) => [f, one(card, f).max_length]).filter(([, v]) => v !== undefined),
    );
    expect(limits).toEqual({
      org_name: 100,
      venue: 100,
      headcount: 6,
      core_count: 6,
      enterprise_count: 6,
      key_industry_count: 6,
      audience: 300,
      needs: 1000,
      contact_name: 30,
      mobile: 20,
      email: 100,
      remarks: 500,
    });
  });

  it('uses multi-line inputs for audience, needs and remarks and single-line inputs for the rest', () => {
    const card = applicationFormCard(formView());
    for (const field of ['org_name', 'venue', 'headcount', 'core_count', 'enterprise_count', 'key_industry_count', 'contact_name', 'mobile', 'email']) {
      const c = one(card, field);
      expect(c.tag).toBe('input');
      expect(c).not.toHaveProperty('input_type');
    }
    for (const field of ['audience', 'needs', 'remarks']) {
      expect(one(card, field)).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    }
    // The client caps input at max_length; every rule's limit must fit under it (doc: 1–1000).
    for (const c of byTag(card, 'input')) {
      expect(c.max_length).toBeGreaterThanOrEqual(1);
      expect(c.max_length).toBeLessThanOrEqual(1000);
    }
    for (const [field, max] of Object.entries(DEFAULT_APPLICATION_RULES.maxLength)) {
      expect(one(card, field).max_length).toBeGreaterThanOrEqual(max);
    }
  });

  it('marks nothing required, and says so explicitly on the multi-select (whose default is required)', () => {
    for (const [, view] of FORMS) {
      const card = applicationFormCard(view);
      expect(allValues(card, 'required')).not.toContain(true);
      expect(JSON.stringify(card)).not.toContain('"required":true');
      expect(one(card, 'topics').required).toBe(false);
    }
  });

  it('gives every input a placeholder', () => {
    const card = applicationFormCard(formView());
    for (const field of APPLICATION_FIELDS) {
      expect(one(card, field).placeholder).toEqual({ tag: 'plain_text', content: expect.stringMatching(/\S/) });
    }
  });

  describe('prefill', () => {
    const card = applicationFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));

    it('puts typed text back into the inputs as typed (plain text, not escaped)', () => {
      expect(one(card, 'org_name').default_value).toBe(NASTY_ORG);
      expect(one(card, 'venue').default_value).toBe('包头稀土高新区某某园区报告厅');
      expect(one(card, 'headcount').default_value).toBe('120人');
      expect(one(card, 'audience').default_value).toBe('园区企业研发负责人、工程师\n一线职工');
      expect(one(card, 'needs').default_value).toBe(TYPED.needs);
      expect(one(card, 'mobile').default_value).toBe('1380013800');
      expect(one(card, 'email').default_value).toBe('zhang@example');
    });

    it('leaves empty and untouched inputs without default_value', () => {
      expect(one(card, 'remarks')).not.toHaveProperty('default_value');
      const empty = applicationFormCard(formView());
      for (const field of APPLICATION_FIELDS) {
        const c = one(empty, field);
        expect(c).not.toHaveProperty('default_value');
        if (field !== 'kind') expect(c).not.toHaveProperty('initial_option');
        expect(c).not.toHaveProperty('initial_date');
      }
    });

    it('selects the typed region', () => {
      expect(one(card, 'region').initial_option).toBe('包头市');
    });

    it('sets the date pickers to the picked day, dropping the client offset', () => {
      expect(one(card, 'start_date').initial_date).toBe('2027-06-10');
      expect(one(card, 'end_date').initial_date).toBe('2027-06-12');
      const other = applicationFormCard(formView({ values: { start_date: '2027-06-10 -0500', end_date: '2027-06-11 +08:00' } }));
      expect(one(other, 'start_date').initial_date).toBe('2027-06-10');
      expect(one(other, 'end_date').initial_date).toBe('2027-06-11');
    });

    it('selects the typed topics', () => {
      expect(one(card, 'topics').selected_values).toEqual(['lecture-4', 'exchange-1']);
      const single = applicationFormCard(formView({ values: { topics: 'survey-2' } }));
      expect(one(single, 'topics').selected_values).toEqual(['survey-2']);
    });

    it('does not prefill unknown regions, topics or dates', () => {
      const odd = applicationFormCard(
        formView({
          values: {
            region: '北京市',
            topics: ['lecture-1', 'no-such-topic', '<at id=all></at>', 'survey-3'],
            start_date: '2027-02-30',
            end_date: 'next tuesday',
          },
        }),
      );
      expect(one(odd, 'region')).not.toHaveProperty('initial_option');
      expect(one(odd, 'topics').selected_values).toEqual(['lecture-1', 'survey-3']);
      expect(one(odd, 'start_date')).not.toHaveProperty('initial_date');
      expect(one(odd, 'end_date')).not.toHaveProperty('initial_date');
      // A region without its suffix is not an option value either.
      expect(one(applicationFormCard(formView({ values: { region: '包头' } })), 'region')).not.toHaveProperty('initial_option');
    });

    it('ignores a list where a single value is expected', () => {
      const odd = applicationFormCard(formView({ values: { org_name: ['a', 'b'], region: ['包头市'] } }));
      expect(one(odd, 'org_name')).not.toHaveProperty('default_value');
      expect(one(odd, 'region')).not.toHaveProperty('initial_option');
    });
  });

  describe('errors', () => {
    const card = applicationFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));

    it('shows each error directly after its field (after the hint note, if any), escaped', () => {
      for (const [field, message] of Object.entries(TYPED_ERRORS) as Array<[ApplicationField, string]>) {
        const next = afterField(card, field);
        expect(isErrorLine(next)).toBe(true);
        const content = String(next!.content);
        const inner = content.slice(content.indexOf('⚠ ') + 2, content.lastIndexOf('</font>'));
        expect(decode(inner)).toBe(message);
        // Nothing the user typed survives as markup: only entities, no raw specials.
        expect(inner.replace(/&#\d+;/g, '')).not.toMatch(/[<>*[\]`~&]/);
      }
    });

    it('keeps the hint note between core_count and its error', () => {
      const { elements, index } = locate(card, 'core_count');
      expect(elements[index + 1]).toMatchObject({ tag: 'markdown', text_size: 'notation' });
      expect(elements[index + 1].content).toContain('80% 以上');
      expect(isErrorLine(elements[index + 2])).toBe(true);
    });

    it('shows no error line under fields without errors', () => {
      for (const field of APPLICATION_FIELDS.filter((f) => !(f in TYPED_ERRORS))) {
        expect(isErrorLine(afterField(card, field))).toBe(false);
      }
      expect(markdownContents(card).filter((c) => c.includes('⚠'))).toHaveLength(Object.keys(TYPED_ERRORS).length);
    });

    it('counts the errors at the top and turns the header orange', () => {
      expect(markdownContents(card)[1]).toContain('有 6 项需要修改');
      expect((card as Node).header.template).toBe('orange');
      expect((card as Node).config.summary.content).toBe('申请表有 6 项需要修改');
      const clean = applicationFormCard(formView({ values: TYPED }));
      expect(visibleText(clean)).not.toContain('需要修改');
      expect((clean as Node).header.template).toBe('blue');
    });

    it('lets no user markup through into any markdown element', () => {
      for (const content of markdownContents(card)) {
        expect(content).not.toContain('<at');
        expect(content).not.toContain('**包头**');
        expect(content).not.toContain('[x](y)');
      }
    });
  });

  it('states the window, duration, lead time and earliest start from the rules', () => {
    const intro = markdownContents(applicationFormCard(formView()))[0];
    expect(intro).toContain('2027 年 3 月 1 日至 11 月 30 日');
    expect(intro).toContain('持续 1–3 天');
    expect(intro).toContain('申请需在活动开始 10 日前提交');
    expect(intro).toContain('**2027-03-11**');
  });

  it('says when the season has no start date left', () => {
    const intro = markdownContents(applicationFormCard(formView({ earliestStart: undefined })))[0];
    expect(intro).toContain('（2027 年度已没有可选的开始日期）');
  });

  it('tells a resubmission that the 10 days count from the first submission unless the dates move earlier', () => {
    const texts = markdownContents(applicationFormCard(formView({ mode: 'edit', target: { id: 9 }, code: 'SQ2027-0003', keepingDatesFrom: '2027-06-01' })));
    expect(texts[1]).toBe('本申请首次提交于 **2027-06-01**。修改后活动开始日期不早于原定日期的，10 日从首次提交之日算起；改到更早的日期，则从重新提交之日算起。');
    expect(markdownContents(applicationFormCard(formView({ mode: 'edit', target: { id: 9 }, code: 'SQ2027-0003' })))[1]).not.toContain('首次提交');
  });

  it.each([
    ['new', formView(), '活动申请表'],
    ['draft', formView({ mode: 'draft', target: { id: 9 } }), '活动申请表（草稿）'],
    ['edit', formView({ mode: 'edit', target: { id: 7 }, code: 'SQ2027-0012' }), '修改申请 SQ2027-0012'],
  ])('titles the %s form', (_name, view, title) => {
    expect((applicationFormCard(view) as Node).header.title.content).toBe(title);
  });

  it('stays under 30 KB and 200 components with every field at its longest and an error on every field', () => {
    const max = DEFAULT_APPLICATION_RULES.maxLength;
    // Four bytes a character in UTF-8, one character for the rules: the worst for the size.
    const long = (n: number) => '𠀀'.repeat(n);
    const values: Partial<Record<ApplicationField, string | string[]>> = {
      org_name: long(max.org_name),
      region: '锡林郭勒盟',
      venue: long(max.venue),
      start_date: '2027-06-10 +0800',
      end_date: '2027-06-12 +0800',
      headcount: '9'.repeat(50),
      core_count: '9'.repeat(50),
      enterprise_count: '9'.repeat(50),
      key_industry_count: '9'.repeat(50),
      audience: long(max.audience),
      needs: long(max.needs),
      topics: ACTIVITY_MENU.map((o) => o.value),
      contact_name: long(max.contact_name),
      mobile: '1'.repeat(50),
      email: long(max.email),
      remarks: long(max.remarks),
    };
    // Errors that quote what was typed, escaped: six bytes for each special character.
    const errors: ApplicationErrors = Object.fromEntries(APPLICATION_FIELDS.map((f) => [f, `「${'~'.repeat(100)}」不符合要求`]));
    const card = applicationFormCard(formView({ values, errors, mode: 'edit', code: 'SQ2027-9999', target: { id: 123456 } }));
    expectValidCard(card);
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(components(card).length).toBeLessThan(MAX_COMPONENTS);
    expect(markdownContents(card).filter((c) => c.includes('⚠'))).toHaveLength(17);
  });
});

// ---------------------------------------------------------------------------------------------
// Application cards

/** An open review card's form submits with any of its three decision buttons. */
const DECISION_FORM = { submitsPerForm: 'some' } as const;

const ATTACHED: Partial<Application> = {
  attachmentKind: 'file',
  attachmentKey: 'file_v3_abc',
  attachmentName: '申请表（盖章）.pdf',
  attachmentMessageId: 'om_1',
  attachedAt: T0 + 15 * MINUTE,
};

const DRAFT: Partial<Application> = {
  status: '草稿',
  codeYear: null,
  codeSeq: null,
  version: 1,
  orgName: '呼和浩特某某公司',
  region: null,
  venue: null,
  startDate: null,
  endDate: null,
  headcount: null,
  coreCount: null,
  enterpriseCount: null,
  keyIndustryCount: null,
  audience: null,
  needs: null,
  topics: null,
  contactName: null,
  mobile: null,
  email: null,
  draftForm: JSON.stringify({ org_name: '呼和浩特某某公司' }),
  submittedAt: null,
};

const RETURNED: Partial<Application> = {
  status: '已退回',
  version: 4,
  decidedBy: 'ou_admin1',
  decidedAt: T0 + DAY,
  decisionReason: NASTY_REASON,
};

const ev = (id: number, action: string, fromStatus: string | null, toStatus: string, actorOpenId: string, at: number, reason: string | null = null): ApplicationEvent => ({
  id,
  applicationId: 7,
  action,
  fromStatus,
  toStatus,
  actorOpenId,
  reason,
  at,
});

const HISTORY: ApplicationEvent[] = [
  ev(1, 'draft', null, '草稿', 'ou_filer1', T0 - HOUR),
  ev(2, 'submit', '草稿', '待审核', 'ou_filer1', T0),
  ev(3, 'return', '待审核', '已退回', 'ou_admin1', T0 + DAY, NASTY_REASON),
  ev(4, 'resubmit', '已退回', '待审核', 'ou_filer1', T0 + 2 * DAY),
  ev(5, 'approve', '待审核', '已通过', 'ou_admin2', T0 + 3 * DAY + 30 * MINUTE, '材料齐全'),
  ev(6, 'attach', '已通过', '已通过', 'ou_filer1', T0 + 3 * DAY + 2 * HOUR, '申请表（盖章）.pdf'),
];

const APPROVED_WITH_HISTORY = makeApp({
  ...ATTACHED,
  attachmentKind: 'image',
  attachmentKey: 'img_v3_abc',
  attachmentName: null,
  attachedAt: T0 + 3 * DAY + 2 * HOUR,
  status: '已通过',
  version: 7,
  remarks: '会场可容纳 150 人',
  topics: JSON.stringify(['lecture-4', 'retired-item', 'survey-3']),
  decidedBy: 'ou_admin2',
  decidedAt: T0 + 3 * DAY + 30 * MINUTE,
  decisionReason: '材料齐全',
});

const appView = (app: Application, over: Partial<ApplicationCardView> = {}): ApplicationCardView => ({ app, timezone: TZ, filerButtons: true, ...over });

const APP_CARDS: Array<[string, ApplicationCardView]> = [
  ['待审核 with attachment', appView(makeApp(ATTACHED), { banner: '✅ 已提交，等待服务中心审核。' })],
  ['待审核 without attachment', appView(makeApp())],
  ['已退回 with a reason full of markdown', appView(makeApp({ ...ATTACHED, ...RETURNED }))],
  ['已撤回', appView(makeApp({ status: '已撤回', version: 4 }))],
  ['draft', appView(makeApp(DRAFT))],
  ['detail with history', appView(APPROVED_WITH_HISTORY, { history: HISTORY, filerButtons: false })],
];

describe('applicationCard', () => {
  it.each(APP_CARDS)('matches the snapshot: %s', (_name, view) => {
    expect(validOutline(applicationCard(view))).toMatchSnapshot();
  });

  it.each(APP_CARDS)('is a valid JSON 2.0 card: %s', (_name, view) => {
    const card = applicationCard(view);
    expectValidCard(card);
    expect(forms(card)).toHaveLength(0);
  });

  it.each<[ApplicationStatus, string[]]>([
    ['待审核', ['修改', '撤回']],
    ['已退回', ['修改', '撤回']],
    ['草稿', ['继续填写', '撤回']],
    ['已通过', ['申请改期', '取消活动']],
    ['未通过', []],
    ['已撤回', []],
    ['已举办', []],
    ['已总结', []],
    ['已取消', []],
  ])('gives the filer the buttons of filerActions in %s', (status, expected) => {
    expect(filerActions(status)).toEqual(expected);
    const app = makeApp(status === '草稿' ? DRAFT : { status });
    const card = applicationCard(appView(app));
    expect(buttonTexts(card)).toEqual(expected);
    const actions: Record<string, string> = {
      修改: 'application.edit',
      撤回: 'application.withdraw',
      继续填写: 'application.resume',
      申请改期: 'application.change',
      取消活动: 'application.cancel_form',
    };
    for (const b of buttons(card)) {
      expect(callbackValue(b)).toEqual({ action: actions[b.text.content], id: 7, ...(app.status === '草稿' ? {} : { code: 'SQ2027-0012' }) });
      expect(b).not.toHaveProperty('form_action_type');
    }
    expect(buttonTexts(applicationCard(appView(app, { filerButtons: false })))).toEqual([]);
    // An admin (not the filer) gets only the change buttons, and on an approved activity 安排专家 (issue 11, item 6).
    const adminOnly = [...expected.filter((t) => t === '申请改期' || t === '取消活动'), ...(status === '已通过' ? ['安排专家'] : [])];
    expect(buttonTexts(applicationCard(appView(app, { filerButtons: false, adminButtons: true })))).toEqual(adminOnly);
  });

  it('asks before withdrawing, and only then', () => {
    const card = applicationCard(appView(makeApp()));
    const [edit, withdraw] = buttons(card);
    expect(withdraw.confirm).toEqual({
      title: { tag: 'plain_text', content: expect.stringContaining('撤回') },
      text: { tag: 'plain_text', content: expect.stringMatching(/\S/) },
    });
    expect(edit).not.toHaveProperty('confirm');
  });

  it('shows the code, status, summary and the attachment state', () => {
    const text = visibleText(applicationCard(appView(makeApp(ATTACHED))));
    expect(text).toContain('**编号**：SQ2027-0012　**状态**：待审核');
    expect(text).toContain('**活动时间**：2027-06-10 至 2027-06-11（2 天）');
    expect(text).toContain('**活动人数**：120 人，其中第（2）（3）类人员 100 人；参与企业 20 家，其中十大产业企业 15 家');
    expect(text).toContain('已附</font>（文件「申请表（盖章）.pdf」，2027-05-20 09:45 收到）');
    expect(visibleText(applicationCard(appView(makeApp())))).toContain('尚未收到');
    expect((applicationCard(appView(makeApp())) as Node).header.title.content).toBe('活动申请 SQ2027-0012');
  });

  it('shows a draft as a draft: no code, no attachment line, grey', () => {
    const card = applicationCard(appView(makeApp(DRAFT))) as Node;
    expect(card.header.title.content).toBe('活动申请（草稿）');
    expect(card.header.template).toBe('grey');
    const text = visibleText(card);
    expect(text).toContain('草稿（未提交）');
    expect(text).not.toContain('盖章扫描件');
    expect(text).toContain('**活动时间**：（未填写）');
  });

  it('names the reviewer with a mention and escapes the reason', () => {
    const card = applicationCard(appView(makeApp({ ...ATTACHED, ...RETURNED })));
    const line = markdownContents(card).find((c) => c.startsWith('**审核**'))!;
    expect(line).toContain('<at id=ou_admin1></at> 于 2027-05-21 09:30 退回修改，审核意见：');
    const reason = line.slice(line.indexOf('审核意见：') + 5);
    expect(decode(reason)).toBe(NASTY_REASON);
    expect(reason.replace(/&#\d+;/g, '')).not.toMatch(/[<>*[\]`~&]/);
    expect(JSON.stringify(card)).not.toContain('<at id=all>');
  });

  it('shows the detail lines, the decision and the history in the given time zone', () => {
    const card = applicationCard(appView(APPROVED_WITH_HISTORY, { history: HISTORY, filerButtons: false }));
    const md = markdownContents(card);
    const text = visibleText(card);
    // Topics by label, in stored order; a value no longer on the menu is left out.
    expect(text).toContain('**活动内容**：\n- 专题讲座 4. 科技政策落地宣讲解读\n- 考察调研 3. 各盟市企业创新能力提升和政策落地情况');
    expect(text).not.toContain('retired-item');
    expect(text).toContain('**备注**：会场可容纳 150 人');
    expect(md.some((c) => c === '**审核**：<at id=ou_admin2></at> 于 2027-05-23 10:00 通过，审核意见：材料齐全')).toBe(true);
    expect(text).toContain('（图片，2027-05-23 11:30 收到）');
    const history = md.find((c) => c.startsWith('**办理记录**'))!.split('\n').slice(1);
    expect(history).toHaveLength(HISTORY.length);
    expect(history[0]).toBe('- 2027-05-20 08:30 <at id=ou_filer1></at> 保存草稿');
    expect(history[1]).toBe('- 2027-05-20 09:30 <at id=ou_filer1></at> 提交（草稿 → 待审核）');
    expect(history[2]).toMatch(/^- 2027-05-21 09:30 <at id=ou_admin1><\/at> 退回修改（待审核 → 已退回），审核意见：/);
    expect(decode(history[2].slice(history[2].indexOf('审核意见：') + 5))).toBe(NASTY_REASON);
    expect(history[3]).toBe('- 2027-05-22 09:30 <at id=ou_filer1></at> 重新提交（已退回 → 待审核）');
    expect(history[4]).toBe('- 2027-05-23 10:00 <at id=ou_admin2></at> 通过（待审核 → 已通过），审核意见：材料齐全');
    // An attachment's reason is its file name: not shown as a reason, and no move.
    expect(history[5]).toBe('- 2027-05-23 11:30 <at id=ou_filer1></at> 附上盖章扫描件');
    expect(buttons(card)).toHaveLength(0);
    expect(card.body).toBeDefined();
  });

  it('does not show the detail lines or history without a history', () => {
    const text = visibleText(applicationCard(appView(APPROVED_WITH_HISTORY)));
    expect(text).not.toContain('办理记录');
    expect(text).not.toContain('活动对象');
  });

  it('shows the same instants in another time zone when asked', () => {
    const text = visibleText(applicationCard(appView(makeApp(ATTACHED), { timezone: 'UTC' })));
    expect(text).toContain('2027-05-20 01:45 收到');
  });

  it('stays under 30 KB with every field at its longest and full of characters that escape to entities', () => {
    const max = DEFAULT_APPLICATION_RULES.maxLength;
    // '~' becomes '&#126;': six bytes a character, the worst escapeMarkdown can do.
    const worst = (n: number) => '~'.repeat(n);
    const app = makeApp({
      ...RETURNED,
      orgName: worst(max.org_name),
      venue: worst(max.venue),
      audience: worst(max.audience),
      needs: worst(max.needs),
      contactName: worst(max.contact_name),
      email: worst(max.email),
      remarks: worst(max.remarks),
      topics: JSON.stringify(ACTIVITY_MENU.map((o) => o.value)),
      attachmentKind: 'file',
      attachmentKey: 'file_v3_abc',
      attachmentName: worst(300),
      attachedAt: T0,
      decisionReason: worst(MAX_REASON_LENGTH),
    });
    expectValidCard(applicationCard(appView(app, { history: [] })));
    expectValidCard(reviewCard({ app: { ...app, status: '待审核' }, timezone: TZ, reason: worst(MAX_REASON_LENGTH), reasonError: worst(100) }), DECISION_FORM);
    expectValidCard(reviewCard({ app, timezone: TZ }));
  });
});

// ---------------------------------------------------------------------------------------------
// mention

describe('mention', () => {
  it.each([
    ['ou_admin1', '<at id=ou_admin1></at>'],
    ['ou_7d8a6e6df7621556ce0d21922b676706', '<at id=ou_7d8a6e6df7621556ce0d21922b676706></at>'],
    ['ou_A_b_9', '<at id=ou_A_b_9></at>'],
  ])('mentions an open_id: %s', (id, expected) => {
    expect(mention(id)).toBe(expected);
  });

  it.each([
    ['all', 'all'],
    ['ou_', 'ou&#95;'],
    ['on_union1', 'on_union1'],
    ['ou_x></at><at id=all', 'ou_x&#62;&#60;/at&#62;&#60;at id=all'],
    ['ou_x y', 'ou_x y'],
    ['ou_x\n', 'ou_x\n'],
    ['**ou_bold**', '&#42;&#42;ou_bold&#42;&#42;'],
  ])('escapes anything else: %j', (id, expected) => {
    expect(mention(id)).toBe(expected);
    expect(mention(id)).not.toContain('<at');
  });

  it('says 未知 for nobody', () => {
    expect(mention(null)).toBe('（未知）');
    expect(mention('')).toBe('（未知）');
  });
});

// ---------------------------------------------------------------------------------------------
// Review card

const OPEN_REVIEW: ReviewCardView = {
  app: makeApp({ ...ATTACHED, remarks: NASTY_REASON }),
  timezone: TZ,
  reason: NASTY_REASON,
  reasonError: '请填写<退回修改>的**原因**',
};

describe('reviewCard', () => {
  it('matches the snapshot: 待审核 with a rejected reason', () => {
    expect(validOutline(reviewCard(OPEN_REVIEW), DECISION_FORM)).toMatchSnapshot();
  });

  it('while 待审核: one form with the reason input and the three decision buttons', () => {
    const card = reviewCard({ app: makeApp(ATTACHED), timezone: TZ });
    expectValidCard(card, DECISION_FORM);
    expect(forms(card)).toHaveLength(1);
    const [form] = forms(card);
    const inside = components({ body: { elements: form.elements } }).map((v) => v.node);

    const reason = one(card, 'reason');
    expect(inside).toContain(reason);
    expect(reason).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: MAX_REASON_LENGTH, required: false });
    expect(reason).not.toHaveProperty('default_value');

    const decisions = buttons(card);
    expect(decisions.map((b) => b.text.content)).toEqual(['通过', '退回修改', '不予受理']);
    expect(decisions.map((b) => callbackValue(b))).toEqual([
      { action: 'application.review', id: 7, decision: 'approve', v: 3, code: 'SQ2027-0012' },
      { action: 'application.review', id: 7, decision: 'return', v: 3, code: 'SQ2027-0012' },
      { action: 'application.review', id: 7, decision: 'reject', v: 3, code: 'SQ2027-0012' },
    ]);
    for (const b of decisions) {
      expect(inside).toContain(b);
      expect(b.form_action_type).toBe('submit');
      expect(typeof b.name).toBe('string');
    }
    expect(visibleText(card)).not.toContain('⚠');
    expect((card as Node).header.title.content).toBe('待审核申请 SQ2027-0012');
  });

  it('carries the version the reviewer saw', () => {
    const card = reviewCard({ app: makeApp({ version: 42 }), timezone: TZ });
    for (const b of buttons(card)) expect(callbackValue(b)).toMatchObject({ v: 42 });
  });

  it('puts a rejected reason back as typed and its error, escaped, right after the input', () => {
    const card = reviewCard(OPEN_REVIEW);
    expectValidCard(card, DECISION_FORM);
    expect(one(card, 'reason').default_value).toBe(NASTY_REASON);
    const elements = forms(card)[0].elements as Node[];
    const at = elements.findIndex((e) => e.name === 'reason');
    const next = elements[at + 1];
    expect(isErrorLine(next)).toBe(true);
    expect(decode(String(next.content))).toContain('⚠ 请填写<退回修改>的**原因**');
    expect(String(next.content)).not.toContain('**原因**');
    for (const content of markdownContents(card)) expect(content).not.toContain('<at id=all>');
  });

  it('shows the filer and the details', () => {
    const card = reviewCard(OPEN_REVIEW);
    const md = markdownContents(card);
    expect(md[0]).toBe('**编号**：SQ2027-0012　**状态**：待审核　**申请人**：<at id=ou_filer1></at>');
    expect(visibleText(card)).toContain('**企业需求**：稀土新材料中试放大的工艺问题；科技政策申报辅导');
    expect(visibleText(card)).toContain('已附');
  });

  it('after a decision: no form or decision buttons (安排专家 once approved), and the decider named with a mention', () => {
    const app = makeApp({ ...ATTACHED, status: '已通过', version: 4, decidedBy: 'ou_admin2', decidedAt: T0 + DAY, decisionReason: '同意 <at id=all></at>' });
    const card = reviewCard({ app, timezone: TZ });
    expectValidCard(card);
    expect(forms(card)).toHaveLength(0);
    expect(buttons(card).map((b) => b.text.content)).toEqual(['安排专家']);
    expect(byName(card, 'reason')).toHaveLength(0);
    const line = markdownContents(card).find((c) => c.startsWith('**审核**'))!;
    expect(line).toContain('<at id=ou_admin2></at> 于 2027-05-21 09:30 通过');
    expect(decode(line)).toContain('审核意见：同意 <at id=all></at>');
    expect(JSON.stringify(card)).not.toContain('<at id=all>');
    expect((card as Node).header).toMatchObject({ title: { content: '申请 SQ2027-0012 · 已通过' }, template: 'green' });
  });

  it.each<[string, Partial<Application>, string]>([
    ['已退回', RETURNED, '退回修改'],
    ['未通过', { status: '未通过', decidedBy: 'ou_admin1', decidedAt: T0 + DAY, decisionReason: '不在活动范围' }, '不予受理'],
  ])('after %s: names the decision', (_name, over, verb) => {
    const card = reviewCard({ app: makeApp(over), timezone: TZ });
    expect(buttons(card)).toHaveLength(0);
    expect(markdownContents(card).find((c) => c.startsWith('**审核**'))).toContain(`<at id=ou_admin1></at> 于 2027-05-21 09:30 ${verb}，审核意见：`);
  });

  it('when superseded while 待审核: no buttons and a note that the card is outdated', () => {
    const card = reviewCard({ app: makeApp(), timezone: TZ, superseded: true });
    expectValidCard(card);
    expect(forms(card)).toHaveLength(0);
    expect(buttons(card)).toHaveLength(0);
    const notes = byTag(card, 'markdown').filter((m) => m.text_size === 'notation');
    expect(notes.map((n) => n.content)).toEqual([expect.stringContaining('已过期')]);
  });

  it('after a withdrawal (never decided): says there is nothing to review', () => {
    const card = reviewCard({ app: makeApp({ status: '已撤回' }), timezone: TZ });
    expect(buttons(card)).toHaveLength(0);
    expect(visibleText(card)).toContain('申请人已撤回这份申请，无需审核。');
  });
});

// ---------------------------------------------------------------------------------------------
// List card

const listItems = (): Application[] => [
  makeApp({ id: 30, ...DRAFT, orgName: '我的草稿单位名称很长很长很长很长' }),
  makeApp({ id: 29, ...DRAFT, filerOpenId: 'ou_someone_else', orgName: '别人的草稿' }),
  makeApp({ id: 28, codeSeq: 23, orgName: NASTY_ORG }),
  makeApp({ id: 27, codeSeq: 22, status: '已通过', startDate: '2027-07-01', endDate: '2027-07-01' }),
  makeApp({ id: 26, codeSeq: 21, status: '已退回' }),
  makeApp({ id: 25, codeSeq: 20, status: '已撤回', region: null }),
  makeApp({ id: 24, codeSeq: 19, status: '未通过' }),
  makeApp({ id: 23, codeSeq: 18, status: '已举办' }),
  makeApp({ id: 22, codeSeq: 17, status: '已总结' }),
  makeApp({ id: 21, codeSeq: 16 }),
];

const listView = (over: Partial<ApplicationListView> = {}): ApplicationListView => ({
  title: '我的申请',
  scopeNote: '您提交的申请',
  items: listItems(),
  page: 1,
  pageSize: 10,
  total: 23,
  pageValue: { action: 'application.list', scope: 'mine' },
  viewerOpenId: 'ou_filer1',
  ...over,
});

describe('applicationListCard', () => {
  it('matches the snapshot: page 2 of 3 with drafts', () => {
    expect(validOutline(applicationListCard(listView()))).toMatchSnapshot();
  });

  it('with no applications: a hint to send 申请 and no buttons', () => {
    const card = applicationListCard(listView({ items: [], total: 0, page: 0 }));
    expectValidCard(card);
    expect(visibleText(card)).toContain('还没有申请');
    expect(visibleText(card)).toContain('发送「申请」');
    expect(buttons(card)).toHaveLength(0);
  });

  it('pages: 第 2/3 页 with 上一页 and 下一页 carrying the page value', () => {
    const card = applicationListCard(listView());
    expectValidCard(card);
    expect(visibleText(card)).toContain('共 23 份，第 2/3 页');
    const prev = buttons(card).find((b) => b.text.content === '上一页')!;
    const next = buttons(card).find((b) => b.text.content === '下一页')!;
    expect(callbackValue(prev)).toEqual({ action: 'application.list', scope: 'mine', page: 0 });
    expect(callbackValue(next)).toEqual({ action: 'application.list', scope: 'mine', page: 2 });
  });

  it('has no 上一页 on the first page and no 下一页 on the last', () => {
    expect(buttonTexts(applicationListCard(listView({ page: 0 })))).not.toContain('上一页');
    expect(buttonTexts(applicationListCard(listView({ page: 0 })))).toContain('下一页');
    const last = applicationListCard(listView({ page: 2, items: listItems().slice(0, 3) }));
    expect(visibleText(last)).toContain('第 3/3 页');
    expect(buttonTexts(last)).toContain('上一页');
    expect(buttonTexts(last)).not.toContain('下一页');
    const single = applicationListCard(listView({ page: 0, total: 3, items: listItems().slice(2, 5) }));
    expect(visibleText(single)).toContain('第 1/1 页');
    expect(buttonTexts(single)).toEqual([]);
  });

  it('gives the viewer 继续填写 on their own drafts only', () => {
    const card = applicationListCard(listView());
    const resume = buttons(card).filter((b) => b.text.content.startsWith('继续填写'));
    expect(resume).toHaveLength(1);
    expect(resume[0].text.content).toBe('继续填写：我的草稿单位名称很长很…');
    expect(callbackValue(resume[0])).toEqual({ action: 'application.resume', id: 30 });
    const asOther = applicationListCard(listView({ viewerOpenId: 'ou_someone_else' }));
    const theirs = buttons(asOther).filter((b) => b.text.content.startsWith('继续填写'));
    expect(theirs.map((b) => callbackValue(b))).toEqual([{ action: 'application.resume', id: 29 }]);
  });

  it('lists each application on one line with code, org, region, dates and status, escaped', () => {
    const card = applicationListCard(listView());
    const list = markdownContents(card)[1].split('\n');
    expect(list).toHaveLength(10);
    expect(list[0]).toBe('- **草稿（未提交）**　我的草稿单位名称很长很长很长很长 · 未选盟市 · 日期未填 · **草稿**');
    expect(list[3]).toBe('- **SQ2027-0022**　包头稀土高新区某某科技有限公司 · 包头市 · 2027-07-01（1 天） · **已通过**');
    expect(decode(list[2])).toContain(NASTY_ORG);
    expect(list[2]).not.toContain('<at');
    expect(list[5]).toContain('· 未选盟市 ·');
  });
});

describe('every card', () => {
  const all: Array<[string, unknown]> = [
    ...FORMS.map(([n, v]): [string, unknown] => [`form: ${n}`, applicationFormCard(v)]),
    ...APP_CARDS.map(([n, v]): [string, unknown] => [`application: ${n}`, applicationCard(v)]),
    ['review: open', reviewCard(OPEN_REVIEW)],
    ['review: superseded', reviewCard({ ...OPEN_REVIEW, superseded: true })],
    ['list', applicationListCard(listView())],
    ['list: empty', applicationListCard(listView({ items: [], total: 0, page: 0 }))],
  ];

  it.each(all)('is schema 2.0, update_multi, under 30 KB: %s', (_name, card) => {
    expect(card).toMatchObject({ schema: '2.0', config: { update_multi: true } });
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
});

describe('a withdrawn application that had been returned', () => {
  const app = makeApp({ status: '已撤回', decidedBy: 'ou_admin1', decidedAt: 1800000000000, decisionReason: '缺少盖章' });

  it('does not show the old decision as if it stood', () => {
    expect(visibleText(applicationCard({ app, timezone: 'Asia/Shanghai', filerButtons: true }))).not.toContain('审核');
    const review = visibleText(reviewCard({ app, timezone: 'Asia/Shanghai' }));
    expect(review).toContain('申请人已撤回这份申请，无需审核。');
    expect(review).not.toContain('通过，原因');
  });
});

describe('a long audit trail', () => {
  it('shows the latest entries and says how many were left out, staying under 30 KB', () => {
    const history = Array.from({ length: 40 }, (_, i) => ({
      id: i + 1,
      applicationId: 1,
      action: i % 2 ? 'return' : 'resubmit',
      fromStatus: '待审核',
      toStatus: i % 2 ? '已退回' : '待审核',
      actorOpenId: 'ou_admin1',
      reason: '*'.repeat(500),
      at: 1800000000000 + i * 60_000,
    }));
    const card = applicationCard({ app: makeApp(), timezone: 'Asia/Shanghai', history, filerButtons: true });
    expect(visibleText(card)).toContain('较早的 28 条记录已省略');
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(30 * 1024);
  });
});

describe('the status of an application card', () => {
  it.each<[ApplicationStatus, string]>([
    ['草稿', 'grey'],
    ['待审核', 'blue'],
    ['已退回', 'orange'],
    ['已通过', 'green'],
    ['未通过', 'red'],
    ['已撤回', 'grey'],
    ['已举办', 'turquoise'],
    ['已总结', 'green'],
    ['已取消', 'grey'],
  ])('%s: the status word in the first line and the preview, the header coloured %s', (status, colour) => {
    const card = applicationCard(appView(makeApp(status === '草稿' ? DRAFT : { status }))) as Node;
    expectValidCard(card);
    expect(markdownContents(card)[0]).toContain(`**状态**：${status}`);
    expect(card.config.summary.content).toMatch(new RegExp(` · ${status}$`));
    expect(card.header.template).toBe(colour);
  });
});
