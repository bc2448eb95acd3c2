/**
 * The activity menu of the 2026 notice: the two kinds of activity of section 五 (活动安排) and
 * the content of each, section 四 (活动内容) for 企业创新能力提升活动 and 五（二） for 对外交流活动.
 * A filer picks the content of an activity from it; the centre staffs the expert team accordingly.
 *
 * The form shows ONE multi-select with the content of both kinds, each option prefixed by its
 * group (专题讲座 / 互动交流 / 考察调研 belong to 能力提升, 对外交流活动 to 对外交流), next to a
 * select for the kind. A card JSON 2.0 form cannot change one select's options when another
 * changes without a round trip through a callback (and a half-typed form would be lost on the
 * way), so the server checks instead that the content chosen belongs to the kind chosen, and
 * says so under the field when it does not.
 *
 * Option values are ASCII and stable: they are stored with applications and travel in card
 * callbacks, so the Chinese wording may be corrected later without breaking stored data.
 * The texts are the notice's own, without the list punctuation (；/。) that ends each item.
 */

/** The form's `kind` values (a contract), and how the notice names each kind. */
export const ACTIVITY_KINDS = ['能力提升', '对外交流'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const KIND_NAMES: Readonly<Record<ActivityKind, string>> = {
  能力提升: '企业创新能力提升活动',
  对外交流: '对外交流活动',
};
/** Applications filed before the kind existed, and forms that do not send one, are this kind. */
export const DEFAULT_KIND: ActivityKind = '能力提升';

export function isActivityKind(value: unknown): value is ActivityKind {
  return typeof value === 'string' && (ACTIVITY_KINDS as readonly string[]).includes(value);
}

export const ACTIVITY_GROUPS = ['专题讲座', '互动交流', '考察调研', '对外交流活动'] as const;
export type ActivityGroup = (typeof ACTIVITY_GROUPS)[number];

/** Which kind each group of content belongs to. */
export const GROUP_KIND: Readonly<Record<ActivityGroup, ActivityKind>> = {
  专题讲座: '能力提升',
  互动交流: '能力提升',
  考察调研: '能力提升',
  对外交流活动: '对外交流',
};

export interface ActivityOption {
  readonly value: string;
  readonly group: ActivityGroup;
  /** The item's number within its group, as the notice numbers it. */
  readonly number: number;
  readonly text: string;
}

export const ACTIVITY_MENU = [
  {
    value: 'lecture-1',
    group: '专题讲座',
    number: 1,
    text: '以铸牢中华民族共同体意识为主线，结合党的二十大和二十届四中全会精神学习科技创新发展、企业发展相关理论',
  },
  { value: 'lecture-2', group: '专题讲座', number: 2, text: '我国产业发展形势及企业创新的宏观环境和突破路径' },
  { value: 'lecture-3', group: '专题讲座', number: 3, text: '“科创中国”内蒙古协同创新总部平台运用' },
  { value: 'lecture-4', group: '专题讲座', number: 4, text: '科技政策落地宣讲解读' },
  { value: 'lecture-5', group: '专题讲座', number: 5, text: '创新方法宣讲推广、项目辅导和应用实践' },
  { value: 'lecture-6', group: '专题讲座', number: 6, text: '技术经理人培训' },
  { value: 'lecture-7', group: '专题讲座', number: 7, text: '园企科协办事大厅博士创新站等资源推介' },
  { value: 'lecture-8', group: '专题讲座', number: 8, text: '其他企业需求内容' },
  { value: 'exchange-1', group: '互动交流', number: 1, text: '“科创会客厅”科技成果推介与对接' },
  { value: 'exchange-2', group: '互动交流', number: 2, text: '现场解读答疑，推动科技政策落地见效' },
  { value: 'exchange-3', group: '互动交流', number: 3, text: '博士创新站与科技小院交流互动' },
  { value: 'survey-1', group: '考察调研', number: 1, text: '深入园区和企业开展需求挖掘分析，推动精准对接' },
  { value: 'survey-2', group: '考察调研', number: 2, text: '园企科协走访调研、交流研讨' },
  { value: 'survey-3', group: '考察调研', number: 3, text: '各盟市企业创新能力提升和政策落地情况' },
  { value: 'outreach-1', group: '对外交流活动', number: 1, text: '博士创新站与科技小院交流活动' },
  { value: 'outreach-2', group: '对外交流活动', number: 2, text: '区内外交流合作与成果推介活动' },
  {
    value: 'outreach-3',
    group: '对外交流活动',
    number: 3,
    text: '组织参加中国科协举办的全国园区科协、民营企业科协、国有企业科协负责人提能行动主题活动',
  },
] as const satisfies readonly ActivityOption[];

export type ActivityValue = (typeof ACTIVITY_MENU)[number]['value'];

const BY_VALUE: ReadonlyMap<string, ActivityOption> = new Map(ACTIVITY_MENU.map((o) => [o.value, o]));

export function findActivity(value: string): ActivityOption | undefined {
  return BY_VALUE.get(value);
}

export function isActivityValue(value: string): value is ActivityValue {
  return BY_VALUE.has(value);
}

/** The options of one group, in the notice's order. */
export function activitiesOf(group: ActivityGroup): ActivityOption[] {
  return ACTIVITY_MENU.filter((o) => o.group === group);
}

/** The content of one kind, in the notice's order. */
export function activitiesOfKind(kind: ActivityKind): ActivityOption[] {
  return ACTIVITY_MENU.filter((o) => GROUP_KIND[o.group] === kind);
}

/** The chosen values that do not belong to `kind`. */
export function valuesNotOfKind(values: readonly ActivityValue[], kind: ActivityKind): ActivityValue[] {
  return values.filter((v) => {
    const option = findActivity(v);
    return option !== undefined && GROUP_KIND[option.group] !== kind;
  });
}

/** How an option reads in a select or a summary: "专题讲座 4. 科技政策落地宣讲解读". */
export function activityLabel(option: ActivityOption): string {
  return `${option.group} ${option.number}. ${option.text}`;
}

export type ActivityValuesResult =
  | { ok: true; values: ActivityValue[] }
  | { ok: false; unknown: string[] };

/**
 * Checks the values a multi-select sent back. They come from a client, so anything may arrive:
 * values not on the menu are reported, not dropped, so a stale card cannot silently lose a
 * choice. Duplicates collapse and the result is in menu order, so the same choice is always
 * stored the same way. An empty list is valid here; whether a choice is required is the
 * form's rule, not the menu's.
 */
export function validateActivityValues(values: readonly string[]): ActivityValuesResult {
  const unknown = [...new Set(values.filter((v) => !isActivityValue(v)))];
  if (unknown.length > 0) return { ok: false, unknown };
  const chosen = new Set(values);
  return { ok: true, values: ACTIVITY_MENU.filter((o) => chosen.has(o.value)).map((o) => o.value) };
}
