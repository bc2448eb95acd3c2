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
import { expertCard, EXPERT_PAGE_SIZE } from '../../cards/expert-list-card';
import type { Option } from '../../cards/need-cards';
import { buttons, byName, callbackValue, components, expectEscaped, expectValidCard, expectValidPersonPicker, forms, type Node, one } from '../helpers/card-checks';

const byNameOrNone = byName;
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';

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
    expect(validOutline(expertFormCard(formView()))).toMatchSnapshot('empty');
    expect(
      validOutline(expertFormCard(
        formView({
          values: { name: '王五', organisation: '内蒙古大学', fields: ['energy', 'nope'], contact: '139' },
          errors: { contact: '请填写手机号码或电子邮箱', open_id: 'open_id 应以 ou_ 开头' },
        }),
      )),
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
    for (const f of ['name', 'organisation', 'contact']) expect(one(card, f)).toMatchObject({ tag: 'input', required: false });
    // The Feishu account is picked from the chat's members (no options), not typed as an open_id.
    expect(one(card, 'open_id')).toEqual({ tag: 'select_person', name: 'open_id', required: false, width: 'fill', placeholder: { tag: 'plain_text', content: '选择专家本人（列出本会话的成员）' } });
    expect(visibleText(card)).toContain('可选的是本会话的成员');
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
    const card = expertFormCard(formView({ values: { name: NASTY, organisation: '内蒙古大学', fields: ['agri', '<at id=all></at>', 'energy'], contact: '139' } }));
    expect(one(card, 'name').default_value).toBe(NASTY);
    expect(one(card, 'fields').selected_values).toEqual(['agri', 'energy']);
    const empty = expertFormCard(formView());
    for (const f of ['name', 'organisation', 'contact', 'open_id']) expect(one(empty, f)).not.toHaveProperty('default_value');
    expect(byNameOrNone(empty, 'feishu')).toHaveLength(0);
  });

  it('checks person pickers as Feishu does: open_id options, a preselected person among them', () => {
    expect(() => expectValidPersonPicker({ tag: 'select_person', name: 'p' })).not.toThrow();
    expect(() => expectValidPersonPicker({ tag: 'select_person', name: 'p', options: [{ value: 'ou_a' }], initial_option: 'ou_a' })).not.toThrow();
    expect(() => expectValidPersonPicker({ tag: 'select_person', name: 'p', initial_option: 'ou_a' })).toThrow();
    expect(() => expectValidPersonPicker({ tag: 'select_person', name: 'p', options: [{ value: '13900139000' }] })).toThrow();
  });

  it('keeps a linked Feishu account through the button, with 保留 / 不再关联', () => {
    const card = expertFormCard(formView({ linked: 'ou_linked_1' }));
    expectValidCard(card);
    expect(one(card, 'feishu')).toMatchObject({ tag: 'select_static', initial_option: 'keep' });
    expect(one(card, 'feishu').options.map((o: Node) => o.value)).toEqual(['keep', 'unlink']);
    expect(one(card, 'open_id')).not.toHaveProperty('options');
    expect(callbackValue(buttons(card)[0])).toEqual({ action: 'expert.add', form: 'tok_expert_1', linked: 'ou_linked_1' });
  });

  it('edits an expert: 保存修改 carries the id, the version seen and the list to return to', () => {
    const card = expertFormCard(formView({ values: { name: '王五' }, edit: { id: 9, version: 1234, filter: { q: '王' }, page: 2 } }));
    expectValidCard(card);
    expect((card as Node).header.title.content).toBe('编辑专家信息');
    expect(buttons(card).map((b) => b.text.content)).toEqual(['保存修改']);
    expect(callbackValue(buttons(card)[0])).toEqual({ action: 'expert.update', id: 9, v: 1234, page: 2, q: '王' });
    expect(visibleText(card)).not.toContain('CSV');
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
  id: i,
  name: `专家${i}`,
  organisation: '内蒙古大学',
  fieldsText: '新材料、现代能源',
  contact: '13900139000',
  hasFeishu: i % 2 === 0,
  ...over,
});
const listView = (over: Partial<ExpertListView> = {}): ExpertListView => ({ title: '专家库', experts: [item(1), item(2)], total: 2, page: 0, pages: 1, filter: {}, ...over });

describe('expertListCard', () => {
  it('matches the snapshot', () => {
    expect(validOutline(expertListCard(listView()))).toMatchSnapshot();
  });

  it('lists the page with the total, a 查看 per expert and the usage note', () => {
    const card = expertListCard(listView({ experts: [item(1), item(2, { fieldsText: '' })], filterNote: '领域「新材料」' }));
    expectValidCard(card);
    const text = visibleText(card);
    expect(text).toContain('领域「新材料」：共 2 位，第 1/1 页');
    expect(text).toContain('**专家1** · 内蒙古大学 · 新材料、现代能源 · 13900139000');
    expect(text).toContain('**专家2** · 内蒙古大学 · （未填领域） · 13900139000 · 已关联飞书账号');
    expect(text).toContain('「专家 <领域或姓名>」');
    expect(text).toContain('「专家 添加」');
    expect(buttons(card).map((b) => [b.text.content, callbackValue(b)])).toEqual([
      ['查看', { action: 'expert.view', id: 1, page: 0 }],
      ['查看', { action: 'expert.view', id: 2, page: 0 }],
    ]);
  });

  it('pages with 上一页 / 下一页 carrying the page and the filter', () => {
    const experts = Array.from({ length: 10 }, (_, i) => item(i + 11));
    const card = expertListCard(listView({ experts, total: 458, page: 1, pages: 46, filter: { field: 'rare-earth' } }));
    expectValidCard(card);
    expect(visibleText(card)).toContain('共 458 位，第 2/46 页');
    const nav = buttons(card).filter((b) => b.text.content !== '查看');
    expect(nav.map((b) => [b.text.content, callbackValue(b)])).toEqual([
      ['上一页', { action: 'expert.page', page: 0, field: 'rare-earth' }],
      ['下一页', { action: 'expert.page', page: 2, field: 'rare-earth' }],
    ]);
    const first = expertListCard(listView({ experts, total: 458, page: 0, pages: 46, filter: { q: '张' } }));
    expect(buttons(first).filter((b) => b.text.content !== '查看').map((b) => [b.text.content, callbackValue(b)])).toEqual([['下一页', { action: 'expert.page', page: 1, q: '张' }]]);
    expect(buttons(expertListCard(listView())).map((b) => b.text.content)).toEqual(['查看', '查看']);
  });

  it('says when there are none, or none match', () => {
    expect(visibleText(expertListCard(listView({ experts: [], total: 0 })))).toContain('还没有专家');
    expect(visibleText(expertListCard(listView({ experts: [], total: 0, emptyNote: '没有姓名或单位含「张」的专家。' })))).toContain('没有姓名或单位含「张」的专家。');
  });

  it('escapes user text and stays under 30 KB with a page of maximum-length experts', () => {
    expectEscaped(expertListCard(listView({ experts: [item(1, { name: NASTY, organisation: NASTY, fieldsText: NASTY, contact: NASTY })], total: 1 })), '**x** <at id=all><');
    const long = Array.from({ length: EXPERT_PAGE_SIZE + 5 }, (_, i) => item(i, { name: '名'.repeat(50), organisation: '单'.repeat(200), fieldsText: '领'.repeat(400), contact: '*'.repeat(200) }));
    const card = expertListCard(listView({ experts: long, total: 400, page: 3, pages: 40, filter: { q: '名'.repeat(20) } }));
    expectValidCard(card);
    expect(buttons(card).filter((b) => b.text.content === '查看')).toHaveLength(EXPERT_PAGE_SIZE);
  });
});

describe('expertCard', () => {
  it('shows the expert with 编辑, 删除 and 返回列表, escaped', () => {
    const card = expertCard({ id: 7, item: item(7, { name: NASTY }), needs: 3, filter: { field: 'energy' }, page: 4, banner: '**已添加专家**' });
    expectValidCard(card);
    expectEscaped(card, NASTY);
    const text = visibleText(card);
    expect(text).toContain('**对接过的企业需求**：3 项');
    expect(text).toContain('**飞书账号**：未关联');
    expect(buttons(card).map((b) => [b.text.content, callbackValue(b)])).toEqual([
      ['编辑', { action: 'expert.edit', id: 7, page: 4, field: 'energy' }],
      ['删除', { action: EXPERT_DELETE_ACTION, id: 7 }],
      ['返回列表', { action: 'expert.page', page: 4, field: 'energy' }],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('importResultCard', () => {
  const view = (over: Partial<ImportResultView> = {}): ImportResultView => ({ added: 12, updated: 3, errors: [], fileName: '专家名单.xlsx', ...over });

  it('matches the snapshots', () => {
    expect(validOutline(importResultCard(view()))).toMatchSnapshot('clean');
    expect(validOutline(importResultCard(view({ errors: [{ row: 4, message: '第 4 行：缺少姓名' }, { row: 9, message: '第 9 行：领域「航天」不在列表中' }] })))).toMatchSnapshot('with errors');
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
