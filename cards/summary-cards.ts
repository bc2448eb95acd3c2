import type { Application } from '../src/db/entities/application.entity';
import type { ApplicationRules } from '../src/domain/application-rule-config';
import { formatInstant } from '../src/domain/calendar';
import { SATISFACTION_LABELS, SUMMARY_LABELS, type CheckedSummary, type SummaryErrors, type SummaryField } from '../src/domain/summary-rules';
import { codeOf } from '../src/services/application-record';
import { mention, summaryLines } from './application-cards';
import { card, CardElement, CardJson, divider, markdown, note } from './card-kit';
import { errorBanner, form, specFields, submitButton } from './form-kit';
import { summaryFormSpec } from '../src/forms/summary-form';
import { escapeMarkdown } from './markdown';

/**
 * The evaluation summary (活动评估总结): the form the filer fills in after the activity was
 * held, and the card showing a filed summary. Pure data: the caller passes the time zone.
 *
 * As with the application form, no field is `required` on the client: the server checks
 * everything and puts each problem under its field.
 */

export const SUMMARY_SUBMIT_ACTION = 'summary.submit';

export interface SummaryFormView {
  app: Application;
  /** The values as typed, shown again on a returned form. */
  values: Partial<Record<SummaryField, string>>;
  errors?: SummaryErrors;
  rules: ApplicationRules;
  /** A line at the top from the caller, e.g. '活动已结束 3 天，请尽快提交'. Plain text. */
  reminder?: string;
}

export interface SummaryResultView {
  app: Application;
  summary: CheckedSummary;
  /** Who filed it: an open_id. */
  filedBy: string;
  /** Epoch ms. */
  filedAt: number;
  timezone: string;
  /** The centre's copy: it is told where the photos go, not asked to send them. */
  forCentre?: boolean;
}

function titleCode(app: Application): string {
  return codeOf(app) ?? '（无编号）';
}

export function summaryFormCard(view: SummaryFormView): CardJson {
  const { app, rules } = view;
  const errors = view.errors ?? {};
  const errorCount = Object.keys(errors).length;
  const code = titleCode(app);
  const elements: CardElement[] = [];

  if (view.reminder) elements.push(markdown(`<font color='orange'>**${escapeMarkdown(view.reminder)}**</font>`));
  elements.push(
    markdown(
      '活动已举办，请按实际情况填写活动评估总结。提交后申请状态变为「已总结」。' +
        (app.kind === '对外交流'
          ? '对外交流活动不考核人员和企业比例，按实际人数填写即可。'
          : `人员和企业比例按通知要求（第（2）（3）类人员 ${rules.corePercent}% 以上、十大产业企业 ${rules.keyIndustryPercent}% 以上）重新核对，未达标也可以提交，总结中会如实注明。`),
    ),
  );
  elements.push(markdown([`**编号**：${code}　**状态**：${app.status}`, ...summaryLines(app)].join('\n')));
  if (errorCount > 0) elements.push(errorBanner(errorCount));

  const fields: CardElement[] = specFields(summaryFormSpec(rules), view.values, errors);
  fields.push(submitButton({ name: 'summary_submit', text: '提交总结', value: { action: SUMMARY_SUBMIT_ACTION, id: app.id } }));
  elements.push(form('summary_form', fields));
  elements.push(note('提交总结后，可在与我的私聊中把活动照片、签到表以图片或文件发给我。'));

  const title = `活动评估总结 · ${code}`;
  return card({
    title,
    subtitle: app.orgName ?? undefined,
    colour: errorCount > 0 ? 'orange' : 'blue',
    summary: errorCount > 0 ? `活动评估总结有 ${errorCount} 项需要修改` : title,
    elements,
  });
}

function verdict(met: boolean): string {
  return met ? "<font color='green'>达标</font>" : "<font color='red'>未达标</font>";
}

function block(label: string, text: string): string {
  return text ? `**${label}**：\n${escapeMarkdown(text)}` : `**${label}**：（无）`;
}

export function summaryResultCard(view: SummaryResultView): CardJson {
  const { app, summary: s, timezone } = view;
  const code = titleCode(app);
  // The notice's ratios are for 企业创新能力提升活动 only (五（一）); 对外交流活动 has none.
  const outreach = app.kind === '对外交流';
  const notApplicable = "<font color='grey'>不适用</font>（对外交流活动不考核比例）";
  const coreRatio = outreach ? notApplicable : `${s.corePercentText}（要求 ${s.corePercentRequired}% 以上）${verdict(s.coreRatioMet)}`;
  const keyRatio = outreach
    ? notApplicable
    : s.keyIndustryApplicable
      ? `${s.keyIndustryPercentText}（要求 ${s.keyIndustryPercentRequired}% 以上）${verdict(s.keyIndustryRatioMet)}`
      : "<font color='grey'>不适用</font>（没有企业参加）";
  const elements: CardElement[] = [
    markdown(`**编号**：${code}　**状态**：已总结\n**提交人**：${mention(view.filedBy)} 于 ${formatInstant(view.filedAt, timezone)} 提交`),
    markdown(summaryLines(app).join('\n')),
    divider(),
    markdown(
      [
        `**实际参加人数**：${s.actualHeadcount} 人，其中第（2）（3）类人员 ${s.actualCoreCount} 人`,
        `**（2）（3）类人员占比**：${coreRatio}`,
        `**实际参与企业数**：${s.actualEnterpriseCount} 家，其中自治区十大产业企业 ${s.actualKeyIndustryCount} 家`,
        `**十大产业企业占比**：${keyRatio}`,
        `**满意度**：${SATISFACTION_LABELS[s.satisfaction]}`,
      ].join('\n'),
    ),
    markdown(block(SUMMARY_LABELS.outcomes, s.outcomes)),
    markdown(block(SUMMARY_LABELS.followup_needs, s.followupNeeds)),
    note(
      view.forCentre
        ? '申请人发来的活动照片、签到表会转发到这里。'
        : '活动照片、签到表可在与我的私聊中以图片或文件发给我。',
    ),
  ];
  const title = `活动评估总结已提交 · ${code}`;
  return card({ title, subtitle: app.orgName ?? undefined, colour: 'green', summary: title, elements });
}
