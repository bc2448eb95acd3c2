import { SUMMARY_SUBMIT_ACTION, summaryFormCard, SummaryFormView, summaryResultCard, SummaryResultView } from '../../cards/summary-cards';
import type { Application } from '../../src/db/entities/application.entity';
import { resolveApplicationRules } from '../../src/domain/application-rule-config';
import { checkSummaryForm, SUMMARY_FIELDS, type CheckedSummary, type FormValue, type SummaryErrors, type SummaryField } from '../../src/domain/summary-rules';
import { buttons, byName, callbackValue, components, expectEscaped, expectValidCard, forms, markdownContents, type Node } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';
import { makeApp as makeApplication } from '../helpers/factories';

const TZ = 'Asia/Shanghai';
const RULES = resolveApplicationRules();

/** 2027-06-14 10:05 in Shanghai (02:05 UTC). */
const T0 = Date.UTC(2027, 5, 14, 2, 5);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const NASTY = '**x** <at id=all></at>';
const NASTY_OUTCOMES = `达成合作意向 ${NASTY} 见 [链接](https://evil.example) #1_~`;

/** An application held before T0, with its stamped scan, waiting for its summary. */
function makeApp(over: Partial<Application> = {}): Application {
  return makeApplication({
    status: '已举办',
    version: 9,
    needs: '希望专家解读科技政策',
    attachmentKind: 'file',
    attachmentKey: 'file_v3_abc',
    attachmentName: '申请表（盖章）.pdf',
    attachmentMessageId: 'om_1',
    attachedAt: T0 - 30 * DAY,
    decidedBy: 'ou_admin2',
    decidedAt: T0 - 28 * DAY,
    submittedAt: T0 - 31 * DAY,
    createdAt: T0 - 31 * DAY - HOUR,
    updatedAt: T0 - 2 * DAY,
    ...over,
  });
}

function checked(over: FormValue = {}): CheckedSummary {
  const check = checkSummaryForm({
    actual_headcount: '110',
    actual_core_count: '92',
    actual_enterprise_count: '18',
    actual_key_industry_count: '10',
    satisfaction: '4',
    outcomes: '专家现场解答技术问题 12 个\n3 家企业达成合作意向',
    followup_needs: '希望继续对接稀土永磁材料专家',
    ...over,
  });
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return check.summary;
}

// ---------------------------------------------------------------------------------------------
// The form

const formView = (over: Partial<SummaryFormView> = {}): SummaryFormView => ({ app: makeApp(), values: {}, rules: RULES, ...over });

const TYPED: Partial<Record<SummaryField, string>> = {
  actual_headcount: '110人',
  actual_core_count: '92',
  actual_enterprise_count: '18',
  actual_key_industry_count: '19',
  satisfaction: '6',
  outcomes: NASTY_OUTCOMES,
  followup_needs: '',
};

const TYPED_ERRORS: SummaryErrors = {
  actual_headcount: '实际参加人数需为正整数（只填数字）',
  actual_key_industry_count: '自治区十大产业企业数不能超过实际参与企业数',
  satisfaction: '满意度请在 1–5 中选择',
};

const FORMS: Array<[string, SummaryFormView]> = [
  ['empty form with a reminder', formView({ reminder: '活动已结束 3 天，请尽快提交' })],
  ['returned form with errors and typed values', formView({ values: TYPED, errors: TYPED_ERRORS })],
];

describe('summaryFormCard', () => {
  it.each(FORMS)('matches the snapshot: %s', (_name, view) => {
    expect(validOutline(summaryFormCard(view))).toMatchSnapshot();
  });

  it.each(FORMS)('is a valid JSON 2.0 card: %s', (_name, view) => {
    expectValidCard(summaryFormCard(view));
  });

  it('has one form named summary_form with the seven fields in order, each once', () => {
    const card = summaryFormCard(formView());
    expect(forms(card)).toHaveLength(1);
    const [form] = forms(card);
    expect(form.name).toBe('summary_form');
    const named = components({ body: { elements: form.elements } })
      .map((v) => v.node)
      .filter((n) => n.name !== undefined && n.tag !== 'button')
      .map((n) => n.name);
    expect(named).toEqual([...SUMMARY_FIELDS]);
    for (const field of SUMMARY_FIELDS) expect(byName(card, field)).toHaveLength(1);
  });

  it('has exactly one button, the submit button of the form, carrying the application id', () => {
    const card = summaryFormCard(formView({ app: makeApp({ id: 42 }) }));
    const all = buttons(card);
    expect(all).toHaveLength(1);
    expect(all[0].form_action_type).toBe('submit');
    expect(all[0].text.content).toBe('提交总结');
    expect(callbackValue(all[0])).toEqual({ action: 'summary.submit', id: 42 });
    expect(SUMMARY_SUBMIT_ACTION).toBe('summary.submit');
  });

  it('offers satisfaction as a select of 5 … 1 with their words', () => {
    const [select] = byName(summaryFormCard(formView()), 'satisfaction');
    expect(select.tag).toBe('select_static');
    expect(select.options.map((o: Node) => [o.value, o.text.content])).toEqual([
      ['5', '5 非常满意'],
      ['4', '4 满意'],
      ['3', '3 一般'],
      ['2', '2 不满意'],
      ['1', '1 非常不满意'],
    ]);
    expect(select.initial_option).toBeUndefined();
    expect(byName(summaryFormCard(formView({ values: { satisfaction: '3' } })), 'satisfaction')[0].initial_option).toBe('3');
    expect(byName(summaryFormCard(formView({ values: { satisfaction: '6' } })), 'satisfaction')[0].initial_option).toBeUndefined();
  });

  it('shows the code, the application and its planned numbers', () => {
    const card = summaryFormCard(formView());
    expect(card.header).toMatchObject({ title: { content: '活动评估总结 · SQ2027-0012' }, subtitle: { content: '包头稀土高新区某某科技有限公司' } });
    const text = visibleText(card);
    expect(text).toContain('SQ2027-0012');
    expect(text).toContain('包头稀土高新区某某科技有限公司');
    expect(text).toContain('2027-06-10 至 2027-06-11（2 天）');
    expect(text).toContain('120 人');
  });

  it('reminds of the ratios under the counts, following the rules', () => {
    const text = visibleText(summaryFormCard(formView({ rules: resolveApplicationRules({ corePercent: 70, keyIndustryPercent: 55 }) })));
    expect(text).toContain('70% 以上');
    expect(text).toContain('55% 以上');
    const defaults = visibleText(summaryFormCard(formView()));
    expect(defaults).toContain('80% 以上');
    expect(defaults).toContain('60% 以上');
  });

  it('says photos and the sign-in sheet can be sent as images or files afterwards', () => {
    const text = visibleText(summaryFormCard(formView()));
    expect(text).toMatch(/照片、签到表.*图片或文件/);
  });

  it('shows the reminder, escaped, only when given', () => {
    expect(visibleText(summaryFormCard(formView({ reminder: '活动已结束 3 天，请尽快提交' })))).toContain('活动已结束 3 天，请尽快提交');
    expect(visibleText(summaryFormCard(formView()))).not.toContain('尽快');
    expectEscaped(summaryFormCard(formView({ reminder: NASTY })), NASTY);
  });

  it('puts each error in red directly under its field, and keeps typed values', () => {
    const card = summaryFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));
    const elements = forms(card)[0].elements as Node[];
    for (const [field, message] of Object.entries(TYPED_ERRORS)) {
      const index = elements.findIndex((e) => e.name === field);
      let next = elements[index + 1];
      if (next.text_size === 'notation') next = elements[index + 2];
      expect(next.tag).toBe('markdown');
      expect(next.content).toContain("<font color='red'>⚠");
      expect(visibleText({ next })).toContain(message);
    }
    expect(markdownContents(card).filter((c) => c.includes('⚠'))).toHaveLength(3);
    expect((card as Node).header.template).toBe('orange');
    expect(visibleText(card)).toContain('有 3 项需要修改');
    expect(byName(card, 'actual_headcount')[0].default_value).toBe('110人');
    expect(byName(card, 'outcomes')[0].default_value).toBe(NASTY_OUTCOMES);
    expect(byName(card, 'followup_needs')[0].default_value).toBeUndefined();
  });

  it('is blue without errors', () => {
    const card = summaryFormCard(formView());
    expect((card as Node).header.template).toBe('blue');
    expect(markdownContents(card).some((c) => c.includes("color='red'"))).toBe(false);
  });

  it('escapes user text from the application', () => {
    const card = summaryFormCard(formView({ app: makeApp({ orgName: `某某公司${NASTY}`, venue: NASTY }) }));
    expectEscaped(card, `某某公司${NASTY}`);
  });

  it('stays valid and under 30 KB with every value at its maximum length and every field failing', () => {
    const long = (ch: string) => ch.repeat(1000);
    const card = summaryFormCard(
      formView({
        app: makeApp({ orgName: '<'.repeat(200), venue: '*'.repeat(400), region: '_'.repeat(32) }),
        reminder: '活动已结束 30 天，请尽快提交',
        values: Object.fromEntries(SUMMARY_FIELDS.map((f) => [f, long('成')])),
        errors: Object.fromEntries(SUMMARY_FIELDS.map((f) => [f, `${'*'.repeat(60)}超过 1000 字（当前 1001 字）`])),
      }),
    );
    expectValidCard(card);
  });
});

// ---------------------------------------------------------------------------------------------
// The filed summary

const resultView = (over: Partial<SummaryResultView> = {}): SummaryResultView => ({
  app: makeApp({ status: '已总结' }),
  summary: checked(),
  filedBy: 'ou_filer1',
  filedAt: T0,
  timezone: TZ,
  ...over,
});

const RESULTS: Array<[string, SummaryResultView]> = [
  ['both ratios met', resultView()],
  ['core not met, no enterprises, nasty text', resultView({ summary: checked({ actual_core_count: '87', actual_enterprise_count: '0', actual_key_industry_count: '0', satisfaction: '2', outcomes: NASTY_OUTCOMES, followup_needs: '' }) })],
];

describe('summaryResultCard', () => {
  it.each(RESULTS)('matches the snapshot: %s', (_name, view) => {
    expect(validOutline(summaryResultCard(view))).toMatchSnapshot();
  });

  it.each(RESULTS)('is a valid JSON 2.0 card without buttons or forms: %s', (_name, view) => {
    const card = summaryResultCard(view);
    expectValidCard(card);
    expect(buttons(card)).toHaveLength(0);
    expect(forms(card)).toHaveLength(0);
  });

  it('is green, titled with the code, and says who filed it when (in the given zone)', () => {
    const card = summaryResultCard(resultView());
    expect(card.header).toMatchObject({ title: { content: '活动评估总结已提交 · SQ2027-0012' }, template: 'green' });
    const md = markdownContents(card).join('\n');
    expect(md).toContain('<at id=ou_filer1></at> 于 2027-06-14 10:05 提交');
    expect(visibleText(summaryResultCard(resultView({ timezone: 'UTC' })))).toContain('2027-06-14 02:05');
  });

  it('shows the actual numbers, both ratios as met, and the satisfaction', () => {
    const text = visibleText(summaryResultCard(resultView()));
    expect(text).toContain('110 人，其中第（2）（3）类人员 92 人');
    expect(text).toContain('18 家，其中自治区十大产业企业 10 家');
    expect(text).toMatch(/（2）（3）类人员占比\*\*：83\.6%（要求 80% 以上）<font color='green'>达标<\/font>/);
    expect(text).toMatch(/十大产业企业占比\*\*：55\.5%（要求 60% 以上）<font color='red'>未达标<\/font>/);
    expect(text).toContain('4 满意');
    expect(text).toContain('希望继续对接稀土永磁材料专家');
  });

  it('shows exactly 80 % as met and 79.9 % as not met', () => {
    const met = visibleText(summaryResultCard(resultView({ summary: checked({ actual_headcount: '100', actual_core_count: '80' }) })));
    expect(met).toMatch(/80%（要求 80% 以上）<font color='green'>达标/);
    const notMet = visibleText(summaryResultCard(resultView({ summary: checked({ actual_headcount: '1000', actual_core_count: '799' }) })));
    expect(notMet).toMatch(/79\.9%（要求 80% 以上）<font color='red'>未达标/);
  });

  it('shows both ratios as not applicable for 对外交流活动, and the form says they are not assessed', () => {
    const text = visibleText(summaryResultCard(resultView({ app: makeApp({ status: '已总结', kind: '对外交流' }) })));
    expect(text).toContain('**活动类别**：对外交流活动');
    expect(text).toContain("（2）（3）类人员占比**：<font color='grey'>不适用</font>（对外交流活动不考核比例）");
    expect(text).toContain("十大产业企业占比**：<font color='grey'>不适用</font>（对外交流活动不考核比例）");
    expect(text).not.toContain('未达标');
    const form = visibleText(summaryFormCard(formView({ app: makeApp({ status: '已举办', kind: '对外交流' }) })));
    expect(form).toContain('对外交流活动不考核人员和企业比例');
  });

  it('shows the key-industry ratio as not applicable without enterprises, and a missing follow-up as (无)', () => {
    const text = visibleText(summaryResultCard(RESULTS[1][1]));
    expect(text).toContain('十大产业企业占比**：<font color=\'grey\'>不适用</font>（没有企业参加）');
    expect(text).not.toContain('null');
    expect(text).toContain('**后续需求**：（无）');
    expect(text).toContain('2 不满意');
  });

  it('escapes outcomes and follow-up needs', () => {
    const card = summaryResultCard(resultView({ summary: checked({ outcomes: NASTY_OUTCOMES, followup_needs: NASTY }) }));
    expectEscaped(card, NASTY_OUTCOMES);
    expect(visibleText(card)).toContain(`**后续需求**：\n${NASTY}`);
  });

  it('stays under 30 KB with the longest texts made of characters that escape', () => {
    const card = summaryResultCard(
      resultView({
        app: makeApp({ status: '已总结', orgName: '<'.repeat(200), venue: '*'.repeat(400) }),
        summary: checked({ outcomes: '<'.repeat(1000), followup_needs: '&'.repeat(1000) }),
      }),
    );
    expectValidCard(card);
  });
});

describe('summaryResultCard for the centre', () => {
  it('tells the centre where photos go instead of asking it to send them privately', () => {
    const filer = visibleText(summaryResultCard(resultView()));
    const centre = visibleText(summaryResultCard(resultView({ forCentre: true })));
    expect(filer).toContain('活动照片、签到表可在与我的私聊中以图片或文件发给我。');
    expect(centre).not.toContain('私聊中');
    expect(centre).toContain('申请人发来的活动照片、签到表会转发到这里。');
  });
});
