import type { FormValue } from '../../domain/application-fields';
import { parseFeishuDate } from '../../domain/calendar';
import type { FieldSpec } from '../../forms/form-spec';
import type { OutboundMessage } from '../port';
import { escapeDingTalkMarkdown } from './render';

/**
 * Text for the template's Markdown variables (intro, error, status): they may quote what people
 * typed (an organisation's name, a rule's message about a value), so it is escaped for DingTalk
 * markdown, and line breaks are doubled as DingTalk's markdown needs.
 */
function markdownText(text: string): string {
  return escapeDingTalkMarkdown(text).replace(/\n/g, '\n\n');
}

/**
 * A described form (src/forms) as DingTalk's form-variable card (DINGTALK.md §4, "表单变量",
 * open.dingtalk.com/document/isvapp/form-variables): ONE imported template
 * (dingtalk/form-card-template.json) whose Form component is bound to the variable `form`; the
 * fields are supplied per card as `{fields:[{name,label,type,required,placeholder,defaultValue,
 * options[{value,text}]}]}`. Every cardParamMap value is a string (objects JSON-stringified).
 *
 * The template's variables (a contract with dingtalk/form-card-template.json):
 * - `title`: the card's header; `intro`: what the form is for; `status`: a line under the form
 *   (e.g. 已提交 SQ2027-0001); `error`: the reasons a submission was refused (empty: hidden);
 * - `form`, `form_status` (normal | disabled), `form_btn_text` (提交 | 已提交): the Form component.
 *
 * Pure: building the card's parameters, reading a callback's values, and the callback answers.
 */

/** What marks an outbound card as a form card (DingTalkPlatform sends it with createAndDeliver). */
export const FORM_CARD_KEY = 'dingtalkFormCard';

export type CardParamMap = Record<string, string>;

export interface FormCardField {
  name: string;
  label: string;
  type: 'TEXT' | 'TEXT_AREA' | 'DATE' | 'DATETIME' | 'SELECT' | 'MULTI_SELECT';
  required?: boolean;
  placeholder?: string;
  defaultValue?: unknown;
  options?: Array<{ value: string; text: string }>;
}

/** The fields as the form-variable protocol describes them; `values` become their defaults. */
export function formCardFields(fields: readonly FieldSpec[], values: FormValue): FormCardField[] {
  return fields.map((field) => {
    const input = field.input;
    const value = values[field.name];
    const base = {
      name: field.name,
      label: field.label,
      // Fields that may be empty only given other answers are checked by the server, not the client.
      required: field.optional !== true && !field.skippable,
      placeholder: field.placeholder,
    };
    switch (input.kind) {
      case 'text': {
        const out: FormCardField = { ...base, type: input.multiline ? 'TEXT_AREA' : 'TEXT' };
        if (typeof value === 'string' && value !== '') out.defaultValue = value;
        return out;
      }
      case 'date':
      case 'datetime': {
        const out: FormCardField = { ...base, type: input.kind === 'date' ? 'DATE' : 'DATETIME' };
        if (typeof value === 'string' && value !== '') out.defaultValue = input.kind === 'date' ? (parseFeishuDate(value) ?? value) : value;
        return out;
      }
      case 'select': {
        const options = input.options.map((o) => ({ value: o.value, text: o.label }));
        const chosen = typeof value === 'string' && value !== '' ? value : input.initial;
        const index = options.findIndex((o) => o.value === chosen);
        return { ...base, type: 'SELECT', options, ...(index >= 0 ? { defaultValue: { index, value: options[index].value } } : {}) };
      }
      case 'multiselect': {
        const options = input.options.map((o) => ({ value: o.value, text: o.label }));
        const chosen = Array.isArray(value) ? value : (input.initial ?? []);
        const index = options.flatMap((o, i) => (chosen.includes(o.value) ? [i] : []));
        return { ...base, type: 'MULTI_SELECT', options, ...(index.length ? { defaultValue: { index, value: index.map((i) => options[i].value) } } : {}) };
      }
    }
  });
}

export interface FormCardContent {
  title: string;
  intro?: string;
  fields: readonly FieldSpec[];
  values: FormValue;
}

/** The form's introduction, then the fields' longer explanations (the Feishu card's hints under a field). */
function introOf(content: FormCardContent): string {
  const hints = content.fields.filter((f) => f.hint).map((f) => `${f.label}：${f.hint}`);
  return [content.intro ?? '', ...hints].filter(Boolean).join('\n');
}

/** The card's public data as it is created: an open form. */
export function formCardParams(content: FormCardContent): CardParamMap {
  return {
    title: content.title,
    intro: markdownText(introOf(content)),
    status: '',
    error: '',
    form: JSON.stringify({ fields: formCardFields(content.fields, content.values) }),
    form_status: 'normal',
    form_btn_text: '提交',
  };
}

/** The outbound message the outbox carries to DingTalkPlatform: a form card, sent to one person. */
export function formCardMessage(params: CardParamMap): OutboundMessage {
  return { type: 'card', card: { [FORM_CARD_KEY]: { cardParamMap: params } } };
}

/** The form card's parameters when `message` is one. */
export function formCardOf(message: OutboundMessage): CardParamMap | undefined {
  if (message.type !== 'card') return undefined;
  const payload = message.card[FORM_CARD_KEY] as { cardParamMap?: unknown } | undefined;
  const map = payload?.cardParamMap;
  if (!map || typeof map !== 'object') return undefined;
  return map as CardParamMap;
}

/** Text of a value a client may send as a string, a number or a boolean. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A calendar date from what a date picker submitted: 'YYYY-MM-DD', 'YYYY-MM-DD HH:mm', or epoch ms. */
function dateOf(v: unknown, withTime: boolean, timezone: string): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(v));
    const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
    return withTime ? `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}` : `${p('year')}-${p('month')}-${p('day')}`;
  }
  return scalar(v)?.trim();
}

/**
 * The values a card submitted (`params.form`, by field name) as the Feishu form would submit
 * them: text as text, a select's `{index, value}` as its value, a multi-select's
 * `{index:[…], value:[…]}` as the list of values. Only this form's fields are read; a value
 * that is not one of a select's options is dropped (the form's check then says what is missing).
 */
export function valuesFromCard(fields: readonly FieldSpec[], submitted: unknown, timezone: string): FormValue {
  const form = submitted && typeof submitted === 'object' && !Array.isArray(submitted) ? (submitted as Record<string, unknown>) : {};
  const values: FormValue = {};
  for (const field of fields) {
    if (!Object.hasOwn(form, field.name)) continue;
    const raw = form[field.name];
    const input = field.input;
    switch (input.kind) {
      case 'text': {
        const text = scalar(raw);
        if (text !== undefined) values[field.name] = text;
        break;
      }
      case 'date':
      case 'datetime': {
        const text = dateOf(raw, input.kind === 'datetime', timezone);
        if (text !== undefined) values[field.name] = text;
        break;
      }
      case 'select': {
        const v = raw && typeof raw === 'object' && !Array.isArray(raw) ? scalar((raw as { value?: unknown }).value) : scalar(raw);
        if (v !== undefined && input.options.some((o) => o.value === v)) values[field.name] = v;
        break;
      }
      case 'multiselect': {
        const list = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
        const picked = (Array.isArray(list) ? list : [list]).map((x) => (x && typeof x === 'object' ? scalar((x as { value?: unknown }).value) : scalar(x)));
        // In the options' order, as the Feishu card submits them.
        values[field.name] = input.options.filter((o) => picked.includes(o.value)).map((o) => o.value);
        break;
      }
    }
  }
  return values;
}

/** A callback answer (the Stream ack's `response`): the card's data changed for the person who acted. */
export interface CardResponse {
  cardUpdateOptions: { updateCardDataByKey: true; updatePrivateDataByKey: true };
  userPrivateData: { cardParamMap: CardParamMap };
}

function respond(params: CardParamMap): CardResponse {
  return { cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true }, userPrivateData: { cardParamMap: params } };
}

/** Submitted: the form is locked, its button says 已提交, `status` says what happened. */
export function submittedResponse(status: string, fields: readonly FieldSpec[], values: FormValue): CardResponse {
  return respond({ form: JSON.stringify({ fields: formCardFields(fields, values) }), form_status: 'disabled', form_btn_text: '已提交', error: '', status: markdownText(status) });
}

/** Not accepted: the person's values stay in the form, the reasons are shown above it. */
export function refusedResponse(error: string, fields: readonly FieldSpec[], values: FormValue): CardResponse {
  return respond({ form: JSON.stringify({ fields: formCardFields(fields, values) }), form_status: 'normal', form_btn_text: '提交', error: markdownText(error), status: '' });
}

/** Nothing of the form is touched (e.g. not this person's card): only the reason is shown to who clicked. */
export function noticeResponse(error: string): CardResponse {
  return respond({ error: markdownText(error) });
}

/** The reasons of a failed check, one line per field, in the form's order. */
export function reasonsText(fields: readonly FieldSpec[], errors: Record<string, string>): string {
  const lines = fields.filter((f) => errors[f.name]).map((f) => `· ${f.label}：${errors[f.name]}`);
  const extra = Object.keys(errors).filter((k) => !fields.some((f) => f.name === k)).map((k) => `· ${errors[k]}`);
  const all = [...lines, ...extra];
  return `有 ${all.length} 项需要修改，已填写的内容都保留着，改好后再点「提交」：\n${all.join('\n')}`;
}
