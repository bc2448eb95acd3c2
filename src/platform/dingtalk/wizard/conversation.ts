import type { FormValue } from '../../../domain/application-fields';
import { parseFeishuDate } from '../../../domain/calendar';
import { mayBeEmpty, type FieldSpec, type FieldErrors } from '../../../forms/form-spec';

/**
 * A described form (src/forms) as a conversation: one field at a time with what is expected,
 * numbered options, dates as 2027-06-10, each answer checked at once by the form's own check
 * (the Feishu card's rule function, so the same Chinese messages), and the wizard words.
 * Pure: the caller loads and stores the state and sends the text this returns.
 */

/** The words a wizard understands (issue 12's contract). */
export const WIZARD_WORDS = { back: '上一步', skip: '跳过', show: '查看', cancel: '取消', submit: '提交', resume: '继续填写' } as const;

export interface WizardForm {
  title: string;
  fields: readonly FieldSpec[];
  /** The whole form's check, with its context bound. */
  check(values: FormValue): FieldErrors;
  /** Said once, when the form starts (e.g. the application's season and lead days). */
  intro?: string;
}

export interface WizardState {
  /** The field asked now; fields.length: everything answered, the summary with 提交 was shown. */
  step: number;
  answers: FormValue;
}

export type WizardOutcome =
  | { kind: 'reply'; state: WizardState; text: string }
  | { kind: 'cancel'; text: string }
  /** Everything passed the whole form's check: submit `answers`. */
  | { kind: 'submit'; state: WizardState };

/** Separators people use between several numbers: spaces, commas, 、 and semicolons. */
const SEPARATORS = /[\s,，、;；]+/;
const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
const DATE_TIME = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*(\d{1,2})[:：点](\d{2})分?)?$/;

function fullWidthToAscii(text: string): string {
  return text.replace(/[０-９－／．]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** Turns a reply into the value the card would submit, or says what is wrong with its shape. */
export function parseAnswer(field: FieldSpec, text: string): { value: string | string[] } | { problem: string } {
  const input = field.input;
  const answer = text.trim();
  switch (input.kind) {
    case 'text':
      return { value: answer };
    case 'date': {
      const m = DATE.exec(fullWidthToAscii(answer).replace(/\s+/g, ''));
      const iso = m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : '';
      return parseFeishuDate(iso) ? { value: iso } : { problem: `请按 2027-06-10 的格式回复${field.label}。` };
    }
    case 'datetime': {
      const m = DATE_TIME.exec(fullWidthToAscii(answer).replace(/\s+/g, ' ').trim());
      const iso = m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : '';
      const time = m?.[4] !== undefined ? `${m[4].padStart(2, '0')}:${m[5]}` : '';
      const validTime = time === '' || (Number(m![4]) < 24 && Number(m![5]) < 60);
      if (!parseFeishuDate(iso) || !validTime) return { problem: `请按 2027-06-30 17:00 的格式回复${field.label}（只写日期则为当天 23:59）。` };
      return { value: time ? `${iso} ${time}` : iso };
    }
    case 'select': {
      const ascii = fullWidthToAscii(answer);
      // A number is the option's position (what the list shows), even where values are numbers
      // too (对接's expert ids); `byValue` selects answer with the value itself.
      const n = /^\d+$/.test(ascii) ? Number(ascii) : NaN;
      if (!input.byValue && n >= 1 && n <= input.options.length) return { value: input.options[n - 1].value };
      const byText = input.options.find((o) => o.value === answer || o.label === answer);
      if (byText) return { value: byText.value };
      return { problem: input.byValue ? `请回复选项中的数字（${input.options.map((o) => o.value).join('、')}）。` : `请回复选项前的数字（1–${input.options.length}）。` };
    }
    case 'multiselect': {
      const parts = fullWidthToAscii(answer).split(SEPARATORS).filter(Boolean);
      const picked: string[] = [];
      for (const part of parts) {
        const n = /^\d+$/.test(part) ? Number(part) : NaN;
        if (!(n >= 1 && n <= input.options.length)) return { problem: `请回复选项前的数字（1–${input.options.length}），可多选，用空格分开，如：1 3 5。` };
        const value = input.options[n - 1].value;
        if (!picked.includes(value)) picked.push(value);
      }
      if (picked.length === 0) return { problem: '请回复选项前的数字，可多选，用空格分开，如：1 3 5。' };
      // In the options' order, as a card's multi-select submits them.
      return { value: input.options.filter((o) => picked.includes(o.value)).map((o) => o.value) };
    }
  }
}

function isEmpty(value: string | string[] | undefined): boolean {
  return value === undefined || (Array.isArray(value) ? value.length === 0 : value.trim() === '');
}

/** The value a fresh card preselects (the default 跳过 takes), if any. */
function initialOf(field: FieldSpec): string | string[] | undefined {
  const input = field.input;
  if (input.kind === 'select') return input.initial;
  if (input.kind === 'multiselect') return input.initial ? [...input.initial] : undefined;
  return undefined;
}

/** A value as people read it: an option's label rather than its value. */
export function shownValue(field: FieldSpec, value: string | string[] | undefined): string {
  if (isEmpty(value)) return '（未填）';
  const input = field.input;
  const labelOf = (v: string) => (input.kind === 'select' || input.kind === 'multiselect' ? (input.options.find((o) => o.value === v)?.label ?? v) : v);
  if (Array.isArray(value)) return value.map(labelOf).join('、');
  const text = labelOf(value as string);
  const chars = [...text];
  return chars.length > 200 ? `${chars.slice(0, 200).join('')}…` : text;
}

/** The question for field `step`: what is expected, the options, and the words that apply. */
export function promptFor(form: WizardForm, state: WizardState): string {
  const { step, answers } = state;
  if (step >= form.fields.length) return summaryOf(form, answers);
  const field = form.fields[step];
  const input = field.input;
  const lines = [`【${form.title}】第 ${step + 1}/${form.fields.length} 项：${field.label}${mayBeEmpty(field, answers) && !field.label.includes('选填') ? '（选填）' : ''}`];
  switch (input.kind) {
    case 'text':
      lines.push(`请填写：${field.placeholder}`);
      if (field.hint) lines.push(field.hint);
      lines.push(`（不超过 ${input.maxLength} 字）`);
      break;
    case 'date':
      lines.push(`${field.placeholder}，请按 2027-06-10 的格式回复。`);
      if (field.hint) lines.push(field.hint);
      break;
    case 'datetime':
      lines.push(`${field.placeholder}，请按 2027-06-30 17:00 的格式回复（只写日期则为当天 23:59）。`);
      if (field.hint) lines.push(field.hint);
      break;
    case 'select':
      lines.push(input.byValue ? `${field.placeholder}，回复选项中的数字：` : `${field.placeholder}，回复选项前的数字：`);
      if (field.hint) lines.push(field.hint);
      for (const [i, o] of input.options.entries()) lines.push(input.byValue ? o.label : `${i + 1}. ${o.label}`);
      break;
    case 'multiselect':
      lines.push(`${field.placeholder}。回复选项前的数字，可多选，用空格分开，如：1 3 5`);
      if (field.hint) lines.push(field.hint);
      for (const [i, o] of input.options.entries()) lines.push(`${i + 1}. ${o.label}`);
      break;
  }
  const current = answers[field.name];
  const initial = initialOf(field);
  if (!isEmpty(current)) lines.push(`当前填写：${shownValue(field, current)}（发送「${WIZARD_WORDS.skip}」保留不变）`);
  else if (initial !== undefined) lines.push(`默认：${shownValue(field, initial)}（发送「${WIZARD_WORDS.skip}」使用默认）`);
  else if (mayBeEmpty(field, answers)) lines.push(`此项可不填：发送「${WIZARD_WORDS.skip}」跳过。`);
  lines.push(`发送「${WIZARD_WORDS.back}」返回上一项，「${WIZARD_WORDS.show}」查看已填内容，「${WIZARD_WORDS.cancel}」放弃填写。`);
  return lines.join('\n');
}

/** What is filled so far, numbered as the questions are. */
export function overviewOf(form: WizardForm, answers: FormValue): string {
  return [`【${form.title}】已填写的内容：`, ...form.fields.map((f, i) => `${i + 1}. ${f.label}：${shownValue(f, answers[f.name])}`)].join('\n');
}

function summaryOf(form: WizardForm, answers: FormValue): string {
  return `${overviewOf(form, answers)}\n\n全部填写完毕，请核对。发送「${WIZARD_WORDS.submit}」提交；发送项目编号（如 3）修改该项；发送「${WIZARD_WORDS.cancel}」放弃填写。`;
}

/** The first field, in the form's order, that the whole form's check finds wrong. */
function firstFailing(form: WizardForm, errors: FieldErrors): number {
  return form.fields.findIndex((f) => errors[f.name] !== undefined);
}

/** One message of the person filling in the form, applied to the state. */
export function answer(form: WizardForm, state: WizardState, text: string): WizardOutcome {
  const word = text.trim();
  const { step, answers } = state;
  const done = step >= form.fields.length;
  const reply = (s: WizardState, t: string): WizardOutcome => ({ kind: 'reply', state: s, text: t });
  const ask = (s: WizardState, before?: string) => reply(s, before ? `${before}\n\n${promptFor(form, s)}` : promptFor(form, s));

  if (word === WIZARD_WORDS.cancel) return { kind: 'cancel', text: `已取消填写${form.title}，已填写的内容已删除。` };
  if (word === WIZARD_WORDS.show) return reply(state, done ? promptFor(form, state) : `${overviewOf(form, answers)}\n\n${promptFor(form, state)}`);
  if (word === WIZARD_WORDS.resume) return ask(state);
  if (word === WIZARD_WORDS.back) {
    if (step === 0) return ask(state, '已经是第一项。');
    return ask({ step: Math.min(step, form.fields.length) - 1, answers });
  }
  if (word === WIZARD_WORDS.submit) {
    if (!done) return ask(state, `还有未填写的项目，填完后再发送「${WIZARD_WORDS.submit}」。`);
    const errors = form.check(answers);
    const first = firstFailing(form, errors);
    if (first < 0) return { kind: 'submit', state };
    const count = Object.keys(errors).length;
    const list = form.fields.filter((f) => errors[f.name]).map((f) => `· ${f.label}：${errors[f.name]}`);
    return ask({ step: first, answers }, `有 ${count} 项需要修改：\n${list.join('\n')}`);
  }
  if (done) {
    const n = /^\d+$/.test(fullWidthToAscii(word)) ? Number(fullWidthToAscii(word)) : NaN;
    if (n >= 1 && n <= form.fields.length) return ask({ step: n - 1, answers });
    return ask(state, `没有看懂「${[...word].slice(0, 20).join('')}」。`);
  }

  const field = form.fields[step];
  if (word === WIZARD_WORDS.skip) {
    const current = answers[field.name];
    const initial = initialOf(field);
    if (isEmpty(current) && initial === undefined && !mayBeEmpty(field, answers)) return ask(state, `「${field.label}」为必填项，不能跳过。`);
    const empty = field.input.kind === 'multiselect' ? [] : '';
    const kept = isEmpty(current) ? { ...answers, [field.name]: initial ?? empty } : answers;
    return advance(form, { step, answers: kept }, ask);
  }
  const parsed = parseAnswer(field, text);
  if ('problem' in parsed) return ask(state, parsed.problem);
  const next = { ...answers, [field.name]: parsed.value };
  // The whole form's check on what is filled so far: this field's message is the card's.
  const problem = form.check(next)[field.name];
  if (problem) return ask(state, `⚠ ${problem}`);
  return advance(form, { step, answers: next }, ask);
}

/**
 * After an answer: the next field not asked yet (one left empty on purpose has '' or []), or the
 * summary when every field has been through. Going back (上一步, a number at the summary) to fix
 * one answer thus returns to where the filling stood, not through every field again.
 */
function advance(form: WizardForm, state: WizardState, ask: (s: WizardState, before?: string) => WizardOutcome): WizardOutcome {
  const next = form.fields.findIndex((f, i) => i > state.step && state.answers[f.name] === undefined);
  return ask({ step: next < 0 ? form.fields.length : next, answers: state.answers });
}
