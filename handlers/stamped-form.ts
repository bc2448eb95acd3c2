import { stampedFormAgainIntro, stampedFormIntro } from '../cards/scan-cards';
import type { Application } from '../src/db/entities/application.entity';
import type { Logger } from '../src/logger';
import { codeOf } from '../src/services/application-record';
import { stampedFormDocx, stampedFormFileName, stampedFormTitle } from '../src/services/stamped-form-docx';
import { mayAct } from './application-flow';
import type { CardActionHandler, HandlerDeps, Settings } from './types';

/**
 * The pre-filled 申请表 (issue 11): made as a .docx (src/services/stamped-form-docx.ts), uploaded
 * with the platform's file upload and sent through the outbox as a text and a file message, the
 * way the year-end figures are. The filer gets it after each successful submission; the filer or
 * any admin may ask for it again with 下载申请表 (privately, to whoever clicked).
 */

/** SCAN_REQUIRED: unless `off`, 通过 without a scan asks once more and the filer is reminded. */
export function scanRequired(settings: Pick<Settings, 'scanRequired'>): boolean {
  return (settings.scanRequired ?? 'confirm') !== 'off';
}

/**
 * Makes the form, uploads it and queues the text and the file to `openId`, both in one commit,
 * under keys derived from `key` (the same key again queues nothing).
 */
export async function sendStampedForm(deps: HandlerDeps, app: Application, openId: string, key: string, intro: (title: string) => string): Promise<void> {
  const name = stampedFormFileName(app);
  const buffer = await stampedFormDocx(app);
  const fileKey = await deps.platform.uploadFile(buffer, name);
  const title = stampedFormTitle(app);
  await deps.atomically(async (tx) => {
    await tx.messenger.sendToUser({ tenantKey: app.tenantKey, key: `${key}:text` }, openId, { type: 'text', text: intro(title) });
    await tx.messenger.sendToUser({ tenantKey: app.tenantKey, key: `${key}:file` }, openId, { type: 'file', fileKey });
  });
}

/**
 * After a submission has committed: the form to the filer, once per submitted version. It runs
 * after the card's answer (making and uploading a file may take longer than Feishu waits for
 * the answer); if it fails it is logged, and 下载申请表 and the scan reminder send it again.
 */
export function sendFormAfterSubmission(deps: HandlerDeps, app: Application, log: Logger): void {
  if (!isFeishuUser(app.filerOpenId)) return;
  const key = `stamped-form:${app.id}:v${app.version}`;
  void sendStampedForm(deps, app, app.filerOpenId, key, (title) => stampedFormIntro(app, title)).then(
    () => log.info({ applicationId: app.id, code: codeOf(app) }, 'stamped form sent to the filer'),
    (err) => log.error({ err, applicationId: app.id }, 'stamped form: making or uploading the .docx failed; the filer can use 下载申请表'),
  );
}

/** Files go out through Feishu's upload: a filer known by another platform's id gets none (yet). */
export function isFeishuUser(id: string): boolean {
  return /^ou_/.test(id);
}

const error = (content: string) => ({ toast: { type: 'error' as const, content } });

/** 下载申请表 on an application's card: the filer or an admin; any status but 草稿. */
export const downloadStampedForm: CardActionHandler = async (ctx) => {
  const id = Number(ctx.value.id);
  const app = Number.isSafeInteger(id) && id > 0 ? await ctx.deps.applications.get(ctx.tenantKey, id) : null;
  if (!app) return error('没有找到这份申请。请发送「查询」查看您的申请。');
  if (!mayAct(app, ctx.operatorOpenId, ctx.isAdmin)) {
    ctx.log.warn({ applicationId: app.id }, 'stamped form asked for by somebody who is neither the filer nor an admin');
    return error('只有申请人本人或中心管理员可以获取这份申请表。');
  }
  if (app.status === '草稿' || !codeOf(app)) return error('这份申请还是草稿，提交后才有申请表。');
  // Each click sends it (a new callback id); the same callback replayed sends nothing more.
  const key = `stamped-form:${app.id}:v${app.version}:to:${ctx.operatorOpenId}:${ctx.eventId ?? ctx.deps.now()}`;
  try {
    await sendStampedForm(ctx.deps, app, ctx.operatorOpenId, key, (title) => stampedFormAgainIntro(app, title));
  } catch (err) {
    ctx.log.error({ err, applicationId: app.id }, 'stamped form: making or uploading the .docx failed');
    return error('申请表生成失败，请稍后再试。');
  }
  ctx.log.info({ applicationId: app.id }, 'stamped form sent on request');
  return { toast: { type: 'success', content: `申请表（${codeOf(app)}）已私聊发给您` } };
};
