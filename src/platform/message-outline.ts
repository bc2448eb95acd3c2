import type { OutboundMessage } from './port';

/**
 * What a person reading a log needs of an outbound message: its kind, a card's title and its
 * first lines of text, as a reader would see them (entities decoded, markdown marks and tags
 * dropped). Pure; used by the dry-run platform's log lines.
 */

export interface MessageOutline {
  kind: 'card' | 'text' | 'image' | 'file' | 'forward';
  /** A card's header title. */
  title?: string;
  /** The first lines of text, each cut to LINE_MAX characters. */
  lines: string[];
  /** Button labels, in order. */
  buttons: string[];
}

export const OUTLINE_LINES = 3;
export const LINE_MAX = 80;

/** Keys whose text is not part of what a card says: hints in inputs, confirmation dialogs, button labels. */
const SKIPPED_KEYS = new Set(['placeholder', 'confirm', 'header', 'config', 'behaviors', 'chart_spec', 'options', 'initial_option']);

const NAMED: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', amp: '&' };

/** `&#47;`, `&#x2F;` and the named entities back to characters, in one pass (`&#38;lt;` is `&lt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|lt|gt|quot|apos|nbsp|amp);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Markdown as read: tags (`<font>`, `<at>`, `<text_tag>`) and bold/strike marks dropped, entities decoded. */
export function plainOfMarkdown(markdown: string): string {
  const withoutMarks = markdown
    .replace(/<at\b[^>]*>(.*?)<\/at>/g, '@$1')
    .replace(/<\/?[a-z_]+\b[^>]*>/gi, '')
    .replace(/\*\*|~~/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  return decodeEntities(withoutMarks);
}

function clipLine(line: string): string {
  const chars = [...line];
  return chars.length > LINE_MAX ? `${chars.slice(0, LINE_MAX).join('')}…` : line;
}

/** The texts of a card body in reading order, and its buttons. */
function cardTexts(card: Record<string, unknown>): { texts: string[]; buttons: string[] } {
  const texts: string[] = [];
  const buttons: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.tag === 'button') {
      const label = (node.text as { content?: unknown } | undefined)?.content;
      if (typeof label === 'string') buttons.push(decodeEntities(label));
      return;
    }
    if (node.tag === 'chart') {
      const title = ((node.chart_spec as { title?: { text?: unknown } } | undefined)?.title?.text);
      texts.push(`[图表${typeof title === 'string' ? `：${title}` : ''}]`);
      return;
    }
    if (node.tag === 'img') return void texts.push('[图片]');
    if (node.tag === 'markdown' && typeof node.content === 'string') return void texts.push(plainOfMarkdown(node.content));
    if ((node.tag === 'plain_text' || node.tag === 'lark_md') && typeof node.content === 'string') {
      return void texts.push(node.tag === 'lark_md' ? plainOfMarkdown(node.content) : node.content);
    }
    for (const [key, v] of Object.entries(node)) if (!SKIPPED_KEYS.has(key)) walk(v);
  };
  walk((card.body as { elements?: unknown } | undefined)?.elements ?? card.elements);
  return { texts, buttons };
}

const firstLines = (texts: string[]): string[] =>
  texts
    .flatMap((t) => t.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(0, OUTLINE_LINES)
    .map(clipLine);

export function outlineCard(card: Record<string, unknown>): MessageOutline {
  const header = card.header as { title?: { content?: unknown } } | undefined;
  const title = typeof header?.title?.content === 'string' ? decodeEntities(header.title.content) : undefined;
  const { texts, buttons } = cardTexts(card);
  return { kind: 'card', ...(title !== undefined ? { title } : {}), lines: firstLines(texts), buttons };
}

export function outlineMessage(message: OutboundMessage): MessageOutline {
  switch (message.type) {
    case 'card':
      return outlineCard(message.card);
    case 'text':
      return { kind: 'text', lines: firstLines([message.text]), buttons: [] };
    case 'image':
      return { kind: 'image', lines: [message.imageKey], buttons: [] };
    case 'file':
      return { kind: 'file', lines: [message.fileKey], buttons: [] };
    case 'forward':
      return { kind: 'forward', lines: [`message ${message.messageId}`], buttons: [] };
  }
}

/** The outline as one line of text: `card 「title」: line / line / line [button | button]`. */
export function outlineText(outline: MessageOutline): string {
  const head = outline.title !== undefined ? `${outline.kind} 「${outline.title}」` : outline.kind;
  const body = outline.lines.length ? `: ${outline.lines.join(' / ')}` : '';
  const buttons = outline.buttons.length ? ` [${outline.buttons.join(' | ')}]` : '';
  // One line whatever the content: no newline or control character survives.
  return `${head}${body}${buttons}`.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
