import { EXPERT_IMPORT_LIMITS } from '../domain/expert-import';
import { checkExpertForm, EXPERT_FORM_FIELDS, type ExpertFormField } from '../domain/expert-rules';
import type { Industry } from '../domain/industries';
import type { FieldInput, FormSpec } from './form-spec';

/** 专家 添加: one expert of the pool, described once; checked by checkExpertForm (a spreadsheet row's rules). */

const LABELS: Readonly<Record<ExpertFormField, string>> = {
  name: '姓名',
  organisation: '单位',
  fields: '领域（可多选）',
  contact: '联系方式',
  open_id: '飞书 open_id（选填）',
};

const PLACEHOLDERS: Readonly<Record<ExpertFormField, string>> = {
  name: '专家姓名',
  organisation: '专家所在单位全称，如：内蒙古大学',
  fields: '请选择专家擅长的领域，可多选',
  contact: '手机号码或电子邮箱，会发给对接的企业',
  open_id: 'ou_ 开头，可在飞书管理后台查到；没有可不填',
};

/** What the rules allow (EXPERT_IMPORT_LIMITS, the same for the form and a spreadsheet). */
const MAX_LENGTH: Readonly<Record<Exclude<ExpertFormField, 'fields'>, number>> = {
  name: EXPERT_IMPORT_LIMITS.name,
  organisation: EXPERT_IMPORT_LIMITS.organisation,
  contact: EXPERT_IMPORT_LIMITS.contact,
  open_id: EXPERT_IMPORT_LIMITS.openId,
};

export function expertFormSpec(industries: readonly Industry[]): FormSpec<void> {
  const inputOf = (field: ExpertFormField): FieldInput =>
    field === 'fields' ? { kind: 'multiselect', options: industries.map((i) => ({ value: i.value, label: i.label })) } : { kind: 'text', maxLength: MAX_LENGTH[field] };
  return {
    id: 'expert',
    title: '添加专家',
    fields: EXPERT_FORM_FIELDS.map((field) => ({
      name: field,
      label: LABELS[field],
      // The label says （选填） itself, as the card always showed it.
      ...(field === 'open_id' ? { skippable: () => true } : {}),
      placeholder: PLACEHOLDERS[field],
      input: inputOf(field),
    })),
    check: (values) => {
      const checked = checkExpertForm(values, industries);
      return checked.ok ? {} : (checked.errors as Record<string, string>);
    },
  };
}
