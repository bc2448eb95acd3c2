import { expertFormCard, expertDeleteResultCard, FEISHU_UNLINK } from '../cards/expert-cards';
import {
  EXPERT_EDIT_ACTION,
  EXPERT_PAGE_ACTION,
  EXPERT_PAGE_SIZE,
  EXPERT_QUERY_CHARS,
  EXPERT_UPDATE_ACTION,
  EXPERT_VIEW_ACTION,
  expertCard,
  expertListCard,
  type ExpertListFilter,
  type ExpertListItem,
} from '../cards/expert-list-card';
import { escapeMarkdown, sanitizeForText } from '../cards/markdown';
import type { Expert } from '../src/db/entities/expert.entity';
import { checkExpertForm } from '../src/domain/expert-rules';
import { collapseSpaces } from '../src/domain/expert-import';
import { findIndustry, INDUSTRIES, industryLabel, parseIndustry } from '../src/domain/industries';
import { fieldsOf } from '../src/services/expert-service';
import type { CardActionContext, CardActionHandler, CardActionResult, HandlerDeps } from './types';

/**
 * The expert list's buttons (issue 11 item 7): 上一页 / 下一页 (expert.page), 查看 (an expert's
 * card), 编辑 (the form filled in) and 保存修改 (expert.update). Admins only, as `专家` itself,
 * checked on every click; the list's page and filter come back in the button's value and are
 * checked like typed text. A replayed or stale 保存修改 changes nothing (the version it carries).
 */

export const ADMINS_ONLY = '抱歉，专家库只有科创服务中心的管理员可以查看和维护。';
const refuse = (): CardActionResult => ({ toast: { type: 'error', content: ADMINS_ONLY } });

/** An expert as the list shows it to admins (with the id, to open the expert's card). */
export function expertListItem(e: Expert): ExpertListItem & { id: number } {
  return { id: e.id, name: e.name, organisation: e.organisation, fieldsText: fieldsOf(e).map((f) => industryLabel(f)).join('、'), contact: e.contact, hasFeishu: Boolean(e.openId) };
}

/** What `专家 <…>` asks for: a field when the words name one, else a name (or organisation). */
export function parseListFilter(args: string): ExpertListFilter {
  const text = collapseSpaces(args);
  if (text === '') return {};
  const industry = parseIndustry(text);
  if (industry) return { field: industry.value };
  return { q: [...text].slice(0, EXPERT_QUERY_CHARS).join('') };
}

/** The filter and page a button carries, checked like typed text. */
function stateOf(value: Record<string, unknown>): { filter: ExpertListFilter; page: number } {
  const field = typeof value.field === 'string' && findIndustry(value.field) ? value.field : undefined;
  const q = typeof value.q === 'string' ? [...collapseSpaces(value.q)].slice(0, EXPERT_QUERY_CHARS).join('') : undefined;
  const filter: ExpertListFilter = { ...(field ? { field } : {}), ...(q && !field ? { q } : {}) };
  const page = Math.max(0, Math.min(100_000, Math.floor(Number(value.page) || 0)));
  return { filter, page };
}

/** The list card of page `page` of the experts that match `filter`. */
export async function expertListFor(deps: HandlerDeps, tenantKey: string, filter: ExpertListFilter, page: number) {
  const found = await deps.experts.page(tenantKey, { field: filter.field, text: filter.q }, page, EXPERT_PAGE_SIZE);
  const fieldNote = filter.field ? `领域「${escapeMarkdown(industryLabel(filter.field))}」` : undefined;
  const nameNote = filter.q ? `姓名或单位含「${escapeMarkdown(filter.q)}」` : undefined;
  const emptyNote = filter.q
    ? `没有姓名或单位含「${escapeMarkdown(filter.q)}」的专家。也可以按领域查找（如 专家 稀土），可选的领域：${INDUSTRIES.map((i) => i.label).join('、')}。`
    : undefined;
  return expertListCard({
    title: '专家库',
    experts: found.experts.map(expertListItem),
    total: found.total,
    page: found.page,
    pages: found.pages,
    filter,
    filterNote: fieldNote ?? nameNote,
    emptyNote,
  });
}

/** An expert's card (编辑 / 删除 / 返回列表), returning to `filter` and `page`. */
export async function expertCardFor(deps: HandlerDeps, expert: Expert, back: { filter: ExpertListFilter; page: number }, extra: { banner?: string; title?: string } = {}) {
  const needs = await deps.experts.needCount(expert.tenantKey, expert.id);
  return expertCard({ id: expert.id, item: expertListItem(expert), needs, ...back, ...extra });
}

/** The expert a button names, when it is still there; else the answer to give. */
async function expertOf(ctx: CardActionContext): Promise<Expert | CardActionResult> {
  const expert = await ctx.deps.experts.get(ctx.tenantKey, Number(ctx.value.id));
  if (!expert || expert.deletedAt !== null) return { toast: { type: 'info', content: '这位专家的信息已经删除。' }, card: expertDeleteResultCard({ kind: 'gone' }) };
  return expert;
}
const isExpert = (x: Expert | CardActionResult): x is Expert => 'organisation' in x;

const page: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return refuse();
  const { filter, page: at } = stateOf(ctx.value);
  return { card: await expertListFor(ctx.deps, ctx.tenantKey, filter, at) };
};

const view: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return refuse();
  const expert = await expertOf(ctx);
  if (!isExpert(expert)) return expert;
  return { card: await expertCardFor(ctx.deps, expert, stateOf(ctx.value)) };
};

const edit: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return refuse();
  const expert = await expertOf(ctx);
  if (!isExpert(expert)) return expert;
  const back = stateOf(ctx.value);
  return {
    card: expertFormCard({
      token: '',
      industries: INDUSTRIES,
      values: { name: expert.name, organisation: expert.organisation, fields: fieldsOf(expert), contact: expert.contact },
      linked: expert.openId,
      edit: { id: expert.id, version: expert.updatedAt, ...back },
    }),
  };
};

/**
 * The form's values with `open_id` resolved: the person picked; else none when 不再关联 was
 * chosen; else the account already linked (carried by the button, see ExpertFormView.linked).
 */
export function expertFormValues(ctx: CardActionContext): { form: Record<string, string | string[]>; linked: string | null } {
  const form = { ...(ctx.formValue ?? {}) };
  const picked = typeof form.open_id === 'string' ? form.open_id.trim() : '';
  const carried = typeof ctx.value.linked === 'string' ? ctx.value.linked : '';
  const openId = picked || (form.feishu === FEISHU_UNLINK ? '' : carried);
  form.open_id = openId;
  return { form, linked: openId || null };
}

/** The values to show again in a form that came back. */
export function typedValues(form: Record<string, string | string[]>) {
  const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
  const fields = Array.isArray(form.fields) ? form.fields : typeof form.fields === 'string' ? [form.fields] : [];
  return { name: str('name'), organisation: str('organisation'), fields, contact: str('contact') };
}

const update: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return refuse();
  const id = Number(ctx.value.id);
  const version = Number(ctx.value.v);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(version)) return { toast: { type: 'error', content: '这张表单已失效，请重新发送「专家」。' } };
  const back = stateOf(ctx.value);
  const { form, linked } = expertFormValues(ctx);
  const formAgain = (errors: Parameters<typeof expertFormCard>[0]['errors']) =>
    expertFormCard({ token: '', industries: INDUSTRIES, values: typedValues(form), errors, linked, edit: { id, version, ...back } });
  const checked = checkExpertForm(form);
  if (!checked.ok) {
    return { toast: { type: 'warning', content: `有 ${Object.keys(checked.errors).length} 项需要修改，请查看表单中的红色提示` }, card: formAgain(checked.errors) };
  }
  const result = await ctx.deps.experts.update(ctx.tenantKey, id, checked.expert, version);
  switch (result.outcome) {
    case 'gone':
      return { toast: { type: 'info', content: '这位专家的信息已经删除，修改没有保存。' }, card: expertDeleteResultCard({ kind: 'gone' }) };
    case 'duplicate': {
      const other = `${sanitizeForText(result.other.name, 20)}（${sanitizeForText(result.other.organisation, 40)}）`;
      const message = `专家库中已有 ${other}，同一姓名和单位只能登记一次`;
      return { toast: { type: 'warning', content: message }, card: formAgain({ name: message }) };
    }
    case 'stale': {
      const current = result.expert;
      const same =
        current.name === checked.expert.name &&
        current.organisation === checked.expert.organisation &&
        current.contact === checked.expert.contact &&
        current.openId === checked.expert.openId &&
        JSON.stringify(fieldsOf(current)) === JSON.stringify(checked.expert.fields);
      // The same 保存修改 again (a replay, a double click): already saved.
      if (same) return { toast: { type: 'info', content: '这些修改已经保存过了。' }, card: await expertCardFor(ctx.deps, current, back) };
      return {
        toast: { type: 'warning', content: '这位专家的信息刚刚被修改过，您的修改没有保存。请查看最新信息后重新编辑。' },
        card: await expertCardFor(ctx.deps, current, back, { banner: "<font color='orange'>**信息刚刚被修改过**</font>，以下是最新信息，您的修改没有保存。" }),
      };
    }
    default:
      ctx.log.info({ expertId: id, by: ctx.operatorOpenId }, 'expert edited');
      return {
        toast: { type: 'success', content: `已保存专家 ${sanitizeForText(result.expert.name, 20)} 的信息` },
        card: await expertCardFor(ctx.deps, result.expert, back, { banner: "<font color='green'>**已保存修改**</font>" }),
      };
  }
};

export const EXPERT_LIST_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [EXPERT_PAGE_ACTION]: page,
  [EXPERT_VIEW_ACTION]: view,
  [EXPERT_EDIT_ACTION]: edit,
  [EXPERT_UPDATE_ACTION]: update,
};
