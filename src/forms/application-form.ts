import { ACTIVITY_KINDS, ACTIVITY_MENU, activityLabel, DEFAULT_KIND, KIND_NAMES } from '../domain/activity-menu';
import { APPLICATION_FIELDS, FIELD_LABELS, type ApplicationField, type FormValue } from '../domain/application-fields';
import type { ApplicationRules } from '../domain/application-rule-config';
import { checkApplicationForm, type ApplicationContext } from '../domain/application-rules';
import { REGIONS } from '../domain/regions';
import type { FieldInput, FieldSpec, FormSpec } from './form-spec';

/**
 * The application form (申请表), described once: the notice's fields under the contract's
 * component names (application-fields.ts), each with a placeholder saying what is expected,
 * and checked by checkApplicationForm.
 */

const PLACEHOLDERS: Readonly<Record<ApplicationField, string>> = {
  kind: '请选择活动类别',
  org_name: '与公章一致的单位全称',
  region: '请选择活动所在盟市',
  venue: '如：包头稀土高新区某某园区报告厅',
  start_date: '请选择开始日期',
  end_date: '请选择结束日期（1–3 天）',
  headcount: '预计参加活动的总人数，只填数字',
  core_count: '其中第（2）（3）类人员人数，只填数字；对外交流活动可不填',
  enterprise_count: '参加活动的企业数，只填数字；对外交流活动可不填',
  key_industry_count: '其中属于自治区十大产业的企业数，只填数字；对外交流活动可不填',
  audience: '参加人员的单位和岗位，如：园区企业研发负责人、工程师、一线职工',
  needs: '企业在技术、人才、政策等方面希望专家解决的问题',
  topics: '从通知的活动内容中选择，可多选；须与活动类别一致',
  contact_name: '联系人姓名',
  mobile: '11 位手机号码',
  email: '如：name@example.com',
  remarks: '选填',
};

const MULTILINE: ReadonlySet<ApplicationField> = new Set(['audience', 'needs', 'remarks']);

const HINTS: Partial<Record<ApplicationField, (rules: ApplicationRules) => string>> = {
  core_count: (r) =>
    `活动对象分三类：（1）盟市科协系统企业相关部门负责人；（2）已建园企科协负责人；（3）企业科研管理人员、科技工程师、一线产业工人等。企业创新能力提升活动中（2）（3）类人员需占 ${r.corePercent}% 以上。`,
  key_industry_count: (r) => `企业创新能力提升活动中，自治区十大产业企业需占参与企业总数的 ${r.keyIndustryPercent}% 以上。`,
  topics: () =>
    '以专题讲座、互动交流、考察调研开头的内容属于企业创新能力提升活动，以「对外交流活动」开头的属于对外交流活动；请选择与活动类别一致的内容。',
};

/** The counts the notice asks of 能力提升 only: 对外交流活动 may leave them empty. */
const RATIO_COUNTS: ReadonlySet<ApplicationField> = new Set(['core_count', 'enterprise_count', 'key_industry_count']);

/**
 * The longest value each input takes, as the server's rules allow (application-rule-config.ts
 * for the texts): a counter on the client instead of an error after submitting. Counts and the
 * mobile get room for what people type around the digits (full-width digits, spaces, +86).
 */
function maxLengthOf(field: ApplicationField, rules: ApplicationRules): number {
  switch (field) {
    case 'org_name':
    case 'venue':
    case 'audience':
    case 'needs':
    case 'contact_name':
    case 'email':
    case 'remarks':
      return rules.maxLength[field];
    case 'mobile':
      return 20;
    default:
      // headcount and the other counts: at most maxHeadcount, with a little room.
      return String(rules.maxHeadcount).length + 2;
  }
}

function inputOf(field: ApplicationField, rules: ApplicationRules): FieldInput {
  switch (field) {
    case 'kind':
      // A new form starts as the common kind; a form sent back keeps what was chosen.
      return { kind: 'select', options: ACTIVITY_KINDS.map((k) => ({ value: k, label: KIND_NAMES[k] })), initial: DEFAULT_KIND };
    case 'region':
      return { kind: 'select', options: REGIONS.map((r) => ({ value: r, label: r })) };
    case 'start_date':
    case 'end_date':
      return { kind: 'date' };
    case 'topics':
      return { kind: 'multiselect', options: ACTIVITY_MENU.map((o) => ({ value: o.value, label: activityLabel(o) })) };
    default:
      return { kind: 'text', maxLength: maxLengthOf(field, rules), ...(MULTILINE.has(field) ? { multiline: { rows: 3, maxRows: 8 } } : {}) };
  }
}

const isOutreach = (values: FormValue) => values.kind === '对外交流';

export function applicationFormSpec(rules: ApplicationRules): FormSpec<ApplicationContext> {
  const fields: FieldSpec[] = APPLICATION_FIELDS.map((field) => ({
    name: field,
    label: FIELD_LABELS[field],
    optional: field === 'remarks',
    ...(RATIO_COUNTS.has(field) ? { skippable: isOutreach } : {}),
    placeholder: PLACEHOLDERS[field],
    hint: HINTS[field]?.(rules),
    input: inputOf(field, rules),
  }));
  return {
    id: 'application',
    title: '活动申请表',
    fields,
    check: (values, ctx) => {
      const checked = checkApplicationForm(values, ctx);
      return checked.ok ? {} : (checked.errors as Record<string, string>);
    },
  };
}
