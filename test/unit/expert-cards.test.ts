import {
  EXPERT_ADD_ACTION,
  EXPERT_DELETE_ACTION,
  EXPERT_DELETE_CONFIRM_ACTION,
  expertDeleteConfirmCard,
  expertDeleteResultCard,
  expertFormCard,
  ExpertFormView,
  expertListCard,
  ExpertListView,
  importResultCard,
  ImportResultView,
} from '../../cards/expert-cards';
import type { Option } from '../../cards/need-cards';
import { buttons, callbackValue, components, expectEscaped, expectValidCard, forms, type Node, one } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';

const NASTY = '**x** <at id=all></at> [a](b)';

const INDUSTRIES: Option[] = [
  { value: 'new-materials', label: '新材料' },
  { value: 'energy', label: '现代能源' },
  { value: 'agri', label: '农畜产品加工' },
];

// ---------------------------------------------------------------------------------------------

const formView = (over: Partial<ExpertFormView> = {}): ExpertFormView => ({ token: 'tok_expert_1', industries: INDUSTRIES, ...over });
const FIELDS = ['name', 'organisation', 'fields', 'contact', 'open_id'];

describe('expertFormCard', () => {
  it('matches the snapshots', () => {
    expect(expertFormCard(formView())).toMatchSnapshot('empty');
    expect(
      expertFormCard(
        formView({
          values: { name: '王五', organisation: '内蒙古大学', fields: ['energy', 'nope'], contact: '139', open_id: 'xx' },
          errors: { contact: '请填写手机号码或电子邮箱', open_id: 'open_id 应以 ou_ 开头' },
        }),
      ),
    ).toMatchSnapshot('returned with errors');
  });

  it('has one form with the fields under their names and the add button', () => {
    const card = expertFormCard(formView());
    expectValidCard(card);
    expect(forms(card)).toHaveLength(1);
    const named = components({ body: { elements: forms(card)[0].elements } })
      .map((v) => v.node)
      .filter((n) => n.name !== undefined && n.tag !== 'button')
      .map((n) => n.name);
    expect(named).toEqual(FIELDS);
    for (const f of ['name', 'organisation', 'contact', 'open_id']) expect(one(card, f)).toMatchObject({ tag: 'input', required: false });
    expect(one(card, 'open_id').placeholder.content).toBe('ou_ 开头，可在飞书管理后台查到；没有可不填');
    const fields = one(card, 'fields');
    expect(fields).toMatchObject({ tag: 'multi_select_static', required: false, selected_values: [] });
    expect(fields.options).toEqual(INDUSTRIES.map((o) => ({ text: { tag: 'plain_text', content: o.label }, value: o.value })));
    const bs = buttons(card);
    expect(bs).toHaveLength(1);
    expect(bs[0]).toMatchObject({ form_action_type: 'submit', text: { content: '添加专家' } });
    expect(callbackValue(bs[0])).toEqual({ action: 'expert.add', form: 'tok_expert_1' });
    expect(EXPERT_ADD_ACTION).toBe('expert.add');
  });

  it('explains the spreadsheet alternative', () => {
    const text = visibleText(expertFormCard(formView()));
    expect(text).toMatch(/CSV/);
    expect(text).toContain('.xlsx');
    expect(text).toContain('姓名、单位、领域、联系方式、open_id');
  });

  it('prefills values as typed, selecting only known fields', () => {
    const card = expertFormCard(formView({ values: { name: NASTY, organisation: '内蒙古大学', fields: ['agri', '<at id=all></at>', 'energy'], contact: '139', open_id: 'ou_1' } }));
    expect(one(card, 'name').default_value).toBe(NASTY);
    expect(one(card, 'open_id').default_value).toBe('ou_1');
    expect(one(card, 'fields').selected_values).toEqual(['agri', 'energy']);
    const empty = expertFormCard(formView());
    for (const f of ['name', 'organisation', 'contact', 'open_id']) expect(one(empty, f)).not.toHaveProperty('default_value');
  });

  it('shows errors escaped directly under their fields, with a count', () => {
    const errors = { name: NASTY, fields: '请至少选择一个领域' };
    const card = expertFormCard(formView({ errors }));
    const elements = forms(card)[0].elements as Node[];
    for (const f of FIELDS) {
      const next = elements[elements.findIndex((e) => e.name === f) + 1];
      expect(next?.tag === 'markdown' && String(next.content).includes("<font color='red'>⚠")).toBe(f in errors);
    }
    expect(visibleText(card)).toContain('有 2 项需要修改');
    expectEscaped(card, NASTY);
    expectValidCard(card);
  });
});

// ---------------------------------------------------------------------------------------------

const item = (i: number, over: Partial<ExpertListView['experts'][number]> = {}) => ({
  name: `专家${i}`,
  organisation: '内蒙古大学',
  fieldsText: '新材料、现代能源',
  contact: '13900139000',
  hasFeishu: i % 2 === 0,
  ...over,
});

describe('expertListCard', () => {
  it('matches the snapshot', () => {
    expect(expertListCard({ title: '专家库', experts: [item(1), item(2)], total: 2 })).toMatchSnapshot();
  });

  it('lists experts with the usage note', () => {
    const card = expertListCard({ title: '专家库', experts: [item(1), item(2, { fieldsText: '' })], total: 2, filterNote: '领域「新材料」' });
    expectValidCard(card);
    const text = visibleText(card);
    expect(text).toContain('领域「新材料」：共 2 位专家');
    expect(text).toContain('**专家1** · 内蒙古大学 · 新材料、现代能源 · 13900139000\n');
    expect(text).toContain('**专家2** · 内蒙古大学 · （未填领域） · 13900139000 · 已关联飞书账号');
    expect(text).toContain('「专家 <领域>」');
    expect(text).toContain('「专家 添加」');
    expect(buttons(card)).toHaveLength(0);
  });

  it('shows 30 by default, then how many more', () => {
    const experts = Array.from({ length: 45 }, (_, i) => item(i + 1));
    const text = visibleText(expertListCard({ title: '专家库', experts, total: 200 }));
    expect(text).toContain('专家30**');
    expect(text).not.toContain('专家31**');
    expect(text).toContain('还有 170 位');
    const five = visibleText(expertListCard({ title: '专家库', experts, total: 45, shownMax: 5 }));
    expect(five).toContain('还有 40 位');
    expect(visibleText(expertListCard({ title: '专家库', experts: experts.slice(0, 3), total: 3 }))).not.toContain('还有');
  });

  it('says when there are none', () => {
    const card = expertListCard({ title: '专家库', experts: [], total: 0 });
    expect(visibleText(card)).toContain('还没有专家');
    expectValidCard(card);
  });

  it('escapes user text and stays under 30 KB with 200 maximum-length experts', () => {
    expectEscaped(expertListCard({ title: '专家库', experts: [item(1, { name: NASTY, organisation: NASTY, fieldsText: NASTY, contact: NASTY })], total: 1, shownMax: 30 }), '**x** <at id=all><');
    const long = Array.from({ length: 200 }, (_, i) => item(i, { name: '*'.repeat(50), organisation: '*'.repeat(200), fieldsText: '*'.repeat(200), contact: '*'.repeat(200) }));
    expectValidCard(expertListCard({ title: '专家库', experts: long, total: 200 }));
    const all = expertListCard({ title: '专家库', experts: long, total: 200, shownMax: 200 });
    expectValidCard(all);
    expect(visibleText(all)).toMatch(/还有 \d+ 位/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('importResultCard', () => {
  const view = (over: Partial<ImportResultView> = {}): ImportResultView => ({ added: 12, updated: 3, errors: [], fileName: '专家名单.xlsx', ...over });

  it('matches the snapshots', () => {
    expect(importResultCard(view())).toMatchSnapshot('clean');
    expect(importResultCard(view({ errors: [{ row: 4, message: '第 4 行：缺少姓名' }, { row: 9, message: '第 9 行：领域「航天」不在列表中' }] }))).toMatchSnapshot('with errors');
  });

  it('says what was imported', () => {
    const card = importResultCard(view());
    expectValidCard(card);
    expect((card as Node).header.template).toBe('green');
    expect(visibleText(card)).toContain('文件「专家名单.xlsx」：新增 **12** 位专家，更新 **3** 位');
  });

  it('lists the first 20 errors, then how many more', () => {
    // The import's messages name their row (expert-import.ts); the card does not repeat it.
    const errors = Array.from({ length: 26 }, (_, i) => ({ row: i + 2, message: `第 ${i + 2} 行：请填写姓名` }));
    const card = importResultCard(view({ errors }));
    const text = visibleText(card);
    expect(text).toContain('有 26 行未导入');
    expect(text).toContain('- 第 21 行：请填写姓名');
    expect(text).not.toContain('第 21 行：第 21 行');
    expect(text).not.toContain('第 22 行');
    expect(text).toContain('还有 6 条');
    expect((card as Node).header.template).toBe('orange');
    expect((importResultCard(view({ added: 0, updated: 0, errors })) as Node).header.template).toBe('red');
  });

  it('escapes the file name and messages and stays under 30 KB', () => {
    expectEscaped(importResultCard(view({ fileName: NASTY, errors: [{ row: 2, message: NASTY }] })), NASTY);
    const errors = Array.from({ length: 500 }, (_, i) => ({ row: i, message: '*'.repeat(1000) }));
    expectValidCard(importResultCard(view({ fileName: '*'.repeat(255), errors })));
  });
});

describe('deleting an expert', () => {
  const item = (i: number, over = {}) => ({ id: i, name: `专家${i}`, organisation: `单位${i}`, fieldsText: '新材料', contact: '13900139000', hasFeishu: false, ...over });

  it('offers the shown experts in one 删除 form when they have ids, and none otherwise', () => {
    const withIds = expertListCard({ title: '专家库', experts: [item(1), item(2)], total: 2 });
    expectValidCard(withIds);
    expect(forms(withIds)).toHaveLength(1);
    expect(one(withIds, 'expert').options.map((o: Node) => [o.value, o.text.content])).toEqual([
      ['1', '专家1 · 单位1'],
      ['2', '专家2 · 单位2'],
    ]);
    expect(callbackValue(buttons(withIds)[0])).toEqual({ action: EXPERT_DELETE_ACTION });
    const withoutIds = expertListCard({ title: '专家库', experts: [{ ...item(1), id: undefined }], total: 1 });
    expect(forms(withoutIds)).toHaveLength(0);
  });

  it('asks to confirm with the version seen, escaping the name, and says what happens to matched needs', () => {
    const confirm = expertDeleteConfirmCard({ id: 7, version: 123, item: item(7, { name: '**x** [a](b) <at>' }), needs: 2 });
    expectValidCard(confirm);
    expectEscaped(confirm, '**x** [a](b) <at>');
    expect(visibleText(confirm)).toContain('TA 对接过 **2** 项企业需求');
    expect(buttons(confirm).map((b) => callbackValue(b))).toEqual([
      { action: EXPERT_DELETE_CONFIRM_ACTION, id: 7, v: 123 },
      { action: 'expert.delete_cancel', id: 7 },
    ]);
    for (const kind of ['deleted', 'masked', 'gone', 'cancelled'] as const) expectValidCard(expertDeleteResultCard({ kind, needs: 1 }));
  });
});
