import { visibleText } from './card-text';

/**
 * Walking Feishu card JSON 2.0 in unit tests, and the checks every card must pass
 * (FEISHU.md §4). Cards are plain data, so these read them as loose records.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Node = Record<string, any>;

/** A shared card's JSON must stay under 30 KB. */
export const MAX_CARD_BYTES = 30 * 1024;
/** …and under 200 components. */
export const MAX_COMPONENTS = 200;

/** Interactive components: inside a form each needs a name. */
export const FORM_TAGS: ReadonlySet<string> = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'date_picker',
  'picker_datetime',
  'picker_time',
  'button',
  'checker',
  'select_person',
  'multi_select_person',
  'select_img',
  'overflow',
]);
/** The card allows at most this many `chart` components (Feishu's chart component doc). */
export const MAX_CHARTS = 5;
/** VChart properties the chart component cannot draw on mobile (the chart fails to load there). */
const MOBILE_UNSUPPORTED_CHART_KEYS: ReadonlySet<string> = new Set(['texture', 'repeatX', 'repeatY']);

/** Text objects, not components. */
export const TEXT_TAGS: ReadonlySet<string> = new Set(['plain_text', 'lark_md']);

// ---------------------------------------------------------------------------------------------
// Walking cards

export interface Visit {
  node: Node;
  /** Tags of the enclosing components, outermost first. */
  ancestors: string[];
  /** Where it sits in body.elements: true for a direct child of body.elements. */
  atRoot: boolean;
}

/** Every component (object with a non-text tag) of the card body, with its ancestors. */
export function components(card: Node): Visit[] {
  const out: Visit[] = [];
  const walk = (value: unknown, ancestors: string[], atRoot: boolean): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, ancestors, atRoot));
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    const isComponent = typeof node.tag === 'string' && !TEXT_TAGS.has(node.tag);
    if (isComponent) out.push({ node, ancestors, atRoot });
    const inner = isComponent ? [...ancestors, node.tag] : ancestors;
    for (const v of Object.values(node)) walk(v, inner, false);
  };
  walk(card.body.elements, [], true);
  return out;
}

export const byTag = (card: Node, tag: string): Node[] => components(card).filter((v) => v.node.tag === tag).map((v) => v.node);
export const buttons = (card: Node): Node[] => byTag(card, 'button');
export const buttonTexts = (card: Node): string[] => buttons(card).map((b) => b.text.content);
export const forms = (card: Node): Node[] => byTag(card, 'form');
export const byName = (card: Node, name: string): Node[] => components(card).filter((v) => v.node.name === name).map((v) => v.node);
/** The one component named `name` (and an expectation that there is exactly one). */
export const one = (card: Node, name: string): Node => {
  const found = byName(card, name);
  expect(found).toHaveLength(1);
  return found[0];
};
export const callbackValue = (b: Node): unknown => b.behaviors.find((x: Node) => x.type === 'callback')?.value;
export const markdownContents = (card: Node): string[] => byTag(card, 'markdown').map((m) => String(m.content));
/** Names of a form's inputs (its buttons left out), in order. */
export const namedInForm = (form: Node): string[] =>
  components({ body: { elements: form.elements } })
    .map((v) => v.node)
    .filter((n) => n.name !== undefined && n.tag !== 'button')
    .map((n) => n.name);
/** The card's size as sent: UTF-8 bytes of its JSON. */
export const bytes = (card: unknown): number => Buffer.byteLength(JSON.stringify(card), 'utf8');
/** Markdown with its numeric entities (as escapeMarkdown writes them) decoded. */
export const decode = (s: string): string => s.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

/** Every `key: value` pair anywhere in the card. */
export function allValues(card: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    if (key in node) out.push(node[key]);
    Object.values(node).forEach(walk);
  };
  walk(card);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks

export interface ValidCardOptions {
  /**
   * How many submit buttons each form must have: exactly one (the default), or at least one
   * (a form with one button per action, e.g. a need's status buttons).
   */
  submitsPerForm?: 'one' | 'some';
}

/**
 * FEISHU.md §4: a shared 2.0 card under 30 KB and 200 components; forms only at the root of
 * body.elements, never nested and without tables; every interactive component inside a form has
 * a name unique across the card; each form has its submit button; element_ids are well-formed and
 * unique; containers nest at most 5 deep; placeholders at most 100 characters, inputs at most
 * 1000; no `required: true` (the server checks, drafts save).
 */
export function expectValidCard(card: Node, options: ValidCardOptions = {}): void {
  const { submitsPerForm = 'one' } = options;
  expect(card.schema).toBe('2.0');
  expect(card.config.update_multi).toBe(true);
  expect(card.header.title).toEqual({ tag: 'plain_text', content: expect.any(String) });
  expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);

  const all = components(card);
  expect(all.length).toBeLessThan(MAX_COMPONENTS);

  const names = all.map((v) => v.node.name).filter((n) => n !== undefined);
  expect(new Set(names).size).toBe(names.length);
  const ids = all.map((v) => v.node.element_id).filter((n) => n !== undefined);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,19}$/);

  for (const v of all) {
    expect(v.ancestors.length).toBeLessThanOrEqual(5);
    if (v.node.tag === 'form') {
      expect(v.atRoot).toBe(true);
      expect(typeof v.node.name).toBe('string');
      const inside = components({ body: { elements: v.node.elements } });
      expect(inside.some((c) => c.node.tag === 'form' || c.node.tag === 'table')).toBe(false);
      const submits = inside.filter((c) => c.node.tag === 'button' && c.node.form_action_type === 'submit');
      if (submitsPerForm === 'one') expect(submits).toHaveLength(1);
      else expect(submits.length).toBeGreaterThan(0);
    }
    if (FORM_TAGS.has(v.node.tag) && v.ancestors.includes('form')) {
      expect(typeof v.node.name).toBe('string');
      expect(v.node.name.length).toBeGreaterThan(0);
    }
    // Usable only inside a form, per the doc.
    if (v.node.tag === 'multi_select_static') expect(v.ancestors).toContain('form');
    // A form button outside a form would do nothing.
    if (v.node.form_action_type !== undefined) expect(v.ancestors).toContain('form');
    if (v.node.placeholder) expect([...v.node.placeholder.content].length).toBeLessThanOrEqual(100);
    if (v.node.tag === 'input') expect(v.node.max_length).toBeLessThanOrEqual(1000);
    if (v.node.tag === 'chart') expectValidChart(v.node);
    if (v.node.tag === 'select_person' || v.node.tag === 'multi_select_person') expectValidPersonPicker(v.node);
  }
  expect(all.filter((v) => v.node.tag === 'chart').length).toBeLessThanOrEqual(MAX_CHARTS);
  expect(allValues(card, 'required')).not.toContain(true);
}

/**
 * A person picker (人员选择, card JSON 2.0): options, when given, are `{value: open_id}` (none:
 * the chat's members are offered); a preselected person must be one of the options.
 */
export function expectValidPersonPicker(picker: Node): void {
  const options: Node[] = picker.options ?? [];
  expect(Array.isArray(options)).toBe(true);
  for (const o of options) expect(o.value).toMatch(/^ou_\w+$/);
  const values = options.map((o) => o.value);
  if (picker.initial_option !== undefined) expect(values).toContain(picker.initial_option);
  for (const v of picker.selected_values ?? []) expect(values).toContain(v);
  if (picker.placeholder !== undefined) expect(picker.placeholder.tag).toBe('plain_text');
}

/**
 * A card's `chart` component (card JSON 2.0): a VChart spec of plain JSON data (no functions: the
 * component runs no JavaScript), none of the properties that fail on mobile, and a height or
 * aspect ratio among the documented ones.
 */
export function expectValidChart(chart: Node): void {
  expect(chart.tag).toBe('chart');
  expect(typeof chart.chart_spec).toBe('object');
  expect(typeof chart.chart_spec.type).toBe('string');
  const walk = (value: unknown, path: string): void => {
    if (value === null || ['string', 'boolean'].includes(typeof value)) return;
    if (typeof value === 'number') return void expect([path, Number.isFinite(value)]).toEqual([path, true]);
    if (Array.isArray(value)) return value.forEach((x, i) => walk(x, `${path}[${i}]`));
    expect([path, typeof value, Object.getPrototypeOf(value)]).toEqual([path, 'object', Object.prototype]);
    for (const [k, x] of Object.entries(value as Node)) {
      expect([path, k, MOBILE_UNSUPPORTED_CHART_KEYS.has(k)]).toEqual([path, k, false]);
      if (k === 'gradient') expect(x).not.toBe('conical');
      walk(x, `${path}.${k}`);
    }
  };
  walk(chart.chart_spec, 'chart_spec');
  if (chart.height !== undefined) expect(chart.height).toMatch(/^(auto|([1-9]\d{0,2})px)$/);
  if (chart.aspect_ratio !== undefined) expect(['1:1', '2:1', '4:3', '16:9']).toContain(chart.aspect_ratio);
  if (chart.color_theme !== undefined) expect(['brand', 'rainbow', 'complementary', 'converse', 'primary']).toContain(chart.color_theme);
}

/** Markup in the tests' hostile user text that must never reach a markdown element raw. */
export const RAW_MARKUP: readonly string[] = ['<at id=all>', '**x**', '[a](b)', '[x](y)', '](https://evil'];

/**
 * User text shows as typed, and none of its markup reaches the markdown raw: `typed` (which must
 * contain markup) appears in no markdown, nor does any of RAW_MARKUP or `alsoForbidden`.
 */
export function expectEscaped(card: Node, typed: string, alsoForbidden: readonly string[] = []): void {
  expect(visibleText(card)).toContain(typed);
  const md = markdownContents(card).join('\n');
  for (const raw of [typed, ...RAW_MARKUP, ...alsoForbidden]) expect(md).not.toContain(raw);
}
