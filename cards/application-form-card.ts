import { ACTIVITY_KINDS, ACTIVITY_MENU, activityLabel, DEFAULT_KIND, KIND_NAMES } from '../src/domain/activity-menu';
import { APPLICATION_FIELDS, FIELD_LABELS, type ApplicationField } from '../src/domain/application-fields';
import type { ApplicationRules } from '../src/domain/application-rule-config';
import type { ApplicationErrors } from '../src/domain/application-rules';
import { parseFeishuDate } from '../src/domain/calendar';
import { REGIONS } from '../src/domain/regions';
import { card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, fieldBlock, form, multiSelectStatic, plainText, selectStatic, submitButton, textInput } from './form-kit';

/**
 * The application form (申请表) as a card: the notice's fields under the contract's component
 * names, each with a placeholder saying what is expected. A returned form carries every value
 * as it was typed and each problem directly under its field.
 *
 * No field is `required` on the client: the server checks everything and says what is missing
 * next to the field, and a half-filled form can still be kept as a draft.
 */

/** What a submission of this card is for: a fresh form (by its token) or an existing application. */
export type FormTarget = { form: string } | { id: number };

export interface ApplicationFormView {
  target: FormTarget;
  values: Partial<Record<ApplicationField, string | string[]>>;
  errors?: ApplicationErrors;
  /** The code when changing a submitted application. */
  code?: string;
  /** 'new' (申请), 'draft' (继续填写) or 'edit' (修改). */
  mode: 'new' | 'draft' | 'edit';
  campaignYear: number;
  /** The first start date a filing today may ask for ('YYYY-MM-DD'); none: the season has none left. */
  earliestStart: string | undefined;
  /**
   * A resubmission: the first submission's day (before today), from which the lead days count
   * as long as the activity is not moved earlier.
   */
  keepingDatesFrom?: string;
  rules: ApplicationRules;
}

export const SUBMIT_ACTION = 'application.submit';

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

export function applicationFormCard(view: ApplicationFormView): CardJson {
  const { rules } = view;
  const errors = view.errors ?? {};
  const errorCount = Object.keys(errors).length;
  const elements: CardElement[] = [];

  const [ws, we] = [rules.window.start, rules.window.end].map((md) => md.split('-').map(Number));
  const days = rules.minDays === rules.maxDays ? `${rules.maxDays} 天` : `${rules.minDays}–${rules.maxDays} 天`;
  const when = view.earliestStart
    ? `（今天提交，最早可选 **${view.earliestStart}** 开始）`
    : `（${view.campaignYear} 年度已没有可选的开始日期）`;
  elements.push(
    markdown(
      `请按《关于开展${view.campaignYear}年内蒙古企业创新能力提升行动的通知》的要求填写。活动需在 ${view.campaignYear} 年 ${ws[0]} 月 ${ws[1]} 日至 ${we[0]} 月 ${we[1]} 日之间举办，持续 ${days}，` +
        `申请需在活动开始 ${rules.leadDays} 日前提交${when}。`,
    ),
  );
  if (view.keepingDatesFrom) {
    elements.push(
      markdown(
        `本申请首次提交于 **${view.keepingDatesFrom}**。修改后活动开始日期不早于原定日期的，${rules.leadDays} 日从首次提交之日算起；` +
          `改到更早的日期，则从重新提交之日算起。`,
      ),
    );
  }
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  const fields: CardElement[] = APPLICATION_FIELDS.flatMap((field) =>
    fieldBlock({
      label: FIELD_LABELS[field],
      optional: field === 'remarks',
      component: component(field, view.values[field], rules),
      hint: HINTS[field]?.(rules),
      error: errors[field],
    }),
  );
  fields.push(
    submitButton({ name: 'submit', text: view.mode === 'edit' ? '提交修改' : '提交申请', value: { action: SUBMIT_ACTION, ...view.target } }),
  );
  elements.push(form('application_form', fields));
  elements.push(note('提交后，我会把按您填写的内容生成的申请表（Word 文件）私聊发给您：请打印并加盖单位公章，再把扫描件（图片或文件）发给我。'));

  const title =
    view.mode === 'edit' && view.code ? `修改申请 ${view.code}` : view.mode === 'draft' ? '活动申请表（草稿）' : '活动申请表';
  return card({
    title,
    subtitle: '内蒙古企业创新能力提升行动',
    colour: errorCount > 0 ? 'orange' : 'blue',
    summary: errorCount > 0 ? `申请表有 ${errorCount} 项需要修改` : title,
    elements,
  });
}

function component(field: ApplicationField, value: string | string[] | undefined, rules: ApplicationRules): CardElement {
  const single = typeof value === 'string' ? value : undefined;
  const placeholder = PLACEHOLDERS[field];
  switch (field) {
    case 'kind':
      return selectStatic({
        name: field,
        placeholder,
        options: ACTIVITY_KINDS.map((k) => ({ value: k, label: KIND_NAMES[k] })),
        // A new form starts as the common kind; a form sent back keeps what was chosen.
        value: single || DEFAULT_KIND,
      });
    case 'region':
      return selectStatic({ name: field, placeholder, options: REGIONS.map((r) => ({ value: r, label: r })), value: single });
    case 'start_date':
    case 'end_date': {
      const date = single ? parseFeishuDate(single) : undefined;
      return {
        tag: 'date_picker',
        name: field,
        required: false,
        width: 'fill',
        placeholder: plainText(placeholder),
        ...(date ? { initial_date: date } : {}),
      };
    }
    case 'topics':
      return multiSelectStatic({
        name: field,
        placeholder,
        options: ACTIVITY_MENU.map((o) => ({ value: o.value, label: activityLabel(o) })),
        values: Array.isArray(value) ? value : single ? [single] : [],
      });
    default:
      return textInput({
        name: field,
        placeholder,
        maxLength: maxLengthOf(field, rules),
        multiline: MULTILINE.has(field) ? { rows: 3, maxRows: 8 } : undefined,
        value: single,
      });
  }
}
