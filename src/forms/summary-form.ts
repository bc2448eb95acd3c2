import type { ApplicationRules, ApplicationRulesOverride } from '../domain/application-rule-config';
import { checkSummaryForm, SATISFACTION_LABELS, SATISFACTION_VALUES, SUMMARY_FIELDS, SUMMARY_LABELS, SUMMARY_MAX_LENGTH, type SummaryField } from '../domain/summary-rules';
import type { FieldInput, FormSpec } from './form-spec';

/** The evaluation summary (活动评估总结), described once; checked by checkSummaryForm. */

const PLACEHOLDERS: Readonly<Record<SummaryField, string>> = {
  actual_headcount: '实际参加活动的总人数，只填数字',
  actual_core_count: '其中第（2）（3）类人员人数，只填数字，没有填 0',
  actual_enterprise_count: '实际参加活动的企业数，只填数字，没有填 0',
  actual_key_industry_count: '其中属于自治区十大产业的企业数，只填数字，没有填 0',
  satisfaction: '请选择参加人员的总体满意度',
  outcomes: '活动达成的效果，如：解决的技术问题、达成的合作意向、形成的成果等',
  followup_needs: '选填：企业希望后续继续对接的技术、人才、政策等需求',
};

const HINTS: Partial<Record<SummaryField, (rules: ApplicationRules) => string>> = {
  actual_core_count: (r) =>
    `（2）已建园企科协负责人；（3）企业科研管理人员、科技工程师、一线产业工人等。通知要求（2）（3）类人员占实际参加人数的 ${r.corePercent}% 以上。`,
  actual_key_industry_count: (r) => `通知要求自治区十大产业企业占实际参与企业总数的 ${r.keyIndustryPercent}% 以上。`,
};

function inputOf(field: SummaryField, rules: ApplicationRules): FieldInput {
  switch (field) {
    case 'satisfaction':
      // Best first; the values 1–5 are what people answer with.
      return { kind: 'select', options: [...SATISFACTION_VALUES].reverse().map((v) => ({ value: String(v), label: SATISFACTION_LABELS[v] })), byValue: true };
    case 'outcomes':
    case 'followup_needs':
      return { kind: 'text', maxLength: SUMMARY_MAX_LENGTH[field], multiline: { rows: 4, maxRows: 10 } };
    default:
      // Counts: at most maxHeadcount, with room for full-width digits or a unit typed after them.
      return { kind: 'text', maxLength: String(rules.maxHeadcount).length + 2 };
  }
}

/** `rulesOverride` is what the check applies (SETTINGS' rules); `rules` the resolved ones the hints quote. */
export function summaryFormSpec(rules: ApplicationRules, rulesOverride: ApplicationRulesOverride = rules): FormSpec<void> {
  return {
    id: 'summary',
    title: '活动评估总结',
    fields: SUMMARY_FIELDS.map((field) => ({
      name: field,
      label: SUMMARY_LABELS[field],
      optional: field === 'followup_needs',
      placeholder: PLACEHOLDERS[field],
      hint: HINTS[field]?.(rules),
      input: inputOf(field, rules),
    })),
    check: (values) => {
      const checked = checkSummaryForm(values, rulesOverride);
      return checked.ok ? {} : (checked.errors as Record<string, string>);
    },
  };
}
