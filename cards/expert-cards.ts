import { button, buttonRow, card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, fieldBlock, form, type Option, plainText, selectStatic, specFields, submitButton } from './form-kit';
import { escapeClipped } from './markdown';
import { EXPERT_DELETE_ACTION, EXPERT_UPDATE_ACTION, type ExpertListFilter, type ExpertListItem, listValue } from './expert-list-card';
import { expertFormSpec } from '../src/forms/expert-form';
import { EXPERT_FORM_FIELDS, type ExpertFormField as ExpertField } from '../src/domain/expert-rules';

/**
 * Cards for the expert pool (专家库): the admin's form to register or edit one expert, deleting
 * one, and the result of importing a spreadsheet (the list and an expert's card are in
 * expert-list-card.ts). Pure data: the caller passes the industry options.
 */

export const EXPERT_ADD_ACTION = 'expert.add';
/** 删除 on an expert's card asks to confirm (`id` in the value; `expert` in a form also works). */
export { EXPERT_DELETE_ACTION };
export { expertListCard, type ExpertListItem, type ExpertListView } from './expert-list-card';
export const EXPERT_DELETE_CONFIRM_ACTION = 'expert.delete_confirm';
export const EXPERT_DELETE_CANCEL_ACTION = 'expert.delete_cancel';

/** The form's fields are the rules' (src/domain/expert-rules.ts). */
export { EXPERT_FORM_FIELDS, type ExpertField };

export interface ExpertFormView {
  /** The form's token: a resubmission of the same form adds the expert only once. */
  token: string;
  industries: readonly Option[];
  values?: { name?: string; organisation?: string; fields?: string[]; contact?: string };
  errors?: Partial<Record<ExpertField, string>>;
  /**
   * The Feishu account linked (editing) or picked in a form that came back: kept unless another
   * person is picked or 不关联 is chosen. It travels in the submit button's value, because a
   * person picker can only preselect someone it also offers, and it offers the chat's members.
   */
  linked?: string | null;
  /** Editing an expert (the version is the one the form was opened at); else adding one. */
  edit?: { id: number; version: number; filter: ExpertListFilter; page: number };
}

/** The Feishu account: a person picker here (the described form asks the wizard for an open_id). */
const FEISHU_LABEL = '飞书账号';
const FEISHU_PLACEHOLDER = '选择专家本人（列出本会话的成员）';

/** The person picker lists the members of the chat the card is in (its options left empty). */
export const FEISHU_PICKER_HINT =
  '可选的是本会话的成员：要关联专家的飞书账号，请在专家所在的群里发送「专家 添加」（编辑时在该群里发送「专家 <姓名>」后点「查看」→「编辑」）。关联后，对接企业需求时专家会收到私聊通知。';

/** The 飞书账号 choice when one is already linked: keep it (the default) or unlink it. */
export const FEISHU_KEEP = 'keep';
export const FEISHU_UNLINK = 'unlink';

/** How to send a spreadsheet instead: the same text on the form and the import result. */
export const EXPERT_IMPORT_HINT =
  '也可以在与我的私聊中发送专家名单表格（CSV 或 Excel .xlsx 文件），第一行为表头，列为：姓名、单位、领域、联系方式、open_id（选填）；多个领域用顿号或逗号分隔。已登记的专家（姓名和单位相同）会被更新。';

/** Card JSON 2.0 `select_person` (人员选择-单选) with no options: the chat's members to choose from. */
export function personPicker({ name, placeholder }: { name: string; placeholder: string }): CardElement {
  return { tag: 'select_person', name, required: false, width: 'fill', placeholder: plainText(placeholder) };
}

function feishuFields(view: ExpertFormView, error: string | undefined): CardElement[] {
  const picker = fieldBlock({ label: FEISHU_LABEL, optional: true, component: personPicker({ name: 'open_id', placeholder: FEISHU_PLACEHOLDER }), hint: FEISHU_PICKER_HINT, error });
  if (!view.linked) return picker;
  return [
    markdown('**已关联飞书账号**：不在下面另选时保留；也可以选择不再关联。'),
    selectStatic({
      name: 'feishu',
      placeholder: '保留或取消关联',
      options: [
        { value: FEISHU_KEEP, label: '保留已关联的飞书账号' },
        { value: FEISHU_UNLINK, label: '不再关联飞书账号' },
      ],
      value: FEISHU_KEEP,
    }),
    ...picker,
  ];
}

export function expertFormCard(view: ExpertFormView): CardJson {
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const errorCount = EXPERT_FORM_FIELDS.filter((f) => errors[f]).length;
  const intro = view.edit
    ? '修改专家的信息，点「保存修改」后生效。对接时，专家的姓名、单位和联系方式会发给企业联系人。'
    : '登记一位可对接企业需求的专家。对接时，专家的姓名、单位和联系方式会发给企业联系人。';
  const elements: CardElement[] = [markdown(intro)];
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  // Name, organisation, fields and contact as src/forms describes them (the wizard asks the same).
  const described = expertFormSpec(view.industries).fields.filter((f) => f.name !== 'open_id');
  const fields: CardElement[] = [...specFields({ fields: described }, values, errors), ...feishuFields(view, errors.open_id)];
  const linked = view.linked ? { linked: view.linked } : {};
  const value = view.edit
    ? listValue(EXPERT_UPDATE_ACTION, view.edit.filter, view.edit.page, { id: view.edit.id, v: view.edit.version, ...linked })
    : { action: EXPERT_ADD_ACTION, form: view.token, ...linked };
  fields.push(submitButton({ name: 'submit', text: view.edit ? '保存修改' : '添加专家', value }));
  elements.push(form('expert_form', fields));
  if (!view.edit) elements.push(note(EXPERT_IMPORT_HINT));

  const title = view.edit ? '编辑专家信息' : '添加专家';
  return card({
    title,
    colour: errorCount > 0 ? 'orange' : 'blue',
    summary: errorCount > 0 ? `专家信息有 ${errorCount} 项需要修改` : title,
    elements,
  });
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
