/**
 * The region's key industries (产业), the options of the need form's 行业 select and the
 * fields (领域) an expert is registered for, so that needs and experts can be matched.
 *
 * Values are ASCII and stable: they are stored with needs and experts and travel in card
 * callbacks, so a label may be reworded later without breaking stored data. Labels use the
 * wording of the seeds' notices where they have one (风光氢储, 蒙中医药, 现代装备制造,
 * 农畜产品加工, 现代农牧业, 种业).
 *
 * The list is configurable (`resolveIndustries`); a deployment that replaces it keeps the values
 * of entries it still has, or stored needs and experts lose their industry.
 */

export interface Industry {
  /** Stable ASCII: lower-case letters, digits and dashes, at most 32 characters. */
  readonly value: string;
  /** As a select shows it. */
  readonly label: string;
  /**
   * Other words people write for it, as an expert list does ('风电', '蒙医药'). Besides these,
   * the label's own parts are recognised ('稀土及新材料' → '稀土', '新材料').
   */
  readonly aliases?: readonly string[];
}

/** An entry of a configured list: what a deployment may write. */
export interface IndustryOption {
  value: string;
  label: string;
  aliases?: readonly string[];
}

export const INDUSTRIES: readonly Industry[] = deepFreeze([
  { value: 'rare-earth', label: '稀土及新材料', aliases: ['稀土新材料', '石墨烯'] },
  {
    value: 'new-energy',
    label: '新能源（风光氢储）',
    aliases: ['风电', '风能', '光伏', '太阳能', '氢能', '储能', '新型储能', '大规模储能', '风光氢储', '清洁能源'],
  },
  {
    value: 'chemicals',
    label: '现代煤化工及精细化工',
    aliases: ['煤化工', '化工', '新型化工', '碳捕集', '二氧化碳捕集', '碳捕集封存'],
  },
  { value: 'metallurgy', label: '冶金', aliases: ['钢铁', '有色金属', '有色', '冶金及有色金属'] },
  { value: 'equipment', label: '现代装备制造', aliases: ['装备制造', '装备', '高端装备制造', '高端装备', '现代装备'] },
  { value: 'dairy-agri', label: '乳业及农畜产品加工', aliases: ['乳业', '乳品', '奶业', '农畜产品', '食品加工', '农产品加工'] },
  { value: 'biomedicine', label: '生物医药及蒙中医药', aliases: ['生物医药', '蒙医药', '中医药', '蒙药', '医药', '生物制造'] },
  {
    value: 'digital',
    label: '数字经济（大数据、云计算、人工智能）',
    aliases: ['数字经济', '大数据', '云计算', '人工智能', 'ai', '算力', '算电协同', '信息技术', '软件'],
  },
  { value: 'green', label: '节能环保及生态', aliases: ['节能环保', '节能', '环保', '生态', '生态环境', '生态保护', '水资源'] },
  { value: 'agriculture', label: '现代农牧业及种业', aliases: ['农牧业', '现代农牧业', '种业', '农业', '畜牧', '畜牧业', '草业'] },
  { value: 'other', label: '其他', aliases: ['其它'] },
]);

const VALUE_RE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const MAX_LABEL_LENGTH = 30;

/**
 * The default list, or `override` in its place once checked. A broken list is a configuration
 * error, not a user's mistake, so it throws: empty, a value that is not stable ASCII, an empty
 * label, or a value, label or alias that two entries share (a spreadsheet's '风电' must mean one
 * thing).
 */
export function resolveIndustries(override?: readonly IndustryOption[]): readonly Industry[] {
  if (override === undefined) return INDUSTRIES;
  if (!Array.isArray(override) || override.length === 0) throw new RangeError('industries: expected a non-empty list');
  const list: Industry[] = override.map((o, i) => {
    if (typeof o !== 'object' || o === null) throw new RangeError(`industries[${i}]: expected { value, label }`);
    const { value, label, aliases } = o;
    if (typeof value !== 'string' || !VALUE_RE.test(value)) {
      throw new RangeError(`industries[${i}].value: expected lower-case ASCII letters, digits and dashes (at most 32), got '${String(value)}'`);
    }
    if (typeof label !== 'string' || label === '' || label !== label.trim() || [...label].length > MAX_LABEL_LENGTH) {
      throw new RangeError(`industries[${i}].label: expected 1–${MAX_LABEL_LENGTH} characters without surrounding spaces, got '${String(label)}'`);
    }
    if (aliases !== undefined && (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' || keyOf(a) === ''))) {
      throw new RangeError(`industries[${i}].aliases: expected a list of non-empty strings`);
    }
    return aliases === undefined ? { value, label } : { value, label, aliases: [...aliases] };
  });
  const frozen = deepFreeze(list);
  indexOf(frozen); // throws on shared values, labels and aliases
  return frozen;
}

/** The entry with this stored value, or undefined (a value no longer in the list). */
export function findIndustry(value: string, industries: readonly Industry[] = INDUSTRIES): Industry | undefined {
  return indexOf(industries).byValue.get(value);
}

export function isIndustryValue(value: string, industries: readonly Industry[] = INDUSTRIES): boolean {
  return indexOf(industries).byValue.has(value);
}

/** The label to show for a stored value; the value itself when the list no longer has it. */
export function industryLabel(value: string, industries: readonly Industry[] = INDUSTRIES): string {
  return findIndustry(value, industries)?.label ?? value;
}

/**
 * What a person wrote for an industry, as a spreadsheet cell has it: the value, the label, an
 * alias, or a part of the label. Width, case and spaces do not matter ('新能源(风光氢储)',
 * ' AI '), nor does a trailing 产业/行业/领域 ('稀土产业' → 稀土). Undefined when nothing fits,
 * or when the words could mean two entries of a custom list.
 */
export function parseIndustry(text: string, industries: readonly Industry[] = INDUSTRIES): Industry | undefined {
  const index = indexOf(industries);
  const key = keyOf(text);
  if (key === '') return undefined;
  const exact = index.byKey.get(key);
  if (exact) return exact;
  // Without a suffix the stem is the key, which was not found above.
  const stem = key.replace(/(?:产业|行业|领域|方向|技术)$/, '');
  return stem === '' ? undefined : index.byKey.get(stem);
}

interface IndustryIndex {
  readonly byValue: ReadonlyMap<string, Industry>;
  /** Normalised value, label, alias or label part → entry. */
  readonly byKey: ReadonlyMap<string, Industry>;
}

const INDEXES = new WeakMap<readonly Industry[], IndustryIndex>();

/** Built once per list (lists are frozen), checking that no two entries share a word. */
function indexOf(industries: readonly Industry[]): IndustryIndex {
  const cached = INDEXES.get(industries);
  if (cached) return cached;
  const byValue = new Map<string, Industry>();
  const byKey = new Map<string, Industry>();
  const claim = (word: string, entry: Industry, what: string): void => {
    const key = keyOf(word);
    const holder = byKey.get(key);
    if (holder && holder !== entry) throw new RangeError(`industries: ${what} '${word}' of '${entry.value}' is already used by '${holder.value}'`);
    byKey.set(key, entry);
  };
  for (const entry of industries) {
    if (byValue.has(entry.value)) throw new RangeError(`industries: value '${entry.value}' appears twice`);
    byValue.set(entry.value, entry);
  }
  for (const entry of industries) claim(entry.value, entry, 'value');
  for (const entry of industries) claim(entry.label, entry, 'label');
  for (const entry of industries) for (const alias of entry.aliases ?? []) claim(alias, entry, 'alias');
  // The label's parts help, but only where they are unambiguous and nothing explicit took them.
  const derived = new Map<string, Industry | null>();
  for (const entry of industries) {
    for (const part of labelParts(entry.label)) {
      // labelParts gives no blank part, so no blank key.
      const key = keyOf(part);
      if (byKey.has(key)) continue;
      const seen = derived.get(key);
      derived.set(key, seen === undefined || seen === entry ? entry : null);
    }
  }
  for (const [key, entry] of derived) if (entry) byKey.set(key, entry);
  const index = { byValue, byKey };
  INDEXES.set(industries, index);
  return index;
}

/** '数字经济（大数据、云计算、人工智能）' → 数字经济, 大数据, 云计算, 人工智能; '稀土及新材料' → 稀土, 新材料. */
function labelParts(label: string): string[] {
  const text = label.normalize('NFKC');
  const inner = [...text.matchAll(/\(([^)]*)\)/g)].flatMap((m) => m[1].split(/[、,，;；/]/));
  const outer = text.replace(/\([^)]*\)/g, '').split(/[及和与、,，/]/);
  // Stryker disable next-line MethodExpression: keyOf drops spaces, and a blank key is never looked up (parseIndustry returns before), so untrimmed or blank parts change nothing
  return [...outer, ...inner].map((s) => s.trim()).filter(Boolean);
}

/** Compared without width, case or spaces: '新能源 (风光氢储)' and '新能源（风光氢储）' are one. */
function keyOf(text: string): string {
  // Stryker disable next-line Regex: removing each space or each run of spaces gives the same key
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

function deepFreeze<T extends object>(list: T[]): readonly T[] {
  for (const item of list) {
    const aliases = (item as { aliases?: unknown }).aliases;
    if (Array.isArray(aliases)) Object.freeze(aliases);
    Object.freeze(item);
  }
  return Object.freeze(list);
}
