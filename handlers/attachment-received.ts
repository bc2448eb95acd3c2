import { button, card, markdown, note } from '../cards/card-kit';

import { escapeMarkdown } from '../cards/markdown';
import type { Application } from '../src/db/entities/application.entity';
import type { OutboundMessage } from '../src/platform/port';
import type { Attachment } from '../src/services/application-service';
import { isoOf, requireDate } from '../src/domain/calendar';
import { codeText, refreshReviewCards, todayOf } from './application-flow';
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
  if (EVIDENCE_STATUSES.includes(app.status)) {
    const count = await deps.summaries.addFile(app.id, attachment, actorOpenId);
    return { ok: true, app, message: `已收到，作为 ${codeText(app)} 的活动照片或签到表保存（共 ${count} 个文件）。` };
  }
  if (!SCAN_STATUSES.includes(app.status)) {
    return { ok: false, app, message: `申请 ${codeText(app)} 当前状态为「${app.status}」，不再需要扫描件。` };
  }
  // The same message attached twice (a redelivery, a second click) changes nothing.
  if (app.attachmentMessageId === attachment.messageId) return { ok: true, app, message: `已附到申请 ${codeText(app)}。` };
  const result = await deps.applications.attach(app, attachment, actorOpenId);
  if (!result.ok) return attachToApplication(deps, result.current, attachment, actorOpenId);
  await refreshReviewCards(deps, result.app);
  const replaced = app.attachmentKey ? '（替换了之前的扫描件）' : '';
  return { ok: true, app: result.app, message: `已收到盖章扫描件，并附到申请 ${codeText(result.app)}${replaced}。` };
}

/** What an image or file could belong to: applications in play (scan) first, then recent activities. */
async function candidatesFor(deps: HandlerDeps, tenantKey: string, filer: string): Promise<Application[]> {
  const since = isoOf(requireDate('today', todayOf(deps)).minus({ days: EVIDENCE_DAYS }));
  return [...(await deps.applications.attachable(tenantKey, filer)), ...(await deps.applications.recentlyHeld(tenantKey, filer, since))];
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
      text: '收到您的文件。您目前没有可以附文件的申请：请先发送「申请」填写并提交申请表，再发送加盖公章的扫描件。',
    });
    return;
  }
  if (candidates.length === 1) {
    const outcome = await attachToApplication(deps, candidates[0], attachment, senderOpenId);
    await reply({ type: 'text', text: outcome.message });
    return;
  }
  const what = attachment.kind === 'image' ? '这张图片' : `文件「${escapeMarkdown(attachment.name ?? '未命名')}」`;
  const buttons = candidates.slice(0, 10).map((a, i) =>
    button(
      `${codeText(a)} ${[...(a.orgName ?? '')].slice(0, 10).join('')}（${EVIDENCE_STATUSES.includes(a.status) ? '活动照片/签到表' : '盖章扫描件'}）`,
      { action: 'application.attach', id: a.id, kind: attachment.kind, key: attachment.key, name: attachment.name, msg: attachment.messageId },
      i === 0 ? 'primary' : 'default',
    ),
  );
  await reply({
    type: 'card',
    card: card({
      title: '这份文件属于哪一份申请？',
      colour: 'blue',
      summary: '请选择文件对应的申请',
      elements: [
        markdown(`您有 ${candidates.length} 份申请可以附文件。${what}是哪一份申请的？办理中的在前（作为盖章扫描件），已举办的在后（作为活动照片或签到表）：`),
        ...buttons,
        note('如果都不是，忽略这张卡片即可。'),
      ],
    }),
  });
}
