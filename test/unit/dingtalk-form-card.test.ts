import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applicationFormSpec } from '../../src/forms/application-form';
import { resolveApplicationRules } from '../../src/domain/application-rule-config';
import { formCardFields, formCardParams, refusedResponse, submittedResponse, valuesFromCard } from '../../src/platform/dingtalk/form-card';
import { parseCardCallback } from '../../src/platform/dingtalk/form-card-flow';
import { dingtalkFixture } from '../helpers/dingtalk-messages';

/**
 * The form-variable card (DINGTALK.md §4): a described form rendered into the protocol's field
 * list, a callback's values read back as the Feishu form submits them, and the template in
 * dingtalk/ declaring every variable the bot sends.
 */

const spec = applicationFormSpec(resolveApplicationRules(undefined));
const field = (fields: any[], name: string) => fields.find((f) => f.name === name);
/** The options of a select or multi-select of the application form. */
function optionsOf(name: string): Array<{ value: string }> {
  const input = spec.fields.find((f) => f.name === name)!.input;
  return input.kind === 'select' || input.kind === 'multiselect' ? [...input.options] : [];
}

describe('formCardFields', () => {
  test('field types, labels, hints as placeholders, options and required flags come from the description', () => {
    const fields = formCardFields(spec.fields, {});
    expect(fields.map((f) => f.name)).toEqual(spec.fields.map((f) => f.name));
    for (const f of spec.fields) expect(field(fields, f.name)).toMatchObject({ label: f.label, placeholder: f.placeholder });
    expect(field(fields, 'kind')).toMatchObject({ type: 'SELECT', required: true, defaultValue: { index: 0, value: '能力提升' } });
    expect(field(fields, 'needs').type).toBe('TEXT_AREA');
    expect(field(fields, 'end_date').type).toBe('DATE');
    expect(field(fields, 'topics').type).toBe('MULTI_SELECT');
    expect(field(fields, 'remarks').required).toBe(false);
    expect(field(fields, 'enterprise_count').required).toBe(false);
  });

  test('current values become defaults (a 修改), in the shapes the protocol uses', () => {
    const topics = optionsOf('topics');
    const fields = formCardFields(spec.fields, { org_name: '某某公司', region: '包头市', start_date: '2027-06-10 +0800', topics: [topics[2].value, topics[0].value] });
    expect(field(fields, 'org_name').defaultValue).toBe('某某公司');
    expect(field(fields, 'region').defaultValue).toEqual({ index: 1, value: '包头市' });
    expect(field(fields, 'start_date').defaultValue).toBe('2027-06-10');
    expect(field(fields, 'topics').defaultValue).toEqual({ index: [0, 2], value: [topics[0].value, topics[2].value] });
    expect(field(fields, 'mobile').defaultValue).toBeUndefined();
  });

  test('every cardParamMap value is a string', () => {
    const params = formCardParams({ title: '活动申请表', intro: '说明', fields: spec.fields, values: {} });
    expect(Object.values(params).every((v) => typeof v === 'string')).toBe(true);
    for (const r of [submittedResponse('已提交', spec.fields, {}), refusedResponse('原因', spec.fields, {})]) {
      expect(Object.values(r.userPrivateData.cardParamMap).every((v) => typeof v === 'string')).toBe(true);
    }
  });
});

describe('the Markdown variables', () => {
  test('quote user text escaped for DingTalk markdown, with line breaks doubled', () => {
    const params = formCardParams({ title: 't', intro: 'SQ2027-0001「**某某**[公司](http://x)」\n第二行', fields: spec.fields.filter((f) => !f.hint), values: {} });
    expect(params.intro).toBe('SQ2027-0001「＊＊某某＊＊［公司］(http://x)」\n\n第二行');
    // The fields' longer explanations follow the introduction.
    const withHints = formCardParams({ title: 't', intro: '说明', fields: spec.fields, values: {} }).intro;
    expect(withHints).toContain(`${spec.fields.find((f) => f.name === 'core_count')!.label}：活动对象分三类`);
    expect(refusedResponse('· 单位：<b>', spec.fields, {}).userPrivateData.cardParamMap.error).toBe('· 单位：＜b＞');
  });
});

describe('valuesFromCard', () => {
  test('selects by value, several as a list in the options’ order, dates as picked; unknown options and fields dropped', () => {
    const topics = optionsOf('topics');
    const values = valuesFromCard(
      spec.fields,
      {
        kind: { index: 1, value: '对外交流' },
        region: { index: 0, value: '不存在的盟市' },
        headcount: 100,
        start_date: '2027-06-10',
        topics: { index: [3, 1], value: [topics[3].value, topics[1].value] },
        injected: 'x',
      },
      'Asia/Shanghai',
    );
    expect(values).toEqual({ kind: '对外交流', headcount: '100', start_date: '2027-06-10', topics: [topics[1].value, topics[3].value] });
  });

  test('a date picker that sends epoch milliseconds gives the date in the bot’s time zone', () => {
    const at = Date.parse('2027-06-09T16:30:00Z'); // 2027-06-10 00:30 in Shanghai
    expect(valuesFromCard(spec.fields, { start_date: at }, 'Asia/Shanghai')).toEqual({ start_date: '2027-06-10' });
  });
});

describe('parseCardCallback', () => {
  test('reads the documented callback (fixture) and refuses what lacks its fields', () => {
    const data = JSON.parse(dingtalkFixture('stream-frame-card-callback.json').downstream.data);
    expect(parseCardCallback(data)).toMatchObject({ outTrackId: 'ot-req-42', userId: '16650000698', corpId: 'ding9f0000cd16741', form: { text: '购买显示器' } });
    expect(parseCardCallback({ ...data, content: 'not json' })).toBeUndefined();
    expect(parseCardCallback({ ...data, userId: '' })).toBeUndefined();
    expect(parseCardCallback(null)).toBeUndefined();
  });
});

describe('dingtalk/form-card-template.json', () => {
  test('is an export in the card platform’s format declaring every variable the bot sends, with one Form bound to `form`', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'dingtalk', 'form-card-template.json'), 'utf8'));
    expect(file).toMatchObject({ type: 'im', mode: 'card' });
    const editor = JSON.parse(file.editorData);
    const declared = editor.variableList.map((v: { name: string }) => v.name);
    const sent = Object.keys(formCardParams({ title: 't', fields: spec.fields, values: {} }));
    expect(declared.sort()).toEqual(sent.sort());
    const forms = JSON.stringify(editor.schema.componentsTree).match(/"componentName":"Form"/g) ?? [];
    expect(forms).toHaveLength(1);
    expect(JSON.stringify(editor.schema.componentsTree)).toContain('"formSchema":{"variable":"form"');
  });
});
