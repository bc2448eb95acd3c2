import type { Need } from '../src/db/entities/need.entity';
import { card, CardElement, CardJson, markdown, note } from './card-kit';
import { fieldBlock, form, type Option, selectOption, selectStatic, submitButton, textInput } from './form-kit';
import { clip, escapeClipped, escapeMarkdown } from './markdown';
import { NEED_MATCH_ACTION, noteInput } from './need-cards';
import { matchFormSpec } from '../src/forms/match-form';

/**
 * The expert-matching card of an enterprise need (企业需求): a reminder of the need, and a form
 * to choose the expert, those of the need's industry first. Pure data, like need-cards.ts.
 */

export interface MatchExpertView {
  id: number;
  name: string;
  organisation: string;
  fieldsText: string;
}

export interface MatchCardView {
  need: Need;
  code: string;
  industryLabel: string;
  /** Experts whose fields include the need's industry: listed first. */
  experts: MatchExpertView[];
  /** The other experts, marked （其他领域）. */
  otherExperts: MatchExpertView[];
  note?: string;
  errors?: { expert?: string; note?: string };
  /** The expert chosen in a rejected attempt, to select again. */
  expertId?: number | null;
  /**
   * The search box, shown when the pool has more experts than the select may list (`pool`) or a
   * search was made: `experts` and `otherExperts` are then those that match `query`.
   */
  search?: { pool: number; query?: string };
}

/** 搜索 on the matching card: the same card, its select narrowed to the experts that match. */
export const NEED_MATCH_SEARCH_ACTION = 'need.match_search';
/** The longest search text. */
export const MATCH_QUERY_CHARS = 20;

/**
 * The select's options are bounded so that the card stays under 30 KB whatever the names: at
 * most 100, and at most 18,000 bytes of option JSON (100 typical experts take about 10 KB).
 */
export const MATCH_OPTIONS_MAX = 100;
const MATCH_OPTIONS_BYTES = 18_000;
/** Error messages come from the server, but are bounded all the same. */
const ERROR_CHARS = 200;
const OPTION_NAME_CHARS = 20;
const OPTION_ORG_CHARS = 24;
/** The description is shown in full on the need's card; here it is only a reminder. */
const MATCH_DESCRIPTION_CHARS = 300;

/** An expert as the select lists them: name · organisation, （其他领域） when not of the need's industry. */
export function expertOption(e: MatchExpertView, other: boolean): Option {
  const label = `${clip(e.name, OPTION_NAME_CHARS)} · ${clip(e.organisation, OPTION_ORG_CHARS)}${other ? '（其他领域）' : ''}`;
  return { value: String(e.id), label };
}

export function matchCard(view: MatchCardView): CardJson {
  const { need } = view;
  const errors = view.errors ?? {};
  const elements: CardElement[] = [
    markdown(
      [
        `**企业**：${escapeClipped(need.enterpriseName, 100)}　**状态**：${escapeMarkdown(need.status)}`,
        `**盟市**：${escapeMarkdown(need.region)}　**行业**：${escapeMarkdown(view.industryLabel)}　**需求类型**：${escapeMarkdown(need.needType)}`,
        `**需求描述**：${escapeClipped(need.description, MATCH_DESCRIPTION_CHARS)}`,
      ].join('\n'),
    ),
  ];

  const total = view.experts.length + view.otherExperts.length;
  const query = view.search?.query;
  if (view.search) elements.push(searchForm(view, view.search));
  if (total === 0 && query) {
    elements.push(markdown(`没有姓名、单位或领域含「${escapeMarkdown(query)}」的专家，请换个词搜索（搜索框留空再点「搜索」列出全部专家）。`));
  } else if (total === 0) {
    elements.push(
      markdown(
        '专家库里还没有专家，暂时无法对接。请管理员发送「专家 添加」逐位登记，或在与我的私聊中发送专家名单表格（CSV 或 Excel .xlsx，列：姓名、单位、领域、联系方式、open_id），登记后再回到需求卡片对接。',
      ),
    );
  } else {
    const all = [...view.experts.map((e) => expertOption(e, false)), ...view.otherExperts.map((e) => expertOption(e, true))];
    const options: Option[] = [];
    let optionBytes = 0;
    for (const o of all) {
      optionBytes += Buffer.byteLength(JSON.stringify(selectOption(o)), 'utf8') + 1;
      if (options.length >= MATCH_OPTIONS_MAX || optionBytes > MATCH_OPTIONS_BYTES) break;
      options.push(o);
    }
    const omitted = all.length - options.length;
    if (query) {
      elements.push(markdown(`搜索「${escapeMarkdown(query)}」：找到 ${total} 位专家${view.experts.length > 0 ? `，「${escapeMarkdown(view.industryLabel)}」领域的排在前面` : ''}。`));
    } else if (view.experts.length === 0) {
      elements.push(markdown(`专家库中暂无「${escapeMarkdown(view.industryLabel)}」领域的专家，以下为其他领域的专家。`));
    } else {
      elements.push(markdown(`「${escapeMarkdown(view.industryLabel)}」领域的 ${view.experts.length} 位专家排在前面。`));
    }
    // The fields as described once (src/forms/match-form.ts); the options bounded as above.
    const [expertField, noteField] = matchFormSpec({ experts: options, action: need.status === '待对接' ? 'match' : 'rematch' }).fields;
    const formElements: CardElement[] = [
      ...fieldBlock({
        label: expertField.label,
        component: selectStatic({
          name: expertField.name,
          placeholder: expertField.placeholder,
          options,
          value: view.expertId != null ? String(view.expertId) : undefined,
        }),
        hint: omitted > 0 ? `另有 ${omitted} 位专家未列出（卡片大小有限，下拉框最多列出 ${options.length} 位；相符领域的专家已优先列出）。${view.search ? '请用上面的搜索框按姓名、单位或领域查找。' : ''}` : undefined,
        error: errors.expert && clip(errors.expert, ERROR_CHARS),
      }),
      ...fieldBlock({
        label: noteField.label,
        optional: noteField.optional,
        component: noteInput(noteField.placeholder, view.note),
        error: errors.note && clip(errors.note, ERROR_CHARS),
      }),
      submitButton({ name: 'match_submit', text: '确认对接', value: { action: NEED_MATCH_ACTION, id: need.id, v: need.version, code: view.code, ...(query ? { q: query } : {}) } }),
    ];
    elements.push(form('match_form', formElements));
    elements.push(note('确认后，需求提交人和已登记飞书的专家会收到对接通知。'));
  }

  const title = `对接专家 · ${view.code}`;
  return card({ title, subtitle: clip(need.enterpriseName, 60), colour: 'blue', summary: title, elements });
}

/** The search box: narrows the select to experts whose name, organisation or field has the text. */
function searchForm(view: MatchCardView, search: { pool: number; query?: string }): CardElement {
  return form('match_search', [
    ...fieldBlock({
      label: '查找专家',
      component: textInput({ name: 'q', placeholder: '姓名、单位或领域，如：张、内蒙古大学、稀土', maxLength: MATCH_QUERY_CHARS, value: search.query }),
      hint: `专家库共 ${search.pool} 位专家，下拉框最多列出 ${MATCH_OPTIONS_MAX} 位：输入姓名、单位或领域后点「搜索」，下拉框只列出相符的专家。`,
    }),
    submitButton({ name: 'search', text: '搜索', value: { action: NEED_MATCH_SEARCH_ACTION, id: view.need.id, v: view.need.version } }),
  ]);
}
