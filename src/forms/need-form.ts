import type { FormValue } from '../domain/application-fields';
import type { Industry } from '../domain/industries';
import { checkNeedForm, NEED_FIELDS, NEED_LABELS, NEED_LIMITS, NEED_TYPES, type NeedField } from '../domain/need-rules';
import { REGIONS } from '../domain/regions';
import type { FieldInput, FormSpec } from './form-spec';

/** The need form (需求), described once; checked by checkNeedForm. */

const PLACEHOLDERS: Readonly<Record<NeedField, string>> = {
  enterprise_name: '与营业执照一致的企业全称',
  region: '请选择企业所在盟市',
  industry: '请选择企业所属行业',
  need_type: '请选择需求类型',
  description: '遇到的技术难题或需要的支持，越具体越好（10–1000 字）',
  contact_name: '联系人姓名',
  mobile: '11 位手机号码，专家将通过它与您联系',
};

/**
 * The client stops typing at max_length: what the rules allow (need-rules.ts), so nobody types
 * 200 characters to be told 100. The mobile has room for spaces and +86.
 */
const MAX_LENGTH: Partial<Record<NeedField, number>> = {
  enterprise_name: NEED_LIMITS.enterprise_name.max,
  description: NEED_LIMITS.description.max,
  contact_name: NEED_LIMITS.contact_name.max,
  mobile: 20,
};

export interface NeedFormOptions {
  regions?: readonly string[];
  /** The configured industries (`resolveIndustries`): the select's options and what the check accepts. */
  industries: readonly Industry[];
  needTypes?: readonly string[];
  /** Labels other than need-rules' NEED_LABELS (a card built from pure data). */
  labels?: Readonly<Record<NeedField, string>>;
}

export function needFormSpec(opts: NeedFormOptions): FormSpec<void> {
  const asOptions = (list: readonly string[]) => list.map((v) => ({ value: v, label: v }));
  const inputOf = (field: NeedField): FieldInput => {
    switch (field) {
      case 'region':
        return { kind: 'select', options: asOptions(opts.regions ?? REGIONS) };
      case 'industry':
        return { kind: 'select', options: opts.industries.map((i) => ({ value: i.value, label: i.label })) };
      case 'need_type':
        return { kind: 'select', options: asOptions(opts.needTypes ?? NEED_TYPES) };
      default:
        return { kind: 'text', maxLength: MAX_LENGTH[field] ?? 1000, ...(field === 'description' ? { multiline: { rows: 4, maxRows: 10 } } : {}) };
    }
  };
  return {
    id: 'need',
    title: '企业需求登记',
    fields: NEED_FIELDS.map((field) => ({ name: field, label: (opts.labels ?? NEED_LABELS)[field], placeholder: PLACEHOLDERS[field], input: inputOf(field) })),
    check: (values: FormValue) => {
      const checked = checkNeedForm(values, { industries: opts.industries });
      return checked.ok ? {} : (checked.errors as Record<string, string>);
    },
  };
}
