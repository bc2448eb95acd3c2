import { card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, fieldBlock, form, multiSelectStatic, type Option, submitButton, textInput } from './form-kit';
import { escapeClipped } from './markdown';
import { EXPERT_IMPORT_LIMITS } from '../src/domain/expert-import';

/**
 * Cards for the expert pool (专家库): the admin's form to register one expert, the list, and
 * the result of importing a spreadsheet. Pure data: the caller passes the industry options.
 */

export const EXPERT_ADD_ACTION = 'expert.add';

export type ExpertField = 'name' | 'organisation' | 'fields' | 'contact' | 'open_id';

export const EXPERT_FORM_FIELDS: readonly ExpertField[] = ['name', 'organisation', 'fields', 'contact', 'open_id'];

export interface ExpertFormView {
  /** The form's token: a resubmission of the same form adds the expert only once. */
  token: string;
  industries: readonly Option[];
  values?: { name?: string; organisation?: string; fields?: string[]; contact?: string; open_id?: string };
  errors?: Partial<Record<ExpertField, string>>;
}

const LABELS: Readonly<Record<ExpertField, string>> = {
  name: '姓名',
  organisation: '单位',
  fields: '领域（可多选）',
  contact: '联系方式',
  open_id: '飞书 open_id（选填）',
};

const PLACEHOLDERS: Readonly<Record<ExpertField, string>> = {
  name: '专家姓名',
  organisation: '专家所在单位全称，如：内蒙古大学',
  fields: '请选择专家擅长的领域，可多选',
  contact: '手机号码或电子邮箱，会发给对接的企业',
  open_id: 'ou_ 开头，可在飞书管理后台查到；没有可不填',
};

/** What the rules allow (EXPERT_IMPORT_LIMITS, the same for the form and a spreadsheet). */
const MAX_LENGTH: Readonly<Record<Exclude<ExpertField, 'fields'>, number>> = {
  name: EXPERT_IMPORT_LIMITS.name,
  organisation: EXPERT_IMPORT_LIMITS.organisation,
  contact: EXPERT_IMPORT_LIMITS.contact,
  open_id: EXPERT_IMPORT_LIMITS.openId,
};

/** How to send a spreadsheet instead: the same text on the form and the import result. */
export const EXPERT_IMPORT_HINT =
  '也可以在与我的私聊中发送专家名单表格（CSV 或 Excel .xlsx 文件），第一行为表头，列为：姓名、单位、领域、联系方式、open_id（选填）；多个领域用顿号或逗号分隔。已登记的专家（姓名和单位相同）会被更新。';

export function expertFormCard(view: ExpertFormView): CardJson {
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const errorCount = EXPERT_FORM_FIELDS.filter((f) => errors[f]).length;
  const elements: CardElement[] = [markdown('登记一位可对接企业需求的专家。对接时，专家的姓名、单位和联系方式会发给企业联系人。')];
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  const fields: CardElement[] = EXPERT_FORM_FIELDS.flatMap((field) => {
    const component =
      field === 'fields'
        ? multiSelectStatic({
            name: 'fields',
            placeholder: PLACEHOLDERS.fields,
            options: view.industries,
            values: Array.isArray(values.fields) ? values.fields : [],
          })
        : textInput({ name: field, placeholder: PLACEHOLDERS[field], maxLength: MAX_LENGTH[field], value: values[field] });
    return fieldBlock({ label: LABELS[field], component, error: errors[field] });
  });
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
  }
  elements.push(note('发送「专家 <领域>」（如 专家 新材料）按领域查找，发送「专家 添加」登记专家；也可以在私聊中发送专家名单表格（CSV 或 Excel）批量导入。'));
  return card({ title: view.title, colour: 'blue', summary: view.title, elements });
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
