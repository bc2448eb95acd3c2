/**
 * A card as a short outline for snapshots: its header, the text it shows and its controls, one
 * line each, instead of the whole JSON. A snapshot of this changes when the wording, the order,
 * a button, an action or a form field changes, and not when a width or a spacing does; the
 * properties that matter (values kept, escaping, callback values, validity) are asserted by the
 * tests themselves (card-checks.ts).
 *
 * Lines:
 *   title: 活动申请 SQ2027-0012 · green       header title and colour
 *   subtitle: … / summary: …                  header subtitle, config.summary (the chat-list preview)
 *   md: **编号**：SQ2027-0012                  a markdown element, raw (entities as sent); more lines indented
 *   hr / img / chart bar 「title」              other display components
 *   form application_form {                   a form and its name; its content indented, then `}`
 *   input org_name 「placeholder」 max=100 multiline default="…"
 *   select_static region 「请选择」 options=14 initial=包头市
 *   button 撤回 danger confirm → application.withdraw {id}   label, type, action and value keys
 */

import { expectValidCard, type Node, type ValidCardOptions } from './card-checks';

/** Components whose children are laid out, not shown: they add no line of their own. */
const LAYOUT = new Set(['column_set', 'column', 'collapsible_panel', 'interactive_container']);

const quote = (s: string): string => JSON.stringify(s);

function callback(node: Node): string {
  const value = (node.behaviors as Node[] | undefined)?.find((b) => b.type === 'callback')?.value;
  if (!value || typeof value !== 'object') return '';
  const { action, ...rest } = value as Node;
  const keys = Object.keys(rest);
  return ` → ${String(action)}${keys.length ? ` {${keys.join(', ')}}` : ''}`;
}

function control(node: Node): string {
  const parts: string[] = [node.tag];
  if (node.tag === 'button') {
    parts.push(String(node.text?.content ?? ''));
    if (node.type && node.type !== 'default') parts.push(node.type);
    if (node.form_action_type) parts.push(node.form_action_type);
    if (node.confirm) parts.push('confirm');
    if (node.disabled) parts.push('disabled');
    return parts.join(' ') + callback(node);
  }
  if (node.name !== undefined) parts.push(String(node.name));
  if (node.placeholder?.content) parts.push(`「${node.placeholder.content}」`);
  if (node.max_length !== undefined) parts.push(`max=${node.max_length}`);
  if (node.input_type === 'multiline_text') parts.push('multiline');
  if (Array.isArray(node.options)) parts.push(`options=${node.options.length}`);
  if (node.default_value !== undefined) parts.push(`default=${quote(String(node.default_value))}`);
  for (const key of ['initial_option', 'initial_date', 'initial_datetime', 'initial_time']) {
    if (node[key] !== undefined) parts.push(`initial=${node[key]}`);
  }
  if (Array.isArray(node.selected_values)) parts.push(`selected=[${node.selected_values.join(', ')}]`);
  return parts.join(' ');
}

/** The card's outline, one line per header field, text element and control. */
export function cardOutline(card: unknown): string {
  const c = card as Node;
  const lines: string[] = [];
  const header = c.header as Node | undefined;
  if (header?.title) lines.push(`title: ${header.title.content}${header.template ? ` · ${header.template}` : ''}`);
  if (header?.subtitle) lines.push(`subtitle: ${header.subtitle.content}`);
  if (c.config?.summary) lines.push(`summary: ${c.config.summary.content}`);

  const walk = (value: unknown, indent: string): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, indent));
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    const tag = node.tag as string | undefined;
    if (tag === undefined || LAYOUT.has(tag)) {
      walk(node.columns ?? node.elements, indent);
      return;
    }
    if (tag === 'markdown' || tag === 'div' || tag === 'plain_text') {
      const text = String(tag === 'div' ? node.text?.content : node.content);
      const [first, ...rest] = text.split('\n');
      lines.push(`${indent}md: ${first}`);
      for (const line of rest) lines.push(`${indent}    ${line}`);
      return;
    }
    if (tag === 'form') {
      lines.push(`${indent}form ${node.name} {`);
      walk(node.elements, `${indent}  `);
      lines.push(`${indent}}`);
      return;
    }
    if (tag === 'chart') {
      const title = node.chart_spec?.title?.text;
      lines.push(`${indent}chart ${node.chart_spec?.type}${title ? ` 「${title}」` : ''}`);
      return;
    }
    if (tag === 'hr' || tag === 'img') return void lines.push(`${indent}${tag}`);
    lines.push(`${indent}${control(node)}`);
  };
  walk(c.body?.elements ?? c.elements, '');
  return lines.join('\n');
}

/**
 * The outline of a card that passes the checks every card must pass (card-checks.ts): what the
 * snapshot tests take, so that no snapshotted card skips them.
 */
export function validOutline(card: unknown, options?: ValidCardOptions): string {
  expectValidCard(card as Node, options);
  return cardOutline(card);
}
