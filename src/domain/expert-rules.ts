import type { FormValue } from './application-fields';
import { checkContact, collapseSpaces, EXPERT_IMPORT_LIMITS, tidyName } from './expert-import';
import { findIndustry, INDUSTRIES, type Industry } from './industries';

/**
 * The 专家 添加 card's checks: the same rules as a spreadsheet row (expert-import.ts), so an
 * expert is the same whichever way they were added.
 */

export const EXPERT_FORM_FIELDS = ['name', 'organisation', 'fields', 'contact', 'open_id'] as const;
export type ExpertFormField = (typeof EXPERT_FORM_FIELDS)[number];

export interface CheckedExpert {
  name: string;
  organisation: string;
  fields: string[];
  contact: string;
  openId: string | null;
}

export type ExpertCheck = { ok: true; expert: CheckedExpert } | { ok: false; errors: Partial<Record<ExpertFormField, string>> };

const text = (form: FormValue, field: ExpertFormField) => (typeof form[field] === 'string' ? (form[field] as string) : '');

export function checkExpertForm(form: FormValue, industries: readonly Industry[] = INDUSTRIES): ExpertCheck {
  const limits = EXPERT_IMPORT_LIMITS;
  const errors: Partial<Record<ExpertFormField, string>> = {};

  const name = tidyName(text(form, 'name'));
  if (name === '') errors.name = '请填写专家姓名';
  else if ([...name].length > limits.name) errors.name = `姓名不能超过 ${limits.name} 字`;

  const organisation = collapseSpaces(text(form, 'organisation'));
  if (organisation === '') errors.organisation = '请填写专家所在单位';
  else if ([...organisation].length > limits.organisation) errors.organisation = `单位不能超过 ${limits.organisation} 字`;

  const raw = form.fields;
  const chosen = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  if (chosen.length === 0) errors.fields = '请至少选择一个擅长领域';
  else if (chosen.some((v) => !findIndustry(v, industries))) errors.fields = '领域中有无效的选项，请重新选择';

  const contactText = collapseSpaces(text(form, 'contact'));
  // Stryker disable next-line StringLiteral: contact is assigned on the only path without errors, so this initial value is never returned
  let contact = '';
  if (contactText === '') errors.contact = '请填写联系方式（手机、电话或邮箱）';
  else {
    const checked = checkContact(contactText);
    if ('problem' in checked) errors.contact = checked.problem;
    else if ([...checked.contact].length > limits.contact) errors.contact = `联系方式不能超过 ${limits.contact} 字`;
    else contact = checked.contact;
  }

  const openIdText = text(form, 'open_id').trim();
  if (openIdText !== '' && !/^ou_[A-Za-z0-9_-]+$/.test(openIdText)) errors.open_id = 'open_id 格式不正确（应为 ou_ 开头，只含字母、数字、下划线和短横线）';
  else if (openIdText.length > limits.openId) errors.open_id = `open_id 不能超过 ${limits.openId} 个字符`;

  if (Object.keys(errors).length > 0) return { ok: false, errors: Object.fromEntries(EXPERT_FORM_FIELDS.filter((f) => errors[f]).map((f) => [f, errors[f]])) };
  return {
    ok: true,
    expert: { name, organisation, fields: industries.filter((i) => chosen.includes(i.value)).map((i) => i.value), contact, openId: openIdText || null },
  };
}
