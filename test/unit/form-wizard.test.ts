import { resolveApplicationRules } from '../../src/domain/application-rule-config';
import { checkApplicationForm } from '../../src/domain/application-rules';
import { INDUSTRIES } from '../../src/domain/industries';
import { NEED_FIELDS } from '../../src/domain/need-rules';
import { SUMMARY_FIELDS } from '../../src/domain/summary-rules';
import { EXPERT_FORM_FIELDS } from '../../src/domain/expert-rules';
import { APPLICATION_FIELDS } from '../../src/domain/application-fields';
import { applicationFormSpec } from '../../src/forms/application-form';
import { expertFormSpec } from '../../src/forms/expert-form';
import { needFormSpec } from '../../src/forms/need-form';
import { reportSubmitFormSpec } from '../../src/forms/report-form';
import { summaryFormSpec } from '../../src/forms/summary-form';
import { cancelFormSpec } from '../../src/forms/cancel-form';
import { changeFormSpec, CHANGE_FIELDS } from '../../src/forms/change-form';
import { matchFormSpec, MATCH_EXPERT_MISSING } from '../../src/forms/match-form';
import { answer, parseAnswer, promptFor, type WizardForm } from '../../src/platform/dingtalk/wizard/conversation';

/** The described forms (src/forms) and the conversation that walks them (the DingTalk wizard). */

const RULES = resolveApplicationRules();
const CTX = { today: '2027-05-20', campaignYear: 2027 };
const app = applicationFormSpec(RULES);
const appWizard: WizardForm = { ...app, check: (v) => app.check(v, CTX) };
const field = (name: string) => app.fields.find((f) => f.name === name)!;

describe('the form descriptions', () => {
  it('name the fields the rule functions check, in the cards’ order', () => {
    expect(app.fields.map((f) => f.name)).toEqual([...APPLICATION_FIELDS]);
    expect(needFormSpec({ industries: INDUSTRIES }).fields.map((f) => f.name)).toEqual([...NEED_FIELDS]);
    expect(summaryFormSpec(RULES).fields.map((f) => f.name)).toEqual([...SUMMARY_FIELDS]);
    expect(expertFormSpec(INDUSTRIES).fields.map((f) => f.name)).toEqual([...EXPERT_FORM_FIELDS]);
    expect(reportSubmitFormSpec({ region: '包头市', expects: 'text' }).fields.map((f) => f.name)).toEqual(['text']);
  });

  it('check with the rule functions, so the messages are theirs', () => {
    const values = { mobile: '123' };
    expect(app.check(values, CTX)).toEqual((checkApplicationForm(values, CTX) as { errors: object }).errors);
    expect(reportSubmitFormSpec({ region: '包头市', expects: 'file' }).check({})).toEqual({});
    expect(reportSubmitFormSpec({ region: '包头市', expects: 'text' }).check({})).toEqual({ text: '请填写报送内容（文字说明）' });
  });

  it('let the counts of an application be skipped for 对外交流 only', () => {
    const core = field('core_count');
    expect(core.skippable?.({ kind: '对外交流' })).toBe(true);
    expect(core.skippable?.({ kind: '能力提升' })).toBe(false);
  });
});

describe('parseAnswer', () => {
  it('takes numbered options, their labels, and several numbers for a multi-select in the options’ order', () => {
    expect(parseAnswer(field('region'), '2')).toEqual({ value: '包头市' });
    expect(parseAnswer(field('region'), '包头市')).toEqual({ value: '包头市' });
    expect(parseAnswer(field('region'), '２')).toEqual({ value: '包头市' });
    expect(parseAnswer(field('region'), '15')).toEqual({ problem: '请回复选项前的数字（1–14）。' });
    expect(parseAnswer(field('topics'), '9，1、1 2')).toEqual({ value: ['lecture-1', 'lecture-2', 'exchange-1'] });
    expect(parseAnswer(field('topics'), '1 x')).toHaveProperty('problem');
  });

  it('takes dates as 2027-06-10 (and the ways people write them), nothing else', () => {
    expect(parseAnswer(field('start_date'), '2027-06-10')).toEqual({ value: '2027-06-10' });
    expect(parseAnswer(field('start_date'), '2027/6/1')).toEqual({ value: '2027-06-01' });
    expect(parseAnswer(field('start_date'), '2027年6月1日')).toEqual({ value: '2027-06-01' });
    expect(parseAnswer(field('start_date'), '2027-02-30')).toEqual({ problem: '请按 2027-06-10 的格式回复活动开始日期。' });
    expect(parseAnswer(field('start_date'), '下周一')).toHaveProperty('problem');
  });

  it('takes a satisfaction by its value, not its position', () => {
    const satisfaction = summaryFormSpec(RULES).fields.find((f) => f.name === 'satisfaction')!;
    expect(parseAnswer(satisfaction, '5')).toEqual({ value: '5' });
    expect(parseAnswer(satisfaction, '1')).toEqual({ value: '1' });
    expect(parseAnswer(satisfaction, '6')).toHaveProperty('problem');
  });
});

describe('answer', () => {
  const at = (step: number, answers = {}) => ({ step, answers });

  it('checks an answer with the form’s rule at once and keeps asking until it passes', () => {
    const start = app.fields.findIndex((f) => f.name === 'start_date');
    const early = answer(appWizard, at(start), '2027-05-25');
    expect(early).toMatchObject({ kind: 'reply', state: { step: start } });
    expect((early as { text: string }).text).toContain('⚠ 活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-05-30）');
    expect(answer(appWizard, at(start), '2027-06-10')).toMatchObject({ kind: 'reply', state: { step: start + 1, answers: { start_date: '2027-06-10' } } });
  });

  it('goes back with 上一步, keeps a value with 跳过, refuses to skip a required empty field', () => {
    expect(answer(appWizard, at(2, { kind: '能力提升', org_name: 'A' }), '上一步')).toMatchObject({ state: { step: 1 } });
    expect((answer(appWizard, at(0), '上一步') as { text: string }).text).toContain('已经是第一项');
    expect(answer(appWizard, at(1, { org_name: 'A' }), '跳过')).toMatchObject({ state: { step: 2, answers: { org_name: 'A' } } });
    expect((answer(appWizard, at(1), '跳过') as { text: string }).text).toContain('「申请单位名称」为必填项，不能跳过');
    const remarks = app.fields.length - 1;
    expect(answer(appWizard, at(remarks), '跳过')).toMatchObject({ state: { step: remarks + 1, answers: { remarks: '' } } });
  });

  it('submits only after the whole form passes, else goes to the first failing field', () => {
    const done = app.fields.length;
    const outcome = answer(appWizard, at(done, { org_name: 'A' }), '提交');
    expect(outcome.kind).toBe('reply');
    expect((outcome as { text: string }).text).toMatch(/^有 \d+ 项需要修改/);
    expect(outcome).toMatchObject({ state: { step: 2 } });
    expect((answer(appWizard, at(3), '提交') as { text: string }).text).toContain('还有未填写的项目');
    expect(answer(appWizard, at(done), '取消')).toMatchObject({ kind: 'cancel' });
    expect(answer(appWizard, at(done), '4')).toMatchObject({ state: { step: 3 } });
  });

  it('asks with the placeholder, the options and the words', () => {
    const prompt = promptFor(appWizard, at(0));
    expect(prompt).toContain('【活动申请表】第 1/17 项：活动类别');
    expect(prompt).toContain('1. 企业创新能力提升活动\n2. 对外交流活动');
    expect(prompt).toContain('「上一步」');
    expect(promptFor(appWizard, at(app.fields.length - 1))).toContain('此项可不填：发送「跳过」跳过');
  });
});

describe('the 改期, 取消 and 对接 descriptions (issue 12)', () => {
  const experts = [
    { value: '7', label: '周敏 · 内蒙古工业大学' },
    { value: '1', label: '王强 · 内蒙古大学（其他领域）' },
  ];

  it('name the fields the change, cancel and matching cards submit', () => {
    expect(changeFormSpec(RULES).fields.map((f) => f.name)).toEqual([...CHANGE_FIELDS]);
    expect(cancelFormSpec().fields.map((f) => f.name)).toEqual(['reason']);
    expect(matchFormSpec({ experts, action: 'match' }).fields.map((f) => f.name)).toEqual(['expert', 'note']);
  });

  it('check with the cards’ rules and messages', () => {
    expect(cancelFormSpec().check({ reason: ' ' })).toEqual({ reason: '请填写取消活动的原因' });
    expect(cancelFormSpec().check({ reason: '场地临时无法使用' })).toEqual({});
    const match = matchFormSpec({ experts, action: 'match' });
    expect(match.check({ expert: '', note: '' })).toEqual({ expert: MATCH_EXPERT_MISSING });
    // An expert no longer offered (deleted since) is not accepted.
    expect(match.check({ expert: '9', note: '' })).toEqual({ expert: MATCH_EXPERT_MISSING });
    expect(match.check({ expert: '7', note: '本周内电话联系' })).toEqual({});
  });

  it('take a number as the option’s position even where the values are numbers (expert ids)', () => {
    const [expert] = matchFormSpec({ experts, action: 'match' }).fields;
    expect(parseAnswer(expert, '1')).toEqual({ value: '7' });
    expect(parseAnswer(expert, '２')).toEqual({ value: '1' });
    expect(parseAnswer(expert, '3')).toEqual({ problem: '请回复选项前的数字（1–2）。' });
  });
});
