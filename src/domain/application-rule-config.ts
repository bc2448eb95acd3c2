import { DateTime } from 'luxon';

/**
 * The notice's rule parameters for activity applications, in one place: lead time, season,
 * duration, participant ratios and field lengths. Deployments may override any of them.
 */

/** Fields whose length is limited, in characters (code points, so one Chinese character is one). */
export type LimitedField = 'org_name' | 'venue' | 'audience' | 'needs' | 'contact_name' | 'email' | 'remarks';

export interface ApplicationRules {
  /** The notice: filed at least this many days before the activity starts (start − today ≥ leadDays). */
  readonly leadDays: number;
  /** The notice: activities run 3–11 月; 'MM-DD' of the campaign year, both ends included. */
  readonly window: { readonly start: string; readonly end: string };
  /** The notice: 1–3 天, counting both the first and the last day. */
  readonly minDays: number;
  readonly maxDays: number;
  /** The notice: groups (2)+(3) are at least this percentage of all participants. */
  readonly corePercent: number;
  /** The notice: the region's ten key industries are at least this percentage of the enterprises. */
  readonly keyIndustryPercent: number;
  /** Ours: a bound that catches typos (20000 for 200) long before the ratios would. */
  readonly maxHeadcount: number;
  /** Ours: generous for the paper form's boxes, small enough for a card and a digest. */
  readonly maxLength: Readonly<Record<LimitedField, number>>;
}

/** The one place the rule parameters live. */
export const DEFAULT_APPLICATION_RULES: ApplicationRules = Object.freeze({
  leadDays: 10,
  window: Object.freeze({ start: '03-01', end: '11-30' }),
  minDays: 1,
  maxDays: 3,
  corePercent: 80,
  keyIndustryPercent: 60,
  maxHeadcount: 2000,
  maxLength: Object.freeze({
    org_name: 100,
    venue: 100,
    audience: 300,
    needs: 1000,
    contact_name: 30,
    email: 100,
    remarks: 500,
  }),
});

export interface ApplicationRulesOverride {
  leadDays?: number;
  window?: { start?: string; end?: string };
  minDays?: number;
  maxDays?: number;
  corePercent?: number;
  keyIndustryPercent?: number;
  maxHeadcount?: number;
  maxLength?: Partial<Record<LimitedField, number>>;
}

/**
 * Defaults with the override laid over them. A nonsensical rule set is a programming or
 * configuration error, not a user's mistake, so it throws rather than failing every form.
 */
export function resolveApplicationRules(override: ApplicationRulesOverride = {}): ApplicationRules {
  const d = DEFAULT_APPLICATION_RULES;
  const rules: ApplicationRules = {
    leadDays: override.leadDays ?? d.leadDays,
    window: { start: override.window?.start ?? d.window.start, end: override.window?.end ?? d.window.end },
    minDays: override.minDays ?? d.minDays,
    maxDays: override.maxDays ?? d.maxDays,
    corePercent: override.corePercent ?? d.corePercent,
    keyIndustryPercent: override.keyIndustryPercent ?? d.keyIndustryPercent,
    maxHeadcount: override.maxHeadcount ?? d.maxHeadcount,
    maxLength: { ...d.maxLength, ...override.maxLength },
  };
  const wholeAtLeast = (name: string, value: number, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`application rules: ${name} must be a whole number ≥ ${min}, got ${value}`);
  };
  wholeAtLeast('leadDays', rules.leadDays, 0);
  wholeAtLeast('minDays', rules.minDays, 1);
  wholeAtLeast('maxDays', rules.maxDays, rules.minDays);
  wholeAtLeast('corePercent', rules.corePercent, 0);
  wholeAtLeast('keyIndustryPercent', rules.keyIndustryPercent, 0);
  if (rules.corePercent > 100 || rules.keyIndustryPercent > 100) throw new RangeError('application rules: percentages must be at most 100');
  wholeAtLeast('maxHeadcount', rules.maxHeadcount, 1);
  for (const [field, max] of Object.entries(rules.maxLength)) wholeAtLeast(`maxLength.${field}`, max, 1);
  // 02-29 would exist in some campaign years only; a window must mean the same every year.
  for (const end of ['start', 'end'] as const) {
    const md = rules.window[end];
    if (!/^\d\d-\d\d$/.test(md) || md === '02-29' || !DateTime.fromISO(`2001-${md}`, { zone: 'utc' }).isValid) {
      throw new RangeError(`application rules: window.${end} must be 'MM-DD' (not 02-29), got '${md}'`);
    }
  }
  if (rules.window.start > rules.window.end) throw new RangeError('application rules: window.start must not be after window.end');
  return rules;
}
