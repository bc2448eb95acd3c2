import type { Application } from '../src/db/entities/application.entity';
import type { ApplicationRules } from '../src/domain/application-rule-config';
import { MAX_REASON_LENGTH } from '../src/domain/application-status';
import { formatInstant } from '../src/domain/calendar';
import { changeRequestOf, codeOf, type ChangeRequest, type ChangeValues } from '../src/services/application-record';
import { cancelLine, mention, STATUS_COLOURS, summaryLines } from './application-cards';
import { buttonRow, card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorBanner, form, plainText, specFields, submitButton, textInput } from './form-kit';
import { cancelFormSpec, CANCEL_NOTICE } from '../src/forms/cancel-form';
import { changeFormSpec, type ChangeErrors, type ChangeField } from '../src/forms/change-form';
import { escapeMarkdown } from './markdown';

/**
 * Cards of a change after approval: the change form (申请改期), the centre's change review card
 * with the old and new values side by side (同意改期 / 不同意), and the cancel form (取消活动).
 * Pure data.
 */

export const CHANGE_SUBMIT_ACTION = 'application.change_submit';
export const CHANGE_DECIDE_ACTION = 'application.change_decide';
export const CANCEL_ACTION = 'application.cancel';

/** The fields of the change form, as Feishu submits them (described in src/forms/change-form.ts). */
export type { ChangeErrors, ChangeField } from '../src/forms/change-form';

export interface ChangeFormView {
  app: Application;
  /** What was typed (a form sent back), else the current values. */
  values?: Partial<Record<ChangeField, string>>;
  errors?: ChangeErrors;
  rules: ApplicationRules;
  /** The first start date a change may choose (tomorrow). */
  earliest: string;
  year: number;
}

const monthDay = (md: string) => `${Number(md.slice(0, 2))} 月 ${Number(md.slice(3, 5))} 日`;

/** The rules a change follows, as the form and the review card state them. */
export function changeRulesText(rules: ApplicationRules, year: number, earliest: string): string {
  const days = rules.minDays === rules.maxDays ? `${rules.maxDays} 天` : `${rules.minDays}–${rules.maxDays} 天`;
  return `改期不受「活动开始 ${rules.leadDays} 日前提交」的限制：新的开始日期最早为 ${earliest}（明天），活动需在 ${year} 年 ${monthDay(rules.window.start)}至 ${monthDay(rules.window.end)}之间举办，时长 ${days}。`;
}

export function changeFormCard(view: ChangeFormView): CardJson {
  const { app, errors = {} } = view;
  const v = view.values ?? { start_date: app.startDate ?? '', end_date: app.endDate ?? '', venue: app.venue ?? '', headcount: app.headcount !== null ? String(app.headcount) : '' };
  const count = Object.keys(errors).length;
  const elements: CardElement[] = [];
  if (count) elements.push(errorBanner(count));
  elements.push(markdown(`**编号**：${codeOf(app) ?? ''}　**状态**：${app.status}\n${summaryLines(app).join('\n')}`));
  elements.push(note(`${changeRulesText(view.rules, view.year, view.earliest)}改期申请提交后由科创服务中心审核，同意前活动仍按原安排。`));
  elements.push(
    form('change_form', [
      ...specFields(changeFormSpec(view.rules), v, errors),
      submitButton({ name: 'change_submit', text: '提交改期申请', value: { action: CHANGE_SUBMIT_ACTION, id: app.id, v: app.version } }),
    ]),
  );
  const title = `申请改期 ${codeOf(app) ?? ''}`;
  return card({ title, subtitle: app.orgName ?? undefined, colour: 'orange', summary: title, elements });
}

function valuesText(v: ChangeValues): string[] {
  return [`${v.startDate} 至 ${v.endDate}`, escapeMarkdown(v.venue), `${v.headcount} 人`];
}

/** Old and new values side by side; what changes is marked. */
function comparison(request: ChangeRequest): string {
  const labels = ['活动时间', '活动地点', '活动人数'];
  const before = valuesText(request.old);
  const after = valuesText(request.new);
  const rows = labels.map((label, i) => `| ${label} | ${before[i]} | ${before[i] === after[i] ? after[i] : `**${after[i]}**`} |`);
  return ['| 项目 | 原安排 | 改为 |', '| --- | --- | --- |', ...rows].join('\n');
}

export interface ChangeReviewView {
  app: Application;
  timezone: string;
  rulesText: string;
  /** The round this card was sent for: a card of an earlier request is superseded. */
  round: number;
  reason?: string;
  reasonError?: string;
}

/** The centre's card for a change request: open while it waits, then what became of it. */
export function changeReviewCard(view: ChangeReviewView): CardJson {
  const { app, timezone } = view;
  const code = codeOf(app) ?? '';
  const request = changeRequestOf(app);
  const elements: CardElement[] = [markdown(`**编号**：${code}　**状态**：${app.status}　**申请人**：${mention(app.filerOpenId)}\n**申请单位**：${escapeMarkdown(app.orgName ?? '')} · ${escapeMarkdown(app.region ?? '')}`)];
  if (!request) return card({ title: `改期申请 ${code}`, colour: 'grey', elements: [...elements, note('没有找到这项改期申请。')] });
  const current = request.round === view.round;
  elements.push(markdown(comparison(request)));
  elements.push(markdown(`**提出**：${mention(request.requestedBy)} 于 ${formatInstant(request.requestedAt, timezone)}${request.note ? `，说明：${escapeMarkdown(request.note)}` : ''}`));
  const open = current && request.state === '待审核' && app.status === '已通过';
  if (open) {
    elements.push(note(view.rulesText));
    const formElements: CardElement[] = [
      textInput({ name: 'reason', placeholder: '不同意时必填原因，同意时可不填', maxLength: MAX_REASON_LENGTH, multiline: { rows: 2 }, value: view.reason }),
    ];
    if (view.reasonError) formElements.push(markdown(`<font color='red'>⚠ ${escapeMarkdown(view.reasonError)}</font>`));
    const buttons = [
      { text: '同意改期', decision: 'agree', type: 'primary_filled' },
      { text: '不同意', decision: 'refuse', type: 'danger' },
    ];
    formElements.push(
      buttonRow(
        buttons.map((b) => ({
          tag: 'button',
          name: `change_${b.decision}`,
          text: plainText(b.text),
          type: b.type,
          form_action_type: 'submit',
          // `code` names the application in the text command a DingTalk button stands for (同意改期 <编号>).
          behaviors: [{ type: 'callback', value: { action: CHANGE_DECIDE_ACTION, id: app.id, decision: b.decision, round: view.round, v: app.version, code } }],
        })),
      ),
    );
    elements.push({ tag: 'form', name: 'change_review_form', elements: formElements });
  } else if (app.status === '已取消') {
    elements.push(markdown(cancelLine(app, timezone)!));
  } else if (!current) {
    elements.push(note('申请人又提出了新的改期申请，这张卡片已过期，请在新的卡片上处理。'));
  } else if (request.state === '已同意' || request.state === '不同意') {
    const verb = request.state === '已同意' ? "<font color='green'>同意改期</font>" : `<font color='red'>不同意</font>，原因：${escapeMarkdown(request.reason ?? '')}`;
    elements.push(markdown(`**审核**：${mention(request.decidedBy ?? null)}${request.decidedAt ? ` 于 ${formatInstant(request.decidedAt, timezone)}` : ''} ${verb}`));
  } else {
    elements.push(note(`当前状态：${app.status}，无需审核。`));
  }
  const title = open ? `改期申请 ${code}` : `改期申请 ${code} · ${app.status === '已取消' ? '活动已取消' : current ? request.state : '已过期'}`;
  return card({ title, subtitle: app.orgName ?? undefined, colour: open ? 'orange' : STATUS_COLOURS[app.status], summary: title, elements });
}

/** 取消活动: the reason is required; the button asks once more. */
export function cancelFormCard(view: { app: Application; reason?: string; error?: string }): CardJson {
  const { app } = view;
  const code = codeOf(app) ?? '';
  const elements: CardElement[] = [
    markdown(`**编号**：${code}　**状态**：${app.status}\n${summaryLines(app).join('\n')}`),
    note(CANCEL_NOTICE),
    form('cancel_form', [
      ...specFields(cancelFormSpec(), { reason: view.reason }, { reason: view.error }),
      {
        tag: 'button',
        name: 'cancel_submit',
        text: plainText('确认取消活动'),
        type: 'danger',
        width: 'fill',
        form_action_type: 'submit',
        confirm: { title: plainText('取消活动'), text: plainText(`确定取消 ${code} 吗？取消后不能恢复。`) },
        behaviors: [{ type: 'callback', value: { action: CANCEL_ACTION, id: app.id, v: app.version } }],
      },
    ]),
  ];
  const title = `取消活动 ${code}`;
  return card({ title, subtitle: app.orgName ?? undefined, colour: 'red', summary: title, elements });
}

/** What the centre and the 盟市 group are told when an activity is cancelled. */
export function cancelledNoticeCard(app: Application, timezone: string): CardJson {
  const code = codeOf(app) ?? '';
  const title = `活动已取消 ${code}`;
  return card({ title, subtitle: app.orgName ?? undefined, colour: 'grey', summary: title, elements: [markdown(summaryLines(app).join('\n')), markdown(cancelLine(app, timezone) ?? '')] });
}
