import { CardElement, markdown, note } from './card-kit';
import { escapeMarkdown } from './markdown';
import { parseFeishuDate } from '../src/domain/calendar';
import { listOf, type FieldSpec, type FormSpec } from '../src/forms/form-spec';

/**
 * Builders for the pieces every form card repeats: a field's label, component, hint and error
 * line, the error-count banner, the full-width submit button, plain-text placeholders and
 * selects. No component is `required` on the client: the server checks everything and says
 * what is wrong under the field, so a half-filled form can still be kept.
 *
 * The key order of each object is part of the card JSON (and of the snapshots): keep it.
 */

export interface PlainText {
  tag: 'plain_text';
  content: string;
}

/** A choice in a select: what the callback carries and what the person sees. */
export type Option = { value: string; label: string };

/** Text for a placeholder, a button or an option: shown as typed, never parsed as markdown. */
export function plainText(content: string): PlainText {
  return { tag: 'plain_text', content };
}

/** A problem with a field, in red, directly under it. `message` is escaped. */
export function errorLine(message: string): CardElement {
  return markdown(`<font color='red'>⚠ ${escapeMarkdown(message)}</font>`);
}

/** The line at the top of a returned form: how many fields need changing. */
export function errorBanner(count: number): CardElement {
  return markdown(`<font color='red'>**有 ${count} 项需要修改**，请查看各项下方的红色提示。已填写的内容都保留着。</font>`);
}

export interface FieldBlock {
  /** Trusted markdown (escape anything from the user first), shown in bold. */
  label: string;
  /** Adds （选填） after the label. */
  optional?: boolean;
  component: CardElement;
  /** A grey note under the component (trusted markdown). */
  hint?: string;
  /** What is wrong with the value, shown escaped in red under the component (and the hint). */
  error?: string;
}

/** A field of a form: its label, the component, an optional hint and an optional error line. */
export function fieldBlock({ label, optional = false, component, hint, error }: FieldBlock): CardElement[] {
  const elements = [markdown(`**${label}**${optional ? '（选填）' : ''}`), component];
  if (hint !== undefined) elements.push(note(hint));
  if (error) elements.push(errorLine(error));
  return elements;
}

/** A form container; its components are submitted together by a submit button inside it. */
export function form(name: string, elements: CardElement[]): CardElement {
  return { tag: 'form', name, elements };
}

/** The full-width primary button that submits its form and calls back with `value`. */
export function submitButton({ name, text, value }: { name: string; text: string; value: Record<string, unknown> }): CardElement {
  return {
    tag: 'button',
    name,
    text: plainText(text),
    type: 'primary_filled',
    width: 'fill',
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value }],
  };
}

/** An option of select_static / multi_select_static. */
export function selectOption(option: Option): { text: PlainText; value: string } {
  return { text: plainText(option.label), value: option.value };
}

/** A single select; `value` is preselected only when it is one of the options. */
export function selectStatic({ name, placeholder, options, value }: { name: string; placeholder: string; options: readonly Option[]; value?: string }): CardElement {
  return {
    tag: 'select_static',
    name,
    required: false,
    width: 'fill',
    placeholder: plainText(placeholder),
    options: options.map(selectOption),
    ...(value !== undefined && options.some((o) => o.value === value) ? { initial_option: value } : {}),
  };
}

/** A multiple select (usable only inside a form); of `values`, only the options' are preselected. */
export function multiSelectStatic({ name, placeholder, options, values }: { name: string; placeholder: string; options: readonly Option[]; values: readonly string[] }): CardElement {
  return {
    tag: 'multi_select_static',
    name,
    required: false,
    width: 'fill',
    placeholder: plainText(placeholder),
    options: options.map(selectOption),
    selected_values: values.filter((v) => options.some((o) => o.value === v)),
  };
}

export interface TextInput {
  name: string;
  placeholder: string;
  maxLength: number;
  /** A multi-line box: its height in rows, growing with the text (up to maxRows when given). */
  multiline?: { rows: number; maxRows?: number };
  /** The value as typed, prefilled when it is a non-empty string. */
  value?: string;
}

/** A text input of a form field. */
export function textInput({ name, placeholder, maxLength, multiline, value }: TextInput): CardElement {
  return {
    tag: 'input',
    name,
    required: false,
    width: 'fill',
    placeholder: plainText(placeholder),
    max_length: maxLength,
    ...(multiline ? { input_type: 'multiline_text', rows: multiline.rows, auto_resize: true, ...(multiline.maxRows ? { max_rows: multiline.maxRows } : {}) } : {}),
    ...(typeof value === 'string' && value ? { default_value: value } : {}),
  };
}

/** A described field's component (src/forms): the same JSON the hand-written cards built. */
export function specComponent(field: FieldSpec, value: string | string[] | undefined): CardElement {
  const single = typeof value === 'string' ? value : undefined;
  const { name, placeholder, input } = field;
  switch (input.kind) {
    case 'select':
      return selectStatic({ name, placeholder, options: input.options, value: single?.trim() || input.initial });
    case 'multiselect':
      return multiSelectStatic({ name, placeholder, options: input.options, values: value === undefined && input.initial ? input.initial : listOf(value) });
    case 'date': {
      const date = single ? parseFeishuDate(single) : undefined;
      return { tag: 'date_picker', name, required: false, width: 'fill', placeholder: plainText(placeholder), ...(date ? { initial_date: date } : {}) };
    }
    case 'datetime': {
      const at = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})/.exec(single ?? '')?.[1];
      return { tag: 'picker_datetime', name, required: false, width: 'fill', placeholder: plainText(placeholder), ...(at ? { initial_datetime: at } : {}) };
    }
    case 'text':
      return textInput({ name, placeholder, maxLength: input.maxLength, multiline: input.multiline, value: single });
  }
}

/**
 * A described form's fields as card blocks, in its order: label (escaped), （选填） for optional
 * fields, the component prefilled with `values`, the hint and the field's error.
 */
export function specFields(spec: Pick<FormSpec<unknown>, 'fields'>, values: Readonly<Record<string, string | string[] | undefined>>, errors: Readonly<Record<string, string | undefined>> = {}): CardElement[] {
  return spec.fields.flatMap((field) =>
    fieldBlock({ label: escapeMarkdown(field.label), optional: field.optional === true, component: specComponent(field, values[field.name]), hint: field.hint, error: errors[field.name] }),
  );
}
