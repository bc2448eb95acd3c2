import type { Application } from '../src/db/entities/application.entity';
import { codeOf } from '../src/services/application-record';
import { button, buttonRow, card, CardJson, markdown, note } from './card-kit';
import { escapeMarkdown, sanitizeForText } from './markdown';

/**
 * The stamped form (issue 11): the words that come with the pre-filled 申请表 (.docx), the
 * confirmation an admin sees when approving without the stamped scan, and the caption of a scan
 * forwarded to the centre. Pure data.
 */

/** 下载申请表: the pre-filled .docx again, privately to the clicker (the filer or an admin). */
export const STAMPED_FORM_ACTION = 'application.stamped_form';
/** 仍然通过: approve although no stamped scan has arrived (after the question below). */
export const APPROVE_UNSCANNED_ACTION = 'application.approve_unscanned';
/** 取消 on that question: back to the review card, nothing decided. */
export const REVIEW_BACK_ACTION = 'application.review_back';

export const SCAN_QUESTION = '尚未收到盖章扫描件，仍然通过？';

const codeText = (app: Application) => codeOf(app) ?? '（未编号）';

/** What the filer is told with the form right after submitting (or resubmitting). */
export function stampedFormIntro(app: Application, title: string): string {
  return `这是按您提交的申请 ${codeText(app)} 填好的《${title}》。请打印并加盖单位公章，拍照或扫描后直接在这里发给我（图片或文件均可），我会把它附到这份申请上。`;
}

/** With the form sent again from a card's 下载申请表. */
export function stampedFormAgainIntro(app: Application, title: string): string {
  const org = app.orgName ? `（${sanitizeForText(app.orgName)}）` : '';
  return `申请 ${codeText(app)}${org}的《${title}》，内容为当前提交的版本。`;
}

/** The reminder, `days` after submission, while no scan has come. */
export function scanReminderText(app: Application, days: number, title: string): string {
  const org = app.orgName ? `（${sanitizeForText(app.orgName)}）` : '';
  return `提醒：您的申请 ${codeText(app)}${org}已提交 ${days} 天，还没有收到加盖单位公章的申请表扫描件。按通知要求，申请表须加盖单位公章后报送科创服务中心。请打印下面的《${title}》，盖章后拍照或扫描，直接在这里发给我。`;
}

/** The line sent to the centre right before a forwarded scan (or activity photo): whose it is. */
export function forwardCaption(app: Application, what: 'scan' | 'evidence'): string {
  const who = [app.orgName ? sanitizeForText(app.orgName) : '', app.region ?? ''].filter(Boolean).join('，');
  const thing = what === 'scan' ? '盖章申请表扫描件' : '活动照片或签到表';
  return `以下是申请 ${codeText(app)}${who ? `（${who}）` : ''}的${thing}：`;
}

/**
 * Asked when an admin clicks 通过 on an application without the stamped scan (SCAN_REQUIRED =
 * confirm): 仍然通过 approves (with the 审核意见 typed, carried along), 取消 goes back.
 */
export function scanConfirmCard(app: Application, reason: string): CardJson {
  const code = codeText(app);
  const elements = [
    markdown(`**编号**：${code}　**申请单位**：${app.orgName ? escapeMarkdown(app.orgName) : '（未填写）'}　**盟市**：${app.region ?? '（未选择）'}`),
    markdown(`<font color='orange'>**${SCAN_QUESTION}**</font>`),
    note('按通知要求，申请表须加盖单位公章后报送。通过后申请人仍可在私聊中补发扫描件；提交 3 天后仍未收到时，系统会提醒申请人。'),
  ];
  if (reason.trim()) elements.push(markdown(`**审核意见**：${escapeMarkdown(reason.trim())}`));
  elements.push(
    buttonRow([
      button('仍然通过', { action: APPROVE_UNSCANNED_ACTION, id: app.id, v: app.version, reason }, 'primary_filled'),
      button('取消', { action: REVIEW_BACK_ACTION, id: app.id, reason }),
    ]),
  );
  return card({ title: `申请 ${code} · 确认通过`, subtitle: app.orgName ?? undefined, colour: 'orange', summary: `申请 ${code}：${SCAN_QUESTION}`, elements });
}
