import type { ApplicationField } from '../src/domain/application-fields';
import type { ApplicationRules } from '../src/domain/application-rule-config';
import type { ApplicationErrors } from '../src/domain/application-rules';
import { applicationFormSpec } from '../src/forms/application-form';
import { card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, form, specFields, submitButton } from './form-kit';

/**
 * The application form (申请表) as a card, rendered from its description (src/forms/
 * application-form.ts): the notice's fields under the contract's component names, each with a
 * placeholder saying what is expected. A returned form carries every value
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

  const fields: CardElement[] = specFields(applicationFormSpec(rules), view.values, errors);
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
