import { button, card, markdown, note } from '../cards/card-kit';

import { clipAtWord, escapeMarkdown } from '../cards/markdown';
import type { Application } from '../src/db/entities/application.entity';
import type { OutboundMessage } from '../src/platform/port';
import type { Attachment } from '../src/services/application-service';
import type { ReportSubmission } from '../src/db/entities/report-submission.entity';
import type { ReportTask } from '../src/db/entities/report-task.entity';
import { REPORT_ATTACH_ACTION } from '../cards/report-cards';
import { forwardCaption } from '../cards/scan-cards';
import { attachToReport } from './report-actions';
import { isoOf, requireDate } from '../src/domain/calendar';
import { codeText, forwardToCentre, refreshReviewCards, todayOf } from './application-flow';
import type { HandlerDeps } from './types';

/**
 * Images and files the filer sends in the private chat: the stamped scan of the paper form for
 * an application in play, or photos and the sign-in sheet of a held activity. With one
 * candidate it goes there; with several the bot asks which.
 */

/** Reads an image or file message's content; undefined for anything else. */
export function attachmentOf(messageType: string, content: unknown, messageId: string): Attachment | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(String(content ?? '{}'));
  } catch {
    return undefined;
  }
  if (messageType === 'image' && typeof parsed.image_key === 'string') return { kind: 'image', key: parsed.image_key, name: null, messageId };
  if (messageType === 'file' && typeof parsed.file_key === 'string') {
    return { kind: 'file', key: parsed.file_key, name: typeof parsed.file_name === 'string' ? parsed.file_name : null, messageId };
  }
  return undefined;
}

/** Activities whose photos or sign-in sheets are still welcome: ended within this many days. */
export const EVIDENCE_DAYS = 60;

const SCAN_STATUSES = ['待审核', '已退回', '已通过'];
const EVIDENCE_STATUSES = ['已举办', '已总结'];

/**
 * Files an image or file with an application: before the activity it is the stamped scan of the
 * form (one, a later one replaces it); after it, a photo or sign-in sheet (kept, all of them).
 */
export async function attachToApplication(
  deps: HandlerDeps,
  app: Application,
  attachment: Attachment,
  actorOpenId: string,
): Promise<{ ok: boolean; app: Application; message: string }> {
  // The attachment, its audit row, the review cards' update and the forward: one commit.
  return deps.atomically((tx) => attachInTx(tx, app, attachment, actorOpenId));
}

async function attachInTx(deps: HandlerDeps, app: Application, attachment: Attachment, actorOpenId: string): Promise<{ ok: boolean; app: Application; message: string }> {
  if (EVIDENCE_STATUSES.includes(app.status)) {
    const count = await deps.summaries.addFile(app.id, attachment, actorOpenId);
    await forwardToCentre(deps, app.tenantKey, attachment.messageId, forwardCaption(app, 'evidence'));
    return { ok: true, app, message: `已收到，作为 ${codeText(app)} 的活动照片或签到表保存（共 ${count} 个文件）。` };
  }
  if (!SCAN_STATUSES.includes(app.status)) {
    return { ok: false, app, message: `申请 ${codeText(app)} 当前状态为「${app.status}」，不再需要扫描件。` };
  }
  // The same message attached twice (a redelivery, a second click) changes nothing.
  if (app.attachmentMessageId === attachment.messageId) return { ok: true, app, message: `已附到申请 ${codeText(app)}。` };
  const result = await deps.applications.attach(app, attachment, actorOpenId);
  if (!result.ok) return attachInTx(deps, result.current, attachment, actorOpenId);
  await refreshReviewCards(deps, result.app);
  await forwardToCentre(deps, app.tenantKey, attachment.messageId, forwardCaption(result.app, 'scan'));
  const replaced = app.attachmentKey ? '（替换了之前的扫描件）' : '';
  return { ok: true, app: result.app, message: `已收到盖章扫描件，并附到申请 ${codeText(result.app)}${replaced}。` };
}

/** What an image or file could belong to: applications in play (scan) first, then recent activities. */
/** Report submissions take files until this long after their task's deadline. */
export const REPORT_FILE_DAYS = 30;

/** Where a file may belong: an application (scan or activity photos) or a report submission. */
type Candidate =
  | { kind: 'application'; app: Application; scan: boolean }
  | { kind: 'report'; submission: ReportSubmission; task: ReportTask };

/** Applications in play (scan) first, then report submissions, then recently held activities. */
async function candidatesFor(deps: HandlerDeps, tenantKey: string, sender: string): Promise<Candidate[]> {
  const since = isoOf(requireDate('today', todayOf(deps)).minus({ days: EVIDENCE_DAYS }));
  const reports = await deps.reports.submittedBy(tenantKey, sender, deps.now() - REPORT_FILE_DAYS * 86_400_000);
  return [
    ...(await deps.applications.attachable(tenantKey, sender)).map((app) => ({ kind: 'application' as const, app, scan: true })),
    ...reports.map((r) => ({ kind: 'report' as const, ...r })),
    ...(await deps.applications.recentlyHeld(tenantKey, sender, since)).map((app) => ({ kind: 'application' as const, app, scan: false })),
  ];
}

function choiceButton(c: Candidate, attachment: Attachment, primary: boolean) {
  const file = { kind: attachment.kind, key: attachment.key, name: attachment.name, msg: attachment.messageId };
  const type = primary ? 'primary' : 'default';
  if (c.kind === 'report') {
    return button(`报送：${clipAtWord(c.task.title, 14)}（${c.submission.region}）`, { action: REPORT_ATTACH_ACTION, submission: c.submission.id, ...file }, type);
  }
  const what = c.scan ? '盖章扫描件' : '活动照片/签到表';
  return button(`${codeText(c.app)} ${clipAtWord(c.app.orgName ?? '', 12)}（${what}）`, { action: 'application.attach', id: c.app.id, ...file }, type);
}

/** Handles an image or file sent in a private chat; `reply` answers the message. */
export async function onAttachment(
  deps: HandlerDeps,
  tenantKey: string,
  senderOpenId: string,
  attachment: Attachment,
  reply: (m: OutboundMessage) => Promise<void>,
): Promise<void> {
  const candidates = await candidatesFor(deps, tenantKey, senderOpenId);
  if (candidates.length === 0) {
    await reply({
      type: 'text',
      text: '收到您的文件。您目前没有可以附文件的申请或报送：请先发送「申请」填写并提交申请表，再发送加盖单位公章的申请表扫描件。',
    });
    return;
  }
  if (candidates.length === 1) {
    const only = candidates[0];
    const message =
      only.kind === 'report'
        ? await attachToReport(deps, only.submission, only.task, attachment, senderOpenId)
        : (await attachToApplication(deps, only.app, attachment, senderOpenId)).message;
    await reply({ type: 'text', text: message });
    return;
  }
  const what = attachment.kind === 'image' ? '这张图片' : `文件「${escapeMarkdown(attachment.name ?? '未命名')}」`;
  await reply({
    type: 'card',
    card: card({
      title: '这份文件属于哪一项？',
      colour: 'blue',
      summary: '请选择文件对应的申请或报送',
      elements: [
        markdown(`您有 ${candidates.length} 项可以附文件。${what}属于哪一项？办理中的申请在前（作为盖章扫描件），然后是报送任务，最后是已举办的活动（作为活动照片或签到表）：`),
        ...candidates.slice(0, 10).map((c, i) => choiceButton(c, attachment, i === 0)),
        note('如果都不是，忽略这张卡片即可。'),
      ],
    }),
  });
}
