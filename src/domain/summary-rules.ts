import { resolveApplicationRules, type ApplicationRulesOverride } from './application-rule-config';
import { halfWidthDigits, percentText } from './numbers';
import type { FormValue } from './application-fields';

/**
 * The evaluation summary (活动评估总结) a filer files after an approved activity was held.
 * Like the application form, every submission is checked on the server and each failing field
 * gets one Chinese message.
 *
 * The notice's ratios (groups (2)+(3) ≥ corePercent of the participants, key-industry
 * enterprises ≥ keyIndustryPercent of the enterprises) are checked again against the actual
 * numbers, but they do not block filing: what happened is what gets reported, and the summary
 * says whether each ratio was met.
 */

/** The summary form's component names: a contract with the card and with the service. */
export const SUMMARY_FIELDS = [
  'actual_headcount',
  'actual_core_count',
  'actual_enterprise_count',
  'actual_key_industry_count',
  'satisfaction',
  'outcomes',
  'followup_needs',
] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

/** Labels as the card shows them. */
export const SUMMARY_LABELS: Readonly<Record<SummaryField, string>> = {
  actual_headcount: '实际参加人数',
  actual_core_count: '其中第（2）（3）类人员',
  actual_enterprise_count: '实际参与企业数',
  actual_key_industry_count: '其中自治区十大产业企业',
  satisfaction: '满意度（1–5）',
  outcomes: '活动成效',
  followup_needs: '后续需求',
};

/** Longest accepted text, in characters (code points); 1000 is also a card input's maximum. */
export const SUMMARY_MAX_LENGTH: Readonly<Record<'outcomes' | 'followup_needs', number>> = {
  outcomes: 1000,
  followup_needs: 1000,
};

export const SATISFACTION_VALUES = [1, 2, 3, 4, 5] as const;
export type Satisfaction = (typeof SATISFACTION_VALUES)[number];

/** The select's option texts, best first as the card lists them. */
export const SATISFACTION_LABELS: Readonly<Record<Satisfaction, string>> = {
  5: '5 非常满意',
  4: '4 满意',
  3: '3 一般',
  2: '2 不满意',
  1: '1 非常不满意',
};

/** A summary that passed every check, with the notice's ratios evaluated on the actual numbers. */
export interface CheckedSummary {
  /** ≥ 1. */
  actualHeadcount: number;
  /** 0 … actualHeadcount. */
  actualCoreCount: number;
  /** 0 … actualHeadcount (every enterprise sends somebody). */
  actualEnterpriseCount: number;
  /** 0 … actualEnterpriseCount. */
  actualKeyIndustryCount: number;
  satisfaction: Satisfaction;
  /** Trimmed, non-empty. */
  outcomes: string;
  /** Trimmed; '' when the filer left it empty. */
  followupNeeds: string;

  /** The rule applied (rules.corePercent), so a stored summary shows what it was measured against. */
  corePercentRequired: number;
  /** core × 100 ≥ headcount × corePercent. */
  coreRatioMet: boolean;
  /** core / headcount rounded down to one decimal, e.g. '79.9%' (never a failing share shown as '80%'). */
  corePercentText: string;

  keyIndustryPercentRequired: number;
  /** False when no enterprise took part: the ratio has no denominator. */
  keyIndustryApplicable: boolean;
  /** key × 100 ≥ enterprises × keyIndustryPercent; true when not applicable. */
  keyIndustryRatioMet: boolean;
  /** key / enterprises as above; null when not applicable. */
  keyIndustryPercentText: string | null;
}

/** One message per failing field, keyed by component name, in the form's order. */
export type SummaryErrors = Partial<Record<SummaryField, string>>;

export type SummaryCheck = { ok: true; summary: CheckedSummary } | { ok: false; errors: SummaryErrors };

type CountField = 'actual_headcount' | 'actual_core_count' | 'actual_enterprise_count' | 'actual_key_industry_count';

/** How the counts are named in messages, their units, and whether 0 is a valid answer. */
const COUNTS: Readonly<Record<CountField, { noun: string; unit: string; zeroAllowed: boolean }>> = {
  actual_headcount: { noun: '实际参加人数', unit: '人', zeroAllowed: false },
  actual_core_count: { noun: '第（2）（3）类人员人数', unit: '人', zeroAllowed: true },
  actual_enterprise_count: { noun: '实际参与企业数', unit: '家', zeroAllowed: true },
  actual_key_industry_count: { noun: '自治区十大产业企业数', unit: '家', zeroAllowed: true },
};

/** A single-value field; a list where text belongs is treated as nothing typed. */
function textOf(form: FormValue, field: SummaryField): string {
  const v = form[field];
  return typeof v === 'string' ? v.trim() : '';
}

function lengthOf(s: string): number {
  return [...s].length;
}

/** Keeps the known fields' string values: what a returned card shows again. */
export function pickSummaryValues(form: FormValue): Partial<Record<SummaryField, string>> {
  const picked: Partial<Record<SummaryField, string>> = {};
  for (const field of SUMMARY_FIELDS) {
    const v = form[field];
    if (typeof v === 'string') picked[field] = v;
  }
  return picked;
}

/** Form values that show a checked summary in the form again. */
export function summaryToFormValues(summary: CheckedSummary): Record<SummaryField, string> {
  return {
    actual_headcount: String(summary.actualHeadcount),
    actual_core_count: String(summary.actualCoreCount),
    actual_enterprise_count: String(summary.actualEnterpriseCount),
    actual_key_industry_count: String(summary.actualKeyIndustryCount),
    satisfaction: String(summary.satisfaction),
    outcomes: summary.outcomes,
    followup_needs: summary.followupNeeds,
  };
}

/**
 * Checks a submitted summary form. Every field is checked, so the filer sees all problems at
 * once; each field gets at most one message. The ratios are evaluated, never reported as errors.
 */
export function checkSummaryForm(form: FormValue, rulesOverride: ApplicationRulesOverride = {}): SummaryCheck {
  const rules = resolveApplicationRules(rulesOverride);
  const errors: SummaryErrors = {};

  // Counts: whole numbers written as digits; the head count is at least 1, the rest may be 0.
  const counts = {} as Record<CountField, number | undefined>;
  for (const field of ['actual_headcount', 'actual_core_count', 'actual_enterprise_count', 'actual_key_industry_count'] as const) {
    const { noun, unit, zeroAllowed } = COUNTS[field];
    const raw = halfWidthDigits(textOf(form, field));
    counts[field] = undefined;
    if (raw === '') errors[field] = zeroAllowed ? `请填写${noun}（没有请填 0）` : `请填写${noun}`;
    else if (!/^\d+$/.test(raw)) errors[field] = zeroAllowed ? `${noun}需为整数（只填数字，没有请填 0）` : `${noun}需为正整数（只填数字）`;
    else if (!zeroAllowed && /^0+$/.test(raw)) errors[field] = `${noun}需为正整数（只填数字）`;
    // Compare as text first: a 30-digit number is not safely a Number.
    else if (raw.replace(/^0+/, '').length > String(rules.maxHeadcount).length || Number(raw) > rules.maxHeadcount) {
      errors[field] = `${noun}不能超过 ${rules.maxHeadcount} ${unit}`;
    } else counts[field] = Number(raw);
  }
  const {
    actual_headcount: headcount,
    actual_core_count: core,
    actual_enterprise_count: enterprises,
    actual_key_industry_count: keyIndustry,
  } = counts;
  if (headcount !== undefined && core !== undefined && core > headcount) {
    errors.actual_core_count = '第（2）（3）类人员人数不能超过实际参加人数';
  }
  // Every enterprise taking part sends somebody, so there cannot be more enterprises than people.
  if (headcount !== undefined && enterprises !== undefined && enterprises > headcount) {
    errors.actual_enterprise_count = '实际参与企业数不能超过实际参加人数';
  }
  if (enterprises !== undefined && keyIndustry !== undefined && keyIndustry > enterprises) {
    errors.actual_key_industry_count = '自治区十大产业企业数不能超过实际参与企业数';
  }

  // Satisfaction: a select sends one of its option values.
  const rawSatisfaction = halfWidthDigits(textOf(form, 'satisfaction'));
  const satisfaction = SATISFACTION_VALUES.find((v) => String(v) === rawSatisfaction);
  if (rawSatisfaction === '') errors.satisfaction = '请选择满意度';
  else if (satisfaction === undefined) errors.satisfaction = '满意度请在 1–5 中选择';

  // Free text.
  const outcomes = textOf(form, 'outcomes');
  const followupNeeds = textOf(form, 'followup_needs');
  const outcomesMax = SUMMARY_MAX_LENGTH.outcomes;
  const followupMax = SUMMARY_MAX_LENGTH.followup_needs;
  if (outcomes === '') errors.outcomes = `请填写活动成效（不超过 ${outcomesMax} 字）`;
  else if (lengthOf(outcomes) > outcomesMax) errors.outcomes = `活动成效不能超过 ${outcomesMax} 字（当前 ${lengthOf(outcomes)} 字）`;
  if (lengthOf(followupNeeds) > followupMax) {
    errors.followup_needs = `后续需求不能超过 ${followupMax} 字（当前 ${lengthOf(followupNeeds)} 字）`;
  }

  const failing = SUMMARY_FIELDS.filter((f) => errors[f] !== undefined);
  if (failing.length > 0) return { ok: false, errors: Object.fromEntries(failing.map((f) => [f, errors[f]])) };

  // Every value below was checked above; the assertions only restate that for the compiler.
  const h = headcount as number;
  const c = core as number;
  const e = enterprises as number;
  const k = keyIndustry as number;
  const keyIndustryApplicable = e > 0;
  return {
    ok: true,
    summary: {
      actualHeadcount: h,
      actualCoreCount: c,
      actualEnterpriseCount: e,
      actualKeyIndustryCount: k,
      satisfaction: satisfaction as Satisfaction,
      outcomes,
      followupNeeds,
      corePercentRequired: rules.corePercent,
      coreRatioMet: c * 100 >= h * rules.corePercent,
      corePercentText: percentText(c, h),
      keyIndustryPercentRequired: rules.keyIndustryPercent,
      keyIndustryApplicable,
      keyIndustryRatioMet: !keyIndustryApplicable || k * 100 >= e * rules.keyIndustryPercent,
      keyIndustryPercentText: keyIndustryApplicable ? percentText(k, e) : null,
    },
  };
}

export type { ApplicationRulesOverride, FormValue };
