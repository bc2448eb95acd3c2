/** The 14 league/city associations named in the notice, in the notice's order. */
export const REGIONS = [
  '呼和浩特市',
  '包头市',
  '乌海市',
  '赤峰市',
  '通辽市',
  '鄂尔多斯市',
  '呼伦贝尔市',
  '巴彦淖尔市',
  '乌兰察布市',
  '兴安盟',
  '锡林郭勒盟',
  '阿拉善盟',
  '满洲里市',
  '二连浩特市',
] as const;

export type Region = (typeof REGIONS)[number];

/** A chat is bound either to one region or to the service centre. */
export const CENTRE = '中心';
export type BindingScope = Region | typeof CENTRE;

/**
 * The short names people use in chat, besides the full name and the name without its 市/盟
 * suffix (包头, 满洲里, 兴安 …, which parseRegion accepts anyway).
 */
export const SHORT_NAMES: Readonly<Record<string, Region>> = {
  呼市: '呼和浩特市',
  呼和浩特: '呼和浩特市',
  包头: '包头市',
  鄂尔多斯: '鄂尔多斯市',
  鄂市: '鄂尔多斯市',
  锡盟: '锡林郭勒盟',
  巴盟: '巴彦淖尔市',
  阿盟: '阿拉善盟',
  兴安盟: '兴安盟',
  乌盟: '乌兰察布市',
  满洲里: '满洲里市',
  二连: '二连浩特市',
  二连浩特: '二连浩特市',
};

/** Accepts the full name, the name without its 市/盟 suffix ("包头" → "包头市"), or a SHORT_NAMES entry. */
export function parseRegion(text: string): Region | undefined {
  const name = text.trim();
  if (!name) return undefined;
  if (Object.hasOwn(SHORT_NAMES, name)) return SHORT_NAMES[name];
  // Stryker disable next-line Regex: no region has 市 or 盟 before its last character, so the anchor changes nothing.
  return REGIONS.find((r) => r === name || r.replace(/[市盟]$/, '') === name);
}

export function parseBindingScope(text: string): BindingScope | undefined {
  const name = text.trim();
  if (name === CENTRE || name === '服务中心' || name === '中心群') return CENTRE;
  return parseRegion(name);
}
