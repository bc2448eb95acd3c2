import type { FormValue } from '../domain/application-fields';

/**
 * A form described once (issue 12 item 1): its fields, in order, with labels, placeholders,
 * hints, options, whether they may be left empty and their length limits, plus the check of the
 * whole form (the domain's rule function, with its Chinese messages). The Feishu form cards are
 * rendered from a FormSpec (cards/form-kit.ts `specFields`) and the DingTalk wizard walks one
 * (src/platform/dingtalk/wizard), so both show the same words and apply the same checks.
 */

/** A choice of a select: what is stored (and sent in a callback) and what the person sees. */
export interface FormOption {
  value: string;
  label: string;
}

export type FieldInput =
  /** Free text; `multiline` gives a card box of `rows` rows growing to `maxRows`. */
  | { kind: 'text'; maxLength: number; multiline?: { rows: number; maxRows?: number } }
  /**
   * One option. `initial`: preselected on a fresh card. `byValue`: the values are what people
   * answer with (1–5 satisfaction), so a conversation takes the value and not the position.
   */
  | { kind: 'select'; options: readonly FormOption[]; initial?: string; byValue?: boolean }
  /** Several options (a list of values); `initial`: preselected on a fresh card. */
  | { kind: 'multiselect'; options: readonly FormOption[]; initial?: readonly string[] }
  /** A calendar date, stored as 'YYYY-MM-DD' (Feishu's picker adds an offset; both parse). */
  | { kind: 'date' }
  /** A date and a time: 'YYYY-MM-DD HH:mm' (Feishu's picker adds an offset), or a date alone. */
  | { kind: 'datetime' };

export interface FieldSpec {
  /** The component name: a contract with the card, its callbacks and stored drafts. */
  name: string;
  /** Plain text, as people see it (cards escape it for markdown). */
  label: string;
  /** Marked （选填） on the card; may be skipped in a conversation. */
  optional?: boolean;
  /**
   * Whether the field may be left empty given the other answers, when that depends on them
   * (e.g. an application's counts for 对外交流活动). Defaults to `optional`.
   */
  skippable?: (values: FormValue) => boolean;
  /** What to type: the card's placeholder and the conversation's prompt. */
  placeholder: string;
  /** A longer explanation under the field (plain text, no markdown). */
  hint?: string;
  input: FieldInput;
}

/** One message per failing field, keyed by component name. */
export type FieldErrors = Record<string, string>;

export interface FormSpec<C = void> {
  /**
   * Which form: application, need, summary, report (a 盟市's submission), expert, task (发起报送),
   * change (申请改期), cancel (取消活动), match (对接专家).
   */
  id: FormId;
  /** The form's title, e.g. 活动申请表. */
  title: string;
  fields: readonly FieldSpec[];
  /** The whole form's check: the same rule function the card's submission runs; {} when it passes. */
  check(values: FormValue, ctx: C): FieldErrors;
}

export const FORM_IDS = ['application', 'need', 'summary', 'report', 'expert', 'task', 'change', 'cancel', 'match'] as const;
export type FormId = (typeof FORM_IDS)[number];

export function isFormId(value: unknown): value is FormId {
  return typeof value === 'string' && (FORM_IDS as readonly string[]).includes(value);
}

/** Whether a field may be left empty, given the other answers. */
export function mayBeEmpty(field: FieldSpec, values: FormValue): boolean {
  return field.skippable ? field.skippable(values) : field.optional === true;
}

/** A field's value as a list (a multi-select's values; a lone string as a list of one). */
export function listOf(value: string | string[] | undefined): string[] {
  return Array.isArray(value) ? value : typeof value === 'string' && value !== '' ? [value] : [];
}
