import type { FormValue } from './application-fields';
import { mobileError, normaliseMobile } from './contact';
import { INDUSTRIES, isIndustryValue, type Industry } from './industries';
import { parseRegion, type Region } from './regions';

/**
 * The need form (需求): what an enterprise asks the centre for, checked on the server for every
 * submission with the same care as an application (a card's `required` is only a hint and a
 * callback can carry anything). Every field is checked at once, one message per field.
 */

/** The form's component names: a contract with the card and with returned cards. */
export const NEED_FIELDS = ['enterprise_name', 'region', 'industry', 'need_type', 'description', 'contact_name', 'mobile'] as const;
export type NeedField = (typeof NEED_FIELDS)[number];

export const NEED_LABELS: Readonly<Record<NeedField, string>> = Object.freeze({
  enterprise_name: '企业名称',
  region: '所在盟市',
  industry: '行业',
  need_type: '需求类型',
  description: '需求描述',
  contact_name: '联系人',
  mobile: '手机号码',
});

/** The need types as the issue words them; the words are also the select's values and what is stored. */
export const NEED_TYPES = ['技术难题', '人才', '政策', '成果推介', '培训', '其他'] as const;
export type NeedType = (typeof NEED_TYPES)[number];

/** Lengths in characters (code points: one Chinese character is one). */
export const NEED_LIMITS = Object.freeze({
  enterprise_name: Object.freeze({ max: 100 }),
  /** Under 10 characters nobody can act on a need. */
  description: Object.freeze({ min: 10, max: 1000 }),
  contact_name: Object.freeze({ max: 30 }),
});

/** A form that passed every check: trimmed text, the region's full name, the mobile as 11 digits. */
export interface CheckedNeed {
  enterpriseName: string;
  region: Region;
  /** An industry value of the list the form was checked against. */
  industry: string;
  needType: NeedType;
  description: string;
  contactName: string;
  /** 11 digits, without spaces, dashes or +86. */
  mobile: string;
}

/** One message per failing field, keyed by component name, in the form's order. */
export type NeedErrors = Partial<Record<NeedField, string>>;

export type NeedCheck = { ok: true; need: CheckedNeed } | { ok: false; errors: NeedErrors };

export interface NeedCheckOptions {
  /** The configured industry list (`resolveIndustries`); the default list otherwise. */
  industries?: readonly Industry[];
}

export function isNeedType(value: string): value is NeedType {
  return (NEED_TYPES as readonly string[]).includes(value);
}

/** A single-value field; a list where text belongs is treated as nothing typed. */
function textOf(form: FormValue, field: NeedField): string {
  const v = form[field];
  return typeof v === 'string' ? v.trim() : '';
}

function lengthOf(s: string): number {
  return [...s].length;
}

/**
 * Checks a submitted need form. A select's value that is not an option (a card sent before the
 * list changed, or a forged callback) is reported rather than stored.
 */
export function checkNeedForm(form: FormValue, opts: NeedCheckOptions = {}): NeedCheck {
  const industries = opts.industries ?? INDUSTRIES;
  const errors: NeedErrors = {};

  const enterpriseName = textOf(form, 'enterprise_name');
  const nameMax = NEED_LIMITS.enterprise_name.max;
  if (enterpriseName === '') errors.enterprise_name = `请填写企业名称（不超过 ${nameMax} 字）`;
  else if (lengthOf(enterpriseName) > nameMax) errors.enterprise_name = `企业名称不能超过 ${nameMax} 字（当前 ${lengthOf(enterpriseName)} 字）`;

  const region = parseRegion(textOf(form, 'region'));
  if (!region) errors.region = '请选择企业所在盟市';

  const industry = textOf(form, 'industry');
  if (industry === '') errors.industry = '请选择行业';
  else if (!isIndustryValue(industry, industries)) errors.industry = '行业的选项已失效，请重新选择';

  const needType = textOf(form, 'need_type');
  if (needType === '') errors.need_type = '请选择需求类型';
  else if (!isNeedType(needType)) errors.need_type = '需求类型的选项已失效，请重新选择';

  const description = textOf(form, 'description');
  const { min: descMin, max: descMax } = NEED_LIMITS.description;
  if (description === '') errors.description = `请填写需求描述（${descMin}–${descMax} 字）`;
  else if (lengthOf(description) < descMin) {
    errors.description = `需求描述太简短，请至少写 ${descMin} 字，说清需要解决什么问题（当前 ${lengthOf(description)} 字）`;
  } else if (lengthOf(description) > descMax) errors.description = `需求描述不能超过 ${descMax} 字（当前 ${lengthOf(description)} 字）`;

  const contactName = textOf(form, 'contact_name');
  const contactMax = NEED_LIMITS.contact_name.max;
  if (contactName === '') errors.contact_name = `请填写联系人（不超过 ${contactMax} 字）`;
  else if (lengthOf(contactName) > contactMax) errors.contact_name = `联系人不能超过 ${contactMax} 字（当前 ${lengthOf(contactName)} 字）`;

  // Undefined when the number is fine: `failing` below keeps only the fields with a message.
  const mobileText = textOf(form, 'mobile');
  errors.mobile = mobileError(mobileText);

  const failing = NEED_FIELDS.filter((f) => errors[f] !== undefined);
  if (failing.length > 0) return { ok: false, errors: Object.fromEntries(failing.map((f) => [f, errors[f]])) };

  return {
    ok: true,
    need: {
      enterpriseName,
      region: region as Region,
      industry,
      needType: needType as NeedType,
      description,
      contactName,
      mobile: normaliseMobile(mobileText),
    },
  };
}

/** Keeps the known fields only, as typed: what a returned card shows again. */
export function pickNeedValues(form: FormValue): Partial<Record<NeedField, string | string[]>> {
  const picked: Partial<Record<NeedField, string | string[]>> = {};
  for (const field of NEED_FIELDS) {
    const v = form[field];
    if (typeof v === 'string') picked[field] = v;
    else if (Array.isArray(v)) picked[field] = v.filter((x): x is string => typeof x === 'string');
  }
  return picked;
}

/** Form values that show a checked need in the form again. */
export function needToFormValues(need: CheckedNeed): Record<NeedField, string> {
  return {
    enterprise_name: need.enterpriseName,
    region: need.region,
    industry: need.industry,
    need_type: need.needType,
    description: need.description,
    contact_name: need.contactName,
    mobile: need.mobile,
  };
}
