import type { Application } from '../src/db/entities/application.entity';
import { MAX_REASON_LENGTH } from '../src/domain/application-status';
import { codeOf } from '../src/services/application-record';
import { attachmentLine, cancelLine, decisionLine, detailLines, linkedNeedsLine, mention, STATUS_COLOURS, summaryLines, type LinkedNeed } from './application-lines';
import { buttonRow, card, CardElement, CardJson, markdown, note } from './card-kit';
import { textInput } from './form-kit';
import { escapeMarkdown } from './markdown';
import { teamButton, teamLine } from './team-line';

/** The centre's review card of an application (split from application-cards.ts). Pure data. */

export const REVIEW_ACTION = 'application.review';

export interface ReviewCardView {
  app: Application;
  timezone: string;
  /** A rejected decision attempt: the reason as typed and what is wrong with it. */
  reason?: string;
  reasonError?: string;
  /** For a card that is no longer current (changed since it was sent): what to look at instead. */
  superseded?: boolean;
  linkedNeeds?: LinkedNeed[];
}

/**
 * The centre's review card. While the application waits for review it carries the reason
 * input and the three decision buttons; afterwards it shows the decision and who made it.
 */
export function reviewCard(view: ReviewCardView): CardJson {
  const { app, timezone } = view;
  const code = codeOf(app) ?? '';
  const elements: CardElement[] = [
    markdown(`**编号**：${code}　**状态**：${app.status}　**申请人**：${mention(app.filerOpenId)}`),
    markdown(summaryLines(app).join('\n')),
    markdown(detailLines(app).join('\n')),
    markdown(attachmentLine(app, timezone)),
  ];
  const linked = linkedNeedsLine(view.linkedNeeds);
  if (linked) elements.push(markdown(linked));
  const open = app.status === '待审核' && !view.superseded;
  if (open) {
    const formElements: CardElement[] = [
      textInput({ name: 'reason', placeholder: '审核意见：退回修改或不予受理时必填，通过时可不填', maxLength: MAX_REASON_LENGTH, multiline: { rows: 2 }, value: view.reason }),
    ];
    if (view.reasonError) formElements.push(markdown(`<font color='red'>⚠ ${escapeMarkdown(view.reasonError)}</font>`));
    const decisions = [
      { text: '通过', decision: 'approve', type: 'primary_filled' },
      { text: '退回修改', decision: 'return', type: 'default' },
      { text: '不予受理', decision: 'reject', type: 'danger' },
    ];
    formElements.push(
      buttonRow(
        decisions.map((d) => ({
          tag: 'button',
          name: `review_${d.decision}`,
          text: { tag: 'plain_text', content: d.text },
          type: d.type,
          form_action_type: 'submit',
          // `code` names the application in the text command a DingTalk button stands for (通过 <编号>).
          behaviors: [{ type: 'callback', value: { action: REVIEW_ACTION, id: app.id, decision: d.decision, v: app.version, code } }],
        })),
      ),
    );
    elements.push({ tag: 'form', name: 'review_form', elements: formElements });
  } else {
    const decision = decisionLine(app, timezone);
    if (view.superseded && app.status === '待审核') elements.push(note('申请人已修改并重新提交，这张卡片已过期，请在新的审核卡片上处理。'));
    else if (app.status === '已撤回') elements.push(note('申请人已撤回这份申请，无需审核。'));
    else if (app.status === '已取消') elements.push(markdown(cancelLine(app, timezone)!));
    else if (decision) elements.push(markdown(decision));
    else elements.push(note(`当前状态：${app.status}，无需审核。`));
    const team = teamLine(app);
    if (team && app.status !== '已取消') elements.push(markdown(team));
    if (app.status === '已通过' && !view.superseded) elements.push(teamButton(app, 'review'));
  }
  const title = `待审核申请 ${code}`;
  return card({
    title: open ? title : `申请 ${code} · ${app.status}`,
    subtitle: app.orgName ?? undefined,
    colour: open ? 'blue' : STATUS_COLOURS[app.status],
    summary: open ? `${title}：${app.orgName ?? ''}` : `申请 ${code} ${app.status}`,
    elements,
  });
}
