import { button, buttonRow, card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, form, type Option, selectStatic, specFields, submitButton } from './form-kit';
import { expertFormSpec } from '../src/forms/expert-form';
import { clip, escapeClipped } from './markdown';

/**
 * Cards for the expert pool (专家库): the admin's form to register one expert, the list, and
 * the result of importing a spreadsheet. Pure data: the caller passes the industry options.
 */

export const EXPERT_ADD_ACTION = 'expert.add';
/** 删除 on the list: asks to confirm (the chosen expert in the form's `expert`, or `id` in the value). */
export const EXPERT_DELETE_ACTION = 'expert.delete';
export const EXPERT_DELETE_CONFIRM_ACTION = 'expert.delete_confirm';
export const EXPERT_DELETE_CANCEL_ACTION = 'expert.delete_cancel';

export type ExpertField = 'name' | 'organisation' | 'fields' | 'contact' | 'open_id';

export const EXPERT_FORM_FIELDS: readonly ExpertField[] = ['name', 'organisation', 'fields', 'contact', 'open_id'];

export interface ExpertFormView {
  /** The form's token: a resubmission of the same form adds the expert only once. */
  token: string;
  industries: readonly Option[];
  values?: { name?: string; organisation?: string; fields?: string[]; contact?: string; open_id?: string };
  errors?: Partial<Record<ExpertField, string>>;
}

/** How to send a spreadsheet instead: the same text on the form and the import result. */
export const EXPERT_IMPORT_HINT =
  '也可以在与我的私聊中发送专家名单表格（CSV 或 Excel .xlsx 文件），第一行为表头，列为：姓名、单位、领域、联系方式、open_id（选填）；多个领域用顿号或逗号分隔。已登记的专家（姓名和单位相同）会被更新。';

export function expertFormCard(view: ExpertFormView): CardJson {
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const errorCount = EXPERT_FORM_FIELDS.filter((f) => errors[f]).length;
  const elements: CardElement[] = [markdown('登记一位可对接企业需求的专家。对接时，专家的姓名、单位和联系方式会发给企业联系人。')];
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  const fields: CardElement[] = specFields(expertFormSpec(view.industries), values, errors);
  fields.push(submitButton({ name: 'submit', text: '添加专家', value: { action: EXPERT_ADD_ACTION, form: view.token } }));
  elements.push(form('expert_form', fields));
  elements.push(note(EXPERT_IMPORT_HINT));

  return card({
    title: '添加专家',
    colour: errorCount > 0 ? 'orange' : 'blue',
    summary: errorCount > 0 ? `专家信息有 ${errorCount} 项需要修改` : '添加专家',
    elements,
  });
}

export interface ExpertListItem {
  name: string;
  organisation: string;
  fieldsText: string;
  contact: string;
  /** Whether the expert has a Feishu open_id (and so gets match notices in Feishu). */
  hasFeishu: boolean;
  /** Given (to admins): the expert can be chosen for 删除. */
  id?: number;
}

export interface ExpertListView {
  title: string;
  experts: ExpertListItem[];
  /** All experts that match, of which `experts` may be only the first. */
  total: number;
  /** What the list is filtered by, e.g. 领域「新材料」 (trusted markdown). */
  filterNote?: string;
  /** How many entries to show at most (default 30). */
  shownMax?: number;
}

export const EXPERT_LIST_SHOWN = 30;
/** Whatever shownMax asks for, the lines stay within this many bytes (each line is at most ~650). */
const EXPERT_LIST_BYTES = 20_000;

function expertLine(e: ExpertListItem): string {
  const fields = e.fieldsText ? escapeClipped(e.fieldsText, 30) : '（未填领域）';
  return `- **${escapeClipped(e.name, 20)}** · ${escapeClipped(e.organisation, 24)} · ${fields} · ${escapeClipped(e.contact, 30)}${e.hasFeishu ? ' · 已关联飞书账号' : ''}`;
}

export function expertListCard(view: ExpertListView): CardJson {
  const elements: CardElement[] = [];
  const max = view.shownMax ?? EXPERT_LIST_SHOWN;
  const total = Math.max(view.total, view.experts.length);
  const scope = view.filterNote ? `${view.filterNote}：` : '';
  if (total === 0) {
    elements.push(markdown(`${scope}还没有专家。`));
  } else {
    elements.push(markdown(`${scope}共 ${total} 位专家。`));
    const lines: string[] = [];
    let used = 0;
    for (const e of view.experts.slice(0, max)) {
      const line = expertLine(e);
      used += Buffer.byteLength(line, 'utf8') + 1;
      if (used > EXPERT_LIST_BYTES) break;
      lines.push(line);
    }
    const more = total - lines.length;
    if (more > 0) lines.push(`- …还有 ${more} 位`);
    elements.push(markdown(lines.join('\n')));
    const deletable = view.experts.slice(0, lines.length).filter((e): e is ExpertListItem & { id: number } => e.id !== undefined);
    if (deletable.length > 0) elements.push(deleteForm(deletable));
  }
  elements.push(note('发送「专家 <领域>」（如 专家 新材料）按领域查找，发送「专家 添加」登记专家；也可以在私聊中发送专家名单表格（CSV 或 Excel）批量导入。'));
  return card({ title: view.title, colour: 'blue', summary: view.title, elements });
}

/** Choose an expert and 删除: the next card asks to confirm. */
function deleteForm(experts: Array<ExpertListItem & { id: number }>): CardElement {
  const options = experts.map((e) => ({ value: String(e.id), label: `${clip(e.name, 20)} · ${clip(e.organisation, 24)}` }));
  return form('expert_delete', [
    markdown('**删除专家信息**（应专家本人要求删除其个人信息）'),
    selectStatic({ name: 'expert', placeholder: '选择要删除的专家', options, ...(options.length === 1 ? { value: options[0].value } : {}) }),
    { ...submitButton({ name: 'delete', text: '删除', value: { action: EXPERT_DELETE_ACTION } }), type: 'danger' },
  ]);
}

export interface ExpertDeleteView {
  id: number;
  /** The expert's updatedAt when shown: the confirmation changes nothing if it has changed since. */
  version: number;
  item: ExpertListItem;
  /** Needs the expert was matched with: the expert is then emptied rather than removed. */
  needs: number;
}

export function expertDeleteConfirmCard(view: ExpertDeleteView): CardJson {
  const e = view.item;
  const consequence =
    view.needs > 0
      ? `TA 对接过 **${view.needs}** 项企业需求：专家的姓名、单位、领域和联系方式都会删除，这些需求中将显示为「（已删除的专家）」，需求本身和办理记录保留。`
      : '专家的姓名、单位、领域和联系方式将从专家库中删除。';
  return card({
    title: '确认删除专家信息',
    colour: 'red',
    summary: '确认删除专家信息',
    elements: [
      markdown(`确定要删除专家 **${escapeClipped(e.name, 20)}**（${escapeClipped(e.organisation, 40)}）的个人信息吗？`),
      markdown(consequence),
      note('删除后无法恢复。'),
      buttonRow([
        button('确认删除', { action: EXPERT_DELETE_CONFIRM_ACTION, id: view.id, v: view.version }, 'danger'),
        button('取消', { action: EXPERT_DELETE_CANCEL_ACTION, id: view.id }),
      ]),
    ],
  });
}

/** After 确认删除 (or 取消): what happened, without the expert's data. */
export function expertDeleteResultCard(result: { kind: 'deleted' | 'masked' | 'gone' | 'cancelled'; needs?: number }): CardJson {
  const text = {
    deleted: '专家的个人信息已从专家库中删除。',
    masked: `专家的个人信息已删除；TA 对接过的 ${result.needs ?? 0} 项企业需求中显示为「（已删除的专家）」。`,
    gone: '这位专家的信息已经删除，无需再次操作。',
    cancelled: '已取消，专家信息没有改动。',
  }[result.kind];
  const title = result.kind === 'cancelled' ? '已取消删除' : '专家信息已删除';
  return card({ title, colour: result.kind === 'cancelled' ? 'grey' : 'green', summary: title, elements: [markdown(text), note('发送「专家」查看专家库。')] });
}

export interface ImportResultView {
  added: number;
  updated: number;
  /** Rows that were not imported, by their row number in the sheet. */
  errors: { row: number; message: string }[];
  fileName: string;
}

export const IMPORT_ERRORS_SHOWN = 20;

export function importResultCard(view: ImportResultView): CardJson {
  const imported = view.added + view.updated;
  const elements: CardElement[] = [
    markdown(`文件「${escapeClipped(view.fileName, 60)}」：新增 **${view.added}** 位专家，更新 **${view.updated}** 位。`),
  ];
  if (view.errors.length > 0) {
    const lines = view.errors.slice(0, IMPORT_ERRORS_SHOWN).map((e) => `- ${escapeClipped(e.message, 100)}`); // each message names its row already
    const more = view.errors.length - IMPORT_ERRORS_SHOWN;
    if (more > 0) lines.push(`- …还有 ${more} 条`);
    elements.push(markdown(`<font color='red'>**有 ${view.errors.length} 行未导入**</font>\n${lines.join('\n')}`));
    elements.push(note('请改正这些行后重新发送文件；已导入的专家（姓名和单位相同）再次导入只会更新。'));
  }
  elements.push(note('发送「专家」查看专家库。'));
  const title = view.errors.length === 0 ? '专家名单已导入' : imported > 0 ? '专家名单部分导入' : '专家名单未能导入';
  return card({
    title,
    colour: view.errors.length === 0 ? 'green' : imported > 0 ? 'orange' : 'red',
    summary: `${title}：新增 ${view.added}，更新 ${view.updated}，未导入 ${view.errors.length}`,
    elements,
  });
}
