import { scanReminderText } from '../../cards/scan-cards';
import { isFeishuUser, scanRequired } from '../../handlers/stamped-form';
import type { Application } from '../db/entities/application.entity';
import { stampedFormDocx, stampedFormFileName, stampedFormTitle } from '../services/stamped-form-docx';
import type { JobContext } from './job-runner';
import { isDue, scanOccasion } from './occasions';

/**
 * The stamped scan's reminder (issue 11): an application waiting for review or approved whose
 * filer has not sent the stamped scan gets, `scanReminderDaysAfter` (3) days after submission, a
 * reminder with the pre-filled 申请表 again. Once per application (the occasion `scan-reminder`
 * in job_occasions); after downtime it is still sent while the activity has not started. Not
 * when the scan has come, nor for returned, rejected, withdrawn or cancelled applications (the
 * reminders job only calls this for 待审核 and 已通过), nor with SCAN_REQUIRED=off.
 */
export async function scanReminder(ctx: JobContext, app: Application): Promise<void> {
  if (!scanRequired(ctx.deps.settings) || app.attachmentKey || !isFeishuUser(app.filerOpenId)) return;
  const o = scanOccasion(app, ctx.deps.schedule, ctx.deps.settings.timezone);
  if (!o || !isDue(o.due, ctx.now, ctx.deps.settings.timezone, ctx.deps.schedule.hour)) return;
  const subject = `application:${app.id}`;
  if (await ctx.done(subject, o.occasion)) return;
  if (o.usefulUntil && ctx.today >= o.usefulUntil) {
    await ctx.record(subject, o.occasion, 'skipped');
    return;
  }
  const fileKey = await ctx.deps.platform.uploadFile(await stampedFormDocx(app), stampedFormFileName(app));
  const text = scanReminderText(app, ctx.deps.schedule.scanReminderDaysAfter, stampedFormTitle(app));
  await ctx.sendToUser(`${subject}:${o.occasion}:text`, app.tenantKey, app.filerOpenId, { type: 'text', text });
  await ctx.sendToUser(`${subject}:${o.occasion}:file`, app.tenantKey, app.filerOpenId, { type: 'file', fileKey });
  await ctx.record(subject, o.occasion, 'sent');
}
