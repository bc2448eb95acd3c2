import { button, buttonRow, card, CardElement, CardJson, markdown, note, pager } from './card-kit';
import { escapeClipped } from './markdown';

/**
 * The expert pool as admins browse it (issue 11 item 7): `专家` pages of 10 in pinyin order with
 * 上一页 / 下一页, optionally narrowed to a field or to a name; 查看 opens an expert's card, which
 * has 编辑 and 删除. The list's state (page, field, name) travels in the buttons' values: the
 * server keeps none, and checks the clicker is an admin on every click. Pure data.
 */

export const EXPERT_PAGE_ACTION = 'expert.page';
export const EXPERT_VIEW_ACTION = 'expert.view';
/** 编辑 on an expert's card: opens the expert form filled in. */
export const EXPERT_EDIT_ACTION = 'expert.edit';
/** 保存修改 on the edit form. */
export const EXPERT_UPDATE_ACTION = 'expert.update';
/** Shared with expert-cards.ts: 删除 on an expert's card asks to confirm (`id` in the value). */
export const EXPERT_DELETE_ACTION = 'expert.delete';

export const EXPERT_PAGE_SIZE = 10;
/** The longest name or text `专家 <…>` searches for. */
export const EXPERT_QUERY_CHARS = 20;

export interface ExpertListItem {
  name: string;
  organisation: string;
  fieldsText: string;
  contact: string;
  /** Whether the expert has a Feishu account linked (and so gets match notices in Feishu). */
  hasFeishu: boolean;
  /** Given (to admins): the expert can be opened (查看) to edit or delete. */
  id?: number;
}

/** What the list shows, as carried by its buttons: an industry value and/or a name. */
export interface ExpertListFilter {
  field?: string;
  q?: string;
}

export interface ExpertListView {
  title: string;
  /** The experts of this page. */
  experts: ExpertListItem[];
  /** All experts that match. */
  total: number;
  /** 0-based. */
  page: number;
  pages: number;
  filter: ExpertListFilter;
  /** What the list is narrowed to, e.g. 领域「新材料」 (trusted markdown). */
  filterNote?: string;
  /** Shown instead of 还没有专家 when nothing matches a filter (trusted markdown). */
  emptyNote?: string;
}

/** The list state a button carries, without undefined keys (a callback value is JSON). */
export function listValue(action: string, filter: ExpertListFilter, page: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, ...extra, page, ...(filter.field ? { field: filter.field } : {}), ...(filter.q ? { q: filter.q } : {}) };
}

export function expertLine(e: ExpertListItem): string {
  const fields = e.fieldsText ? escapeClipped(e.fieldsText, 30) : '（未填领域）';
  return `**${escapeClipped(e.name, 20)}** · ${escapeClipped(e.organisation, 24)} · ${fields} · ${escapeClipped(e.contact, 30)}${e.hasFeishu ? ' · 已关联飞书账号' : ''}`;
}

export const EXPERT_LIST_USAGE =
  '发送「专家 <领域或姓名>」查找（如 专家 稀土、专家 张），发送「专家 添加」登记专家；点「查看」可编辑或删除。也可以在私聊中发送专家名单表格（CSV 或 Excel）批量导入。';

export function expertListCard(view: ExpertListView): CardJson {
  const elements: CardElement[] = [];
  const scope = view.filterNote ? `${view.filterNote}：` : '';
  if (view.total === 0) {
    elements.push(markdown(view.emptyNote ?? `${scope}还没有专家。`));
  } else {
    elements.push(markdown(`${scope}共 ${view.total} 位，第 ${view.page + 1}/${view.pages} 页`));
    for (const e of view.experts.slice(0, EXPERT_PAGE_SIZE)) elements.push(expertRow(e, view));
    const nav = pager(listValue(EXPERT_PAGE_ACTION, view.filter, view.page), view.page, view.pages);
    if (nav) elements.push(nav);
  }
  elements.push(note(EXPERT_LIST_USAGE));
  return card({ title: view.title, colour: 'blue', summary: view.title, elements });
}

/** One expert: the line, and 查看 (when the viewer may open it). */
function expertRow(e: ExpertListItem, view: ExpertListView): CardElement {
  if (e.id === undefined) return markdown(`- ${expertLine(e)}`);
  return {
    tag: 'column_set',
    flex_mode: 'none',
    horizontal_spacing: '8px',
    columns: [
      { tag: 'column', width: 'weighted', weight: 1, vertical_align: 'center', elements: [markdown(expertLine(e))] },
      { tag: 'column', width: 'auto', vertical_align: 'center', elements: [button('查看', listValue(EXPERT_VIEW_ACTION, view.filter, view.page, { id: e.id }))] },
    ],
  };
}

export interface ExpertCardView {
  id: number;
  item: ExpertListItem;
  /** Needs the expert was matched with. */
  needs: number;
  /** The list to go back to. */
  filter: ExpertListFilter;
  page: number;
  /** A line on top, e.g. 已添加专家 (trusted markdown). */
  banner?: string;
  title?: string;
}

/** An expert's card, for admins: everything on record, with 编辑, 删除 and 返回列表. */
export function expertCard(view: ExpertCardView): CardJson {
  const e = view.item;
  const lines = [
    `**姓名**：${escapeClipped(e.name, 50)}`,
    `**单位**：${escapeClipped(e.organisation, 200)}`,
    `**领域**：${e.fieldsText ? escapeClipped(e.fieldsText, 300) : '（未填领域）'}`,
    `**联系方式**：${escapeClipped(e.contact, 200)}`,
    `**飞书账号**：${e.hasFeishu ? '已关联（对接企业需求时私聊通知 TA）' : '未关联（对接时请按联系方式告知）'}`,
    `**对接过的企业需求**：${view.needs} 项`,
  ];
  const elements: CardElement[] = [];
  if (view.banner) elements.push(markdown(view.banner));
  elements.push(markdown(lines.join('\n')));
  elements.push(
    buttonRow([
      button('编辑', listValue(EXPERT_EDIT_ACTION, view.filter, view.page, { id: view.id }), 'primary'),
      button('删除', { action: EXPERT_DELETE_ACTION, id: view.id }, 'danger'),
      button('返回列表', listValue(EXPERT_PAGE_ACTION, view.filter, view.page)),
    ]),
  );
  elements.push(note('删除用于应专家本人要求删除其个人信息，删除前会再确认一次。'));
  const title = view.title ?? `专家 · ${e.name.slice(0, 20)}`;
  return card({ title, colour: 'blue', summary: title, elements });
}
