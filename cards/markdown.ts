/**
 * Escapes user text for a card `markdown` element. Feishu renders HTML numeric entities inside
 * card markdown, and its rich-text doc asks for exactly that for markdown's special characters
 * (JSON 2.0 rich-text component, "特殊字符转义说明"). `&` goes first so entities stay intact.
 */
const SPECIAL = /[&<>*~\-!/\\[\]()#:+"'`$_|{}.@]/g;

export function escapeMarkdown(text: string): string {
  return text.replace(SPECIAL, (ch) => `&#${ch.charCodeAt(0)};`);
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
