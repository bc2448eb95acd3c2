import type { DateTime } from 'luxon';
import { halfWidthDigits, percentText } from './numbers';
import { mobileError, normaliseMobile } from './contact';
import {
  DEFAULT_APPLICATION_RULES,
  resolveApplicationRules,
  type ApplicationRules,
  type ApplicationRulesOverride,
  type LimitedField,
} from './application-rule-config';
import { formatFeishuDate, parseFeishuDate, requireDate, toDate } from './calendar';
import { APPLICATION_FIELDS, FIELD_LABELS, pickFormValues, type ApplicationField, type FormValue } from './application-fields';
import { DEFAULT_KIND, isActivityKind, KIND_NAMES, validateActivityValues, valuesNotOfKind, type ActivityKind, type ActivityValue } from './activity-menu';
import { parseRegion, type Region } from './regions';
import { firstAllowedStart, leadDayOf, type EarlierSubmission } from './application-season';

/**
 * The rules of the 2026 notice for an activity application (申请表), checked on the server for
 * every submission: a card's `required` is only a hint to the client and a callback can carry
 * anything.
 *
 * Dates are calendar dates ('YYYY-MM-DD') throughout. They are computed in UTC only because UTC
 * has no daylight saving and no offset changes, so "days between" is exact; the machine's local
 * zone is never consulted. Which calendar day "today" is belongs to the caller, who knows
 * SCHEDULE_TIMEZONE. The season (which year, how early to file) is application-season.ts.
 */

export interface ApplicationContext {
  /** Today's calendar date 'YYYY-MM-DD' in SCHEDULE_TIMEZONE (see `localDate`). */
  today: string;
  campaignYear: number;
  rules?: ApplicationRulesOverride;
  /** A resubmission after 退回修改 (or a change while 待审核): when it was first filed, for which dates. */
  earlier?: EarlierSubmission;
}

/** A form that passed every check: trimmed text, parsed numbers, dates as 'YYYY-MM-DD'. */
export interface CheckedApplication {
  /** 企业创新能力提升活动 or 对外交流活动: the participant ratios apply to the first only. */
  kind: ActivityKind;
  orgName: string;
  region: Region;
  venue: string;
  startDate: string;
  endDate: string;
  /** end − start + 1. */
  days: number;
  headcount: number;
  /** Required for 能力提升; for 对外交流 optional (null when left empty). */
  coreCount: number | null;
  enterpriseCount: number | null;
  keyIndustryCount: number | null;
  audience: string;
  needs: string;
  /** Menu values in menu order, without duplicates. */
  topics: ActivityValue[];
  contactName: string;
  /** 11 digits, without spaces, dashes or +86. */
  mobile: string;
  email: string;
  /** '' when the filer left it empty. */
  remarks: string;
}

/** One message per failing field, keyed by the form's component name, in the form's order. */
export type ApplicationErrors = Partial<Record<ApplicationField, string>>;

export type ApplicationCheck = { ok: true; application: CheckedApplication } | { ok: false; errors: ApplicationErrors };

/** A single-value field; a list where text belongs is treated as nothing typed. */
function textOf(form: FormValue, field: ApplicationField): string {
  const v = form[field];
  return typeof v === 'string' ? v.trim() : '';
}

function lengthOf(s: string): number {
  return [...s].length;
}

/** Form values that reopen a checked application for 修改. */
export function applicationToFormValues(app: CheckedApplication, offsetOrZone: string): Record<ApplicationField, string | string[]> {
  return {
    kind: app.kind,
    org_name: app.orgName,
    region: app.region,
    venue: app.venue,
    start_date: formatFeishuDate(app.startDate, offsetOrZone),
    end_date: formatFeishuDate(app.endDate, offsetOrZone),
    headcount: String(app.headcount),
    core_count: app.coreCount === null ? '' : String(app.coreCount),
    enterprise_count: app.enterpriseCount === null ? '' : String(app.enterpriseCount),
    key_industry_count: app.keyIndustryCount === null ? '' : String(app.keyIndustryCount),
    audience: app.audience,
    needs: app.needs,
    topics: [...app.topics],
    contact_name: app.contactName,
    mobile: app.mobile,
    email: app.email,
    remarks: app.remarks,
  };
}

function monthDayText(md: string): string {
  const [m, d] = md.split('-').map(Number);
  return `${m} 月 ${d} 日`;
}

const COUNT_UNITS: Record<'headcount' | 'core_count' | 'enterprise_count' | 'key_industry_count', string> = {
  headcount: '人',
  core_count: '人',
  enterprise_count: '家',
  key_industry_count: '家',
};

const EMAIL_RE =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

/**
 * Checks a submitted application form against the notice's rules. Every field is checked, so
 * the filer sees all problems at once; each field gets at most one message, the most useful
 * one first (e.g. a start date too early gets the earliest date it could be).
 */
export function checkApplicationForm(form: FormValue, ctx: ApplicationContext): ApplicationCheck {
  const rules = resolveApplicationRules(ctx.rules);
  const today = requireDate('ctx.today', ctx.today);
  if (!Number.isSafeInteger(ctx.campaignYear) || ctx.campaignYear < 1000 || ctx.campaignYear > 9999) {
    throw new RangeError(`ctx.campaignYear: expected a four-digit year, got ${ctx.campaignYear}`);
  }
  const year = ctx.campaignYear;
  const errors: ApplicationErrors = {};

  // Free text.
  const texts = {} as Record<LimitedField, string>;
  for (const field of ['org_name', 'venue', 'audience', 'needs', 'contact_name', 'remarks'] as const) {
    const value = textOf(form, field);
    const max = rules.maxLength[field];
    const label = FIELD_LABELS[field];
    if (value === '' && field !== 'remarks') errors[field] = `请填写${label}（不超过 ${max} 字）`;
    else if (lengthOf(value) > max) errors[field] = `${label}不能超过 ${max} 字（当前 ${lengthOf(value)} 字）`;
    texts[field] = value;
  }

  // A form without a kind (a card sent before the field existed) is the first kind, as are old applications.
  const rawKind = textOf(form, 'kind');
  const kind: ActivityKind | undefined = rawKind === '' ? DEFAULT_KIND : isActivityKind(rawKind) ? rawKind : undefined;
  if (!kind) errors.kind = '请选择活动类别';
  // The notice's participant ratios are for 企业创新能力提升活动 (五（一）); 对外交流活动 has none.
  const ratiosApply = kind !== '对外交流';

  const region = parseRegion(textOf(form, 'region'));
  if (!region) errors.region = '请选择活动所在盟市';

  // Counts: positive whole numbers written as digits.
  const counts = {} as Record<keyof typeof COUNT_UNITS, number | undefined>;
  for (const field of ['headcount', 'core_count', 'enterprise_count', 'key_industry_count'] as const) {
    const raw = halfWidthDigits(textOf(form, field));
    const label = FIELD_LABELS[field];
    counts[field] = undefined;
    if (raw === '' && field !== 'headcount' && !ratiosApply) continue;
    if (raw === '') errors[field] = `请填写${label}`;
    else if (!/^\d+$/.test(raw) || /^0+$/.test(raw)) errors[field] = `${label}需为正整数（只填数字）`;
    // A digit string of any length reads as a Number at least as large (a 30-digit one as ~1e29, a
    // 400-digit one as Infinity), so this comparison is exact where it matters.
    else if (Number(raw) > rules.maxHeadcount) {
      errors[field] = `${label}不能超过 ${rules.maxHeadcount} ${COUNT_UNITS[field]}`;
    } else counts[field] = Number(raw);
  }
  const { headcount, core_count: core, enterprise_count: enterprises, key_industry_count: keyIndustry } = counts;
  if (headcount !== undefined && core !== undefined) {
    if (core > headcount) errors.core_count = '第（2）（3）类人员人数不能超过活动总人数';
    else if (ratiosApply && core * 100 < headcount * rules.corePercent) {
      errors.core_count = `第（2）（3）类人员需占活动总人数的 ${rules.corePercent}% 以上（当前 ${percentText(core, headcount)}）`;
    }
  }
  // Every enterprise taking part sends somebody, so there cannot be more enterprises than people.
  if (headcount !== undefined && enterprises !== undefined && enterprises > headcount) {
    errors.enterprise_count = '参与企业数不能超过活动总人数';
  }
  if (enterprises !== undefined && keyIndustry !== undefined) {
    if (keyIndustry > enterprises) errors.key_industry_count = '自治区十大产业企业数不能超过参与企业数';
    else if (ratiosApply && keyIndustry * 100 < enterprises * rules.keyIndustryPercent) {
      errors.key_industry_count = `自治区十大产业企业需占参与企业总数的 ${rules.keyIndustryPercent}% 以上（当前 ${percentText(keyIndustry, enterprises)}）`;
    }
  }

  // Dates.
  const windowStart = requireDate('window.start', `${year}-${rules.window.start}`);
  const windowEnd = requireDate('window.end', `${year}-${rules.window.end}`);
  const outsideWindow = (d: DateTime): boolean => d < windowStart || d > windowEnd;
  const windowMessage = `活动需在 ${year} 年 ${monthDayText(rules.window.start)}至 ${monthDayText(rules.window.end)}之间举办`;

  const startIso = parseFeishuDate(textOf(form, 'start_date'));
  const start = startIso === undefined ? undefined : toDate(startIso);
  const leadFrom = leadDayOf(ctx.today, startIso, ctx.earlier);
  const fromFirst = leadFrom !== ctx.today;
  if (!start) errors.start_date = '请选择活动开始日期';
  else if (fromFirst && start <= today) errors.start_date = '活动开始日期已过，请重新选择日期';
  else if (start.diff(requireDate('leadFrom', leadFrom), 'days').days < rules.leadDays) {
    // Point at a date that would pass, which the window may push later than the lead days alone.
    const earliest = firstAllowedStart(ctx.today, year, rules);
    errors.start_date =
      earliest === undefined
        ? `活动开始日期需在提交之日起至少 ${rules.leadDays} 天之后，${year} 年度已没有可选的开始日期`
        : `活动开始日期需在提交之日起至少 ${rules.leadDays} 天之后（最早可选 ${earliest}）`;
  } else if (outsideWindow(start)) errors.start_date = windowMessage;

  const endIso = parseFeishuDate(textOf(form, 'end_date'));
  const end = endIso === undefined ? undefined : toDate(endIso);
  let days: number | undefined;
  if (!end) errors.end_date = '请选择活动结束日期';
  else if (start && end < start) errors.end_date = '结束日期不能早于开始日期';
  else if (outsideWindow(end)) errors.end_date = windowMessage;
  else if (start) {
    days = end.diff(start, 'days').days + 1;
    if (days < rules.minDays || days > rules.maxDays) {
      errors.end_date = rules.minDays === rules.maxDays ? `活动时长为 ${rules.maxDays} 天` : `活动时长为 ${rules.minDays}–${rules.maxDays} 天`;
    }
  }

  // Topics: a multi-select sends a list; a lone string is taken as a list of one.
  const rawTopics = form.topics;
  const topicList = (Array.isArray(rawTopics) ? rawTopics : typeof rawTopics === 'string' ? [rawTopics] : [])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const topics = validateActivityValues(topicList);
  if (!topics.ok) errors.topics = '活动内容中有无效的选项，请重新选择';
  else if (topics.values.length === 0) errors.topics = '请至少选择一项活动内容';
  else if (kind && valuesNotOfKind(topics.values, kind).length > 0) {
    errors.topics =
      kind === '对外交流'
        ? '对外交流活动请只选择以「对外交流活动」开头的内容'
        : `${KIND_NAMES['能力提升']}请选择专题讲座、互动交流或考察调研中的内容（以「对外交流活动」开头的内容属于对外交流活动）`;
  }

  // Contact. Spaces, dashes and a +86 prefix are how people write numbers, not part of them.
  const mobile = normaliseMobile(textOf(form, 'mobile'));
  const mobileProblem = mobileError(textOf(form, 'mobile'));
  if (mobileProblem) errors.mobile = mobileProblem;

  const email = textOf(form, 'email');
  if (email === '') errors.email = '请填写电子邮箱';
  else if (lengthOf(email) > rules.maxLength.email || !EMAIL_RE.test(email)) errors.email = '邮箱格式不正确';

  const failing = APPLICATION_FIELDS.filter((f) => errors[f] !== undefined);
  if (failing.length > 0) return { ok: false, errors: Object.fromEntries(failing.map((f) => [f, errors[f]])) };

  // Every value below was checked above; the assertions only restate that for the compiler.
  return {
    ok: true,
    application: {
      kind: kind as ActivityKind,
      orgName: texts.org_name,
      region: region as Region,
      venue: texts.venue,
      startDate: startIso as string,
      endDate: endIso as string,
      days: days as number,
      headcount: headcount as number,
      // Only 对外交流 may leave these empty, and then they are null.
      coreCount: core ?? null,
      enterpriseCount: enterprises ?? null,
      keyIndustryCount: keyIndustry ?? null,
      audience: texts.audience,
      needs: texts.needs,
      topics: (topics as { ok: true; values: ActivityValue[] }).values,
      contactName: texts.contact_name,
      mobile,
      email,
      remarks: texts.remarks,
    },
  };
}

export { DEFAULT_APPLICATION_RULES, resolveApplicationRules };
// The season's dates live in application-season.ts; imports from here keep working.
export { campaignYearOn, earliestStartDate, filingDeadline, firstAllowedStart, leadDayOf, type EarlierSubmission } from './application-season';
export type { ApplicationRules, ApplicationRulesOverride, LimitedField };
export { APPLICATION_FIELDS, FIELD_LABELS, pickFormValues };
export type { ApplicationField, FormValue };
