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

/** Accepts the full name or the name without its 市/盟 suffix ("包头" → "包头市"). */
export function parseRegion(text: string): Region | undefined {
  const name = text.trim();
  if (!name) return undefined;
  return REGIONS.find((r) => r === name || r.replace(/[市盟]$/, '') === name);
}

export function parseBindingScope(text: string): BindingScope | undefined {
  const name = text.trim();
  if (name === CENTRE || name === '服务中心' || name === '中心群') return CENTRE;
  return parseRegion(name);
}
