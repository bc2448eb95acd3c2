import type { NeedEvent } from '../src/db/entities/need-event.entity';
import type { Need } from '../src/db/entities/need.entity';
import { formatInstant } from '../src/domain/calendar';
import { mention } from './application-cards';
import { buttonRow, card, CardElement, CardJson, divider, HeaderColour, markdown, note } from './card-kit';
import { errorBanner, errorLine, form, type Option, plainText, specFields, submitButton } from './form-kit';
import { clip, escapeClipped, escapeMarkdown } from './markdown';
import { needFormSpec } from '../src/forms/need-form';

/**
 * Cards for enterprise needs (企业需求): the filing form, the need's card (with the centre's
 * status buttons), and the notice sent to both sides once a need is matched; the
 * expert-matching card is in need-match-card.ts and lists in need-list-card.ts. Pure data:
 * callers pass labels, options and the time zone, so these cards depend on no domain module
 * for needs. The need actions' names are all here, including those of the other two modules.
 */

export const NEED_SUBMIT_ACTION = 'need.submit';
export const NEED_MATCH_OPEN_ACTION = 'need.match_open';
export const NEED_MATCH_ACTION = 'need.match';
export const NEED_STATUS_ACTION = 'need.status';
export const NEED_LIST_ACTION = 'need.list';

export type { Option } from './form-kit';

export type NeedField = 'enterprise_name' | 'region' | 'industry' | 'need_type' | 'description' | 'contact_name' | 'mobile';

/** The form's order: who, where, what, then the contact. */
export const NEED_FORM_FIELDS: readonly NeedField[] = ['enterprise_name', 'region', 'industry', 'need_type', 'description', 'contact_name', 'mobile'];

/** Header colours by status; an unknown status is shown blue. */
export const NEED_STATUS_COLOURS: Readonly<Record<string, HeaderColour>> = {
  待对接: 'blue',
  已对接: 'turquoise',
  跟进中: 'wathet',
  已解决: 'green',
  已关闭: 'grey',
};

function statusColour(status: string): HeaderColour {
  return NEED_STATUS_COLOURS[status] ?? 'blue';
}

// ---------------------------------------------------------------------------------------------
// The form

export interface NeedFormView {
  /** The form's token: a resubmission of the same form files the need only once. */
  token: string;
  values: Partial<Record<NeedField, string>>;
  errors?: Partial<Record<NeedField, string>>;
  regions: readonly string[];
  industries: readonly Option[];
  needTypes: readonly string[];
  labels: Record<NeedField, string>;
}

export function needFormCard(view: NeedFormView): CardJson {
  const errors = view.errors ?? {};
  const errorCount = NEED_FORM_FIELDS.filter((f) => errors[f]).length;
  const elements: CardElement[] = [
    markdown('请填写企业遇到的技术难题或需要的支持。提交后，中心将为您对接合适的专家，专家会通过您留下的联系方式与您联系。'),
  ];
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  const spec = needFormSpec({ regions: view.regions, industries: view.industries, needTypes: view.needTypes, labels: view.labels });
  const fields: CardElement[] = specFields(spec, view.values, errors);
  fields.push(submitButton({ name: 'submit', text: '提交需求', value: { action: NEED_SUBMIT_ACTION, form: view.token } }));
  elements.push(form('need_form', fields));
  elements.push(note('提交后会得到需求编号（如 XQ2027-0001），发送「查询 编号」可查看对接进展。'));

  return card({
    title: '企业需求登记',
    colour: errorCount > 0 ? 'orange' : 'blue',
    summary: errorCount > 0 ? `需求表有 ${errorCount} 项需要修改` : '企业需求登记',
    elements,
  });
}

/** The note box of the admin and matching forms: two rows, growing with the text. */
export function noteInput(placeholder: string, value: string | undefined): CardElement {
  return {
    tag: 'input',
    name: 'note',
    required: false,
    width: 'fill',
    input_type: 'multiline_text',
    rows: 2,
    auto_resize: true,
    max_length: 500,
    placeholder: plainText(placeholder),
    ...(value ? { default_value: value } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// A need

export interface NeedExpertView {
  name: string;
  organisation: string;
  contact: string;
}

export interface NeedActionView {
  /** The target the service understands, e.g. follow, resolve, close; match / rematch open the matching card. */
  action: string;
  label: string;
  /** Whether the note input must be filled for this action (said in its placeholder). */
  noteRequired: boolean;
}

export interface NeedCardView {
  need: Need;
  code: string;
  timezone: string;
  industryLabel: string;
  expert?: NeedExpertView | null;
  history?: NeedEvent[];
  /** A line at the top saying what just happened (trusted markdown built by the caller). */
  banner?: string;
  admin: boolean;
  applicationCode?: string | null;
  actions?: NeedActionView[];
  /** A rejected attempt: the note as typed and what is wrong with it. */
  note?: string;
  noteError?: string;
}

/** The latest entries of the audit trail that fit a card with room to spare. */
const HISTORY_SHOWN = 12;
const HISTORY_NOTE_CHARS = 80;
/** Actions that open the matching card rather than change the status. */
const MATCH_ACTIONS: ReadonlySet<string> = new Set(['match', 'rematch']);

const EVENT_WORDS: Readonly<Record<string, string>> = {
  file: '提交需求',
  match: '对接专家',
  rematch: '重新对接专家',
  follow: '开始跟进',
  resolve: '标记已解决',
  close: '关闭需求',
  reopen: '重新打开',
  link: '关联活动申请',
  edit: '修改需求',
};

const BUTTON_TYPES: Readonly<Record<string, string>> = {
  match: 'primary_filled',
  rematch: 'default',
  follow: 'primary',
  resolve: 'primary_filled',
  close: 'danger',
};

function needLines(need: Need, industryLabel: string, timezone: string): string[] {
  return [
    `**企业**：${escapeMarkdown(need.enterpriseName)}`,
    `**盟市**：${escapeMarkdown(need.region)}　**行业**：${escapeMarkdown(industryLabel)}　**需求类型**：${escapeMarkdown(need.needType)}`,
    `**需求描述**：${escapeMarkdown(need.description)}`,
    `**联系人**：${escapeMarkdown(need.contactName)} · ${escapeMarkdown(need.mobile)}`,
    `**提交**：${mention(need.filerOpenId)} 于 ${formatInstant(need.createdAt, timezone)}`,
  ];
}

function expertLine(expert: NeedExpertView): string {
  const organisation = expert.organisation ? `（${escapeMarkdown(expert.organisation)}）` : '';
  const contact = expert.contact ? `${organisation ? '' : ' '}· ${escapeMarkdown(expert.contact)}` : '';
  return `**对接专家**：${escapeMarkdown(expert.name)}${organisation}${contact}`;
}

function historyLine(e: NeedEvent, timezone: string): string {
  const what = EVENT_WORDS[e.action] ?? escapeMarkdown(e.action);
  const move = e.fromStatus && e.fromStatus !== e.toStatus ? `（${escapeMarkdown(e.fromStatus)} → ${escapeMarkdown(e.toStatus)}）` : '';
  const why = e.note ? `，说明：${escapeClipped(e.note, HISTORY_NOTE_CHARS)}` : '';
  return `- ${formatInstant(e.at, timezone)} ${mention(e.actorOpenId)} ${what}${move}${why}`;
}

function safeName(action: string): string {
  return action.replace(/[^A-Za-z0-9_]/g, '_');
}

export function needCard(view: NeedCardView): CardJson {
  const { need, timezone } = view;
  const elements: CardElement[] = [];
  if (view.banner) elements.push(markdown(view.banner));
  elements.push(markdown(`**编号**：${view.code}　**状态**：${escapeMarkdown(need.status)}`));
  elements.push(markdown(needLines(need, view.industryLabel, timezone).join('\n')));

  const matched: string[] = [];
  if (view.expert) matched.push(expertLine(view.expert));
  if (view.expert && need.matchNote) matched.push(`**对接说明**：${escapeMarkdown(need.matchNote)}`);
  if (view.applicationCode) matched.push(`**关联活动申请**：${view.applicationCode}`);
  if (matched.length) elements.push(markdown(matched.join('\n')));

  if (view.history) {
    elements.push(divider());
    const shown = view.history.slice(-HISTORY_SHOWN);
    const omitted = view.history.length - shown.length;
    const lines = shown.map((e) => historyLine(e, timezone));
    if (omitted > 0) lines.unshift(`- …较早的 ${omitted} 条记录已省略`);
    elements.push(markdown(`**办理记录**\n${lines.length ? lines.join('\n') : '- （暂无）'}`));
  }

  const actions = view.actions ?? [];
  if (view.admin && actions.length > 0) {
    const required = actions.filter((a) => a.noteRequired && !MATCH_ACTIONS.has(a.action)).map((a) => a.label);
    const hint = required.length
      ? clip(`说明：${required.join('、')}时必填，其他操作可不填；会记入办理记录`, 100)
      : '说明（选填），会记入办理记录';
    const formElements: CardElement[] = [noteInput(hint, view.note)];
    if (view.noteError) formElements.push(errorLine(view.noteError));
    formElements.push(
      buttonRow(
        actions.map((a) => ({
          tag: 'button',
          name: `need_${safeName(a.action)}`,
          text: plainText(a.label),
          type: BUTTON_TYPES[a.action] ?? 'default',
          form_action_type: 'submit',
          behaviors: [
            {
              type: 'callback',
              value: MATCH_ACTIONS.has(a.action)
                ? { action: NEED_MATCH_OPEN_ACTION, id: need.id, v: need.version, code: view.code }
                : { action: NEED_STATUS_ACTION, id: need.id, to: a.action, v: need.version },
            },
          ],
        })),
      ),
    );
    elements.push(form('need_admin', formElements));
  }

  const title = `企业需求 ${view.code}`;
  return card({
    title,
    subtitle: clip(need.enterpriseName, 60),
    colour: statusColour(need.status),
    summary: `${title} · ${need.status}`,
    elements,
  });
}

// ---------------------------------------------------------------------------------------------
// The notice of a match

export interface NeedNoticeView {
  code: string;
  enterpriseName: string;
  expert: NeedExpertView;
  note: string | null;
  /** To the expert (with the need's details and the enterprise contact), or to the enterprise contact. */
  forExpert: boolean;
  need?: { description: string; contactName: string; mobile: string; region: string; industryLabel: string; needType: string };
}

export function needNoticeCard(view: NeedNoticeView): CardJson {
  const { expert } = view;
  const code = view.code;
  const enterprise = escapeMarkdown(view.enterpriseName);
  const elements: CardElement[] = [];
  const noteLine = view.note ? `**对接说明**：${escapeMarkdown(view.note)}` : undefined;

  if (view.forExpert) {
    elements.push(markdown(`您好，${escapeMarkdown(expert.name)}！中心为您对接了企业「${enterprise}」的需求 **${code}**，请与企业联系人联系。`));
    const lines = [`**企业**：${enterprise}`];
    if (view.need) {
      const n = view.need;
      lines.push(
        `**盟市**：${escapeMarkdown(n.region)}　**行业**：${escapeMarkdown(n.industryLabel)}　**需求类型**：${escapeMarkdown(n.needType)}`,
        `**需求描述**：${escapeMarkdown(n.description)}`,
        `**企业联系人**：${escapeMarkdown(n.contactName)} · ${escapeMarkdown(n.mobile)}`,
      );
    }
    if (noteLine) lines.push(noteLine);
    elements.push(markdown(lines.join('\n')));
    elements.push(note('如无法对接，请联系中心工作人员。'));
  } else {
    elements.push(
      markdown(
        `您的需求 **${code}**（${enterprise}）已对接专家 **${escapeMarkdown(expert.name)}**（${escapeMarkdown(expert.organisation)}），专家将通过您登记的联系方式与您联系。`,
      ),
    );
    const lines = [`**专家联系方式**：${escapeMarkdown(expert.contact)}`];
    if (noteLine) lines.push(noteLine);
    elements.push(markdown(lines.join('\n')));
    elements.push(note(`发送「查询 ${code}」可查看需求进展。`));
  }

  const title = view.forExpert ? `新的对接需求 ${view.code}` : `需求 ${view.code} 已对接专家`;
  return card({ title, subtitle: view.forExpert ? clip(view.enterpriseName, 60) : undefined, colour: 'turquoise', summary: title, elements });
}
