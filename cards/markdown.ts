/**
 * Escapes user text for a card `markdown` element: only what Feishu's card markdown would
 * interpret is replaced by an HTML numeric entity (Feishu renders entities in card markdown; its
 * rich-text doc asks for exactly that in "特殊字符转义说明"), so that e-mail addresses, file
 * names, dates and times read as typed (`zhangmin@btkx.cn`, `申请表盖章.pdf`, `10:05`).
 *
 * Replaced everywhere:
 * - `<` `>`: tags (`<at id=all>`, `<font>`, `<a href>`, `<text_tag>`) and, at a line start, quotes;
 * - `[` `]`: links and images (`[text](url)`, `![alt](key)`), so `(` `)` `!` need nothing;
 * - `*` `~` `` ` `` `$` `|` `\`: emphasis, strike-through, code, formulas, tables, escapes;
 * - `&`: first, so an entity the user typed shows as typed.
 * Replaced where it has a meaning:
 * - `_` at a word's edge (`_x_` is emphasis); inside a word (`scan_01.pdf`, `zhang_min@x.cn`)
 *   markdown leaves it alone, and so do we;
 * - `#` at the start of a line (a heading).
 * Not replaced: `.` `@` `:` `-` `+` `(` `)` `!` and the rest. A line starting with "1. " or "- "
 * may show as a list item, which is how the user wrote it.
 */
const ALWAYS = /[&<>*~[\]`$|\\]/g;
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
const LINE_START_HASH = /^(\s*)#/gm;

const entity = (ch: string): string => `&#${ch.charCodeAt(0)};`;

export function escapeMarkdown(text: string): string {
  return text
    .replace(ALWAYS, entity)
    .replace(EDGE_UNDERSCORE, entity)
    .replace(LINE_START_HASH, (_m, space: string) => `${space}&#35;`);
}

/**
 * Makes user text safe to echo inside a plain `text` message, where Feishu interprets
 * `<at …>`, `<b>` and similar tags and `[text](url)` links: angle and square brackets become
 * their full-width forms, and the text is cut to `max` characters.
 */
export function sanitizeForText(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/</g, '＜').replace(/>/g, '＞').replace(/\[/g, '［').replace(/]/g, '］');
}

/**
 * Escapes user text cut to `max` characters: for lists, where every entry's share of the 30 KB
 * card budget must be bounded (an escaped special character takes six bytes).
 */
export function escapeClipped(text: string, max: number): string {
  return escapeMarkdown(clip(text, max));
}

/** Text cut to `max` characters (code points, so no emoji is split), with … where it was cut. Not escaped. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

const WORDS = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/**
 * Text cut to at most `max` characters at a word boundary (Chinese words as ICU segments them,
 * e.g. 2026年企业创新能力提升行动 → 2026年企业创新能力…), with … where it was cut: for button
 * texts and titles, which must not end mid-word. A single word longer than `max` is cut inside
 * it. Not escaped (button texts are plain text).
 */
export function clipAtWord(text: string, max: number): string {
  if ([...text].length <= max) return text;
  let out = '';
  let length = 0;
  for (const { segment } of WORDS.segment(text)) {
    const n = [...segment].length;
    if (length + n > max - 1) break;
    out += segment;
    length += n;
  }
  if (out.trim() === '') out = [...text].slice(0, max - 1).join('');
  return `${out.trimEnd()}…`;
}
