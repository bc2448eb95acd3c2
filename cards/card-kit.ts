/**
 * Small builders for Feishu card JSON 2.0 (FEISHU.md §4). Cards are pure data: no I/O, no clock.
 */

export type CardElement = Record<string, unknown>;
export type HeaderColour = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'grey';

export interface CardJson extends Record<string, unknown> {
  schema: '2.0';
}

export function card(opts: { title: string; subtitle?: string; colour?: HeaderColour; summary?: string; elements: CardElement[] }): CardJson {
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', ...(opts.summary ? { summary: { content: opts.summary } } : {}) },
    header: {
      title: { tag: 'plain_text', content: opts.title },
      ...(opts.subtitle ? { subtitle: { tag: 'plain_text', content: opts.subtitle } } : {}),
      template: opts.colour ?? 'blue',
    },
    body: { direction: 'vertical', elements: opts.elements },
  };
}

/** Markdown that the caller built from trusted text and escaped user text. */
export function markdown(content: string): CardElement {
  return { tag: 'markdown', content };
}

export function divider(): CardElement {
  return { tag: 'hr' };
}

/** Small grey note text. */
export function note(content: string): CardElement {
  return { tag: 'markdown', content, text_size: 'notation' };
}

/** A button that calls back with `value` (and asks first, with `confirm`). */
export function button(text: string, value: Record<string, unknown>, type = 'default', confirm?: { title: string; text: string }): CardElement {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: text },
    type,
    ...(confirm ? { confirm: { title: { tag: 'plain_text', content: confirm.title }, text: { tag: 'plain_text', content: confirm.text } } } : {}),
    behaviors: [{ type: 'callback', value }],
  };
}

/** Buttons side by side, wrapping on narrow screens. */
export function buttonRow(buttons: CardElement[]): CardElement {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** 上一页 / 下一页 for a paged list: `pageValue` is the callback value without the page number. */
export function pager(pageValue: Record<string, unknown>, page: number, pages: number): CardElement | undefined {
  const nav: CardElement[] = [];
  if (page > 0) nav.push(button('上一页', { ...pageValue, page: page - 1 }));
  if (page + 1 < pages) nav.push(button('下一页', { ...pageValue, page: page + 1 }));
  return nav.length ? buttonRow(nav) : undefined;
}
