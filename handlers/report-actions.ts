import {
  REPORT_ATTACH_ACTION,
  REPORT_EXPORT_ACTION,
  REPORT_OPEN_ACTION,
  REPORT_PUBLISH_ACTION,
  REPORT_SUBMIT_ACTION,
  reportReceiptCard,
  reportSubmitFormCard,
  reportTaskCard,
  reportTaskFormCard,
  reportTaskListCard,
} from '../cards/report-cards';
import { sanitizeForText } from '../cards/markdown';
import type { ReportSubmission } from '../src/db/entities/report-submission.entity';
import type { ReportTask } from '../src/db/entities/report-task.entity';
import { formatInstant } from '../src/domain/calendar';
import { parseCodeWith } from '../src/domain/codes';
import { CENTRE, parseRegion, REGIONS } from '../src/domain/regions';
import { checkReportTaskForm, reportTextError, type ReportExpects } from '../src/domain/report-rules';
import type { Attachment } from '../src/services/application-service';
import { regionsOf } from '../src/services/report-service';
import { buildWorkbook } from '../src/services/sheet-writing';
import { centreTargets, formTokenFor, forwardToCentre, numberingYearOf } from './application-flow';
import { needsFile, progressCardFor, progressOf, REPORT_CODE_PREFIX, refreshProgressCards, reportCode, STATE_WORDS, submissionState } from './report-flow';
import type { CardActionContext, CardActionHandler, CardActionResult, Command, HandlerDeps } from './types';
import type { CardJson } from '../cards/card-kit';

/**
 * Report collections (报送任务): 发起报送 (admins) publishes a task to the targeted 盟市's groups
 * and a progress card to the centre; a 盟市 submits through 提交 (a private form, then files in the
 * private chat); the centre's card updates in place; 报送进度 shows it on demand; 导出 sends a
 * spreadsheet of everything.
 */

const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });
const ADMINS_ONLY = '只有科创服务中心的管理员可以发起和管理报送任务。';

/** Admins, privately or in the centre's group: where the centre's business is done. */
async function inCentre(deps: HandlerDeps, tenantKey: string, chatType: 'p2p' | 'group', chatId: string): Promise<boolean> {
  return chatType === 'p2p' || (await deps.bindings.find(tenantKey, chatId))?.scope === CENTRE;
}

export const publishCommand: Command = {
  word: '发起报送',
  usage: '发起报送',
  description: '向各盟市发起报送任务（标题、要求、截止时间、盟市），自动统计并只提醒未提交的盟市',
  adminOnly: true,
  async run(ctx) {
    const { tenantKey, chatType, chatId, messageId } = ctx.message;
    if (!ctx.isAdmin) return ctx.reply({ type: 'text', text: ADMINS_ONLY });
    if (!(await inCentre(ctx.deps, tenantKey, chatType, chatId))) return ctx.reply({ type: 'text', text: '「发起报送」请在私聊或中心工作群中使用。' });
    await ctx.reply({ type: 'card', card: reportTaskFormCard({ token: formTokenFor(`report\n${tenantKey}\n${messageId}`), regions: REGIONS }) });
  },
};

export const progressCommand: Command = {
  word: '报送进度',
  usage: '报送进度 / 报送进度 <编号>',
  description: '查看报送任务各盟市的提交情况（已提交、逾期、未提交）',
  adminOnly: true,
  async run(ctx) {
    const { tenantKey, chatType, chatId } = ctx.message;
    if (!(ctx.isAdmin && (await inCentre(ctx.deps, tenantKey, chatType, chatId))) && !((await ctx.deps.bindings.find(tenantKey, chatId))?.scope === CENTRE)) {
      return ctx.reply({ type: 'text', text: '报送进度只在中心工作群或管理员私聊中查看。' });
    }
    if (!ctx.args) {
      const tasks = await ctx.deps.reports.recent(tenantKey);
      const items = [];
      for (const task of tasks) {
        const rows = await progressOf(ctx.deps, task);
        items.push({ code: reportCode(task), title: task.title, deadline: formatInstant(task.deadlineAt, ctx.deps.settings.timezone), done: rows.filter((r) => r.state === 'submitted' || r.state === 'late').length, total: rows.length });
      }
      return ctx.reply({ type: 'card', card: reportTaskListCard(items) });
    }
    const code = parseCodeWith(REPORT_CODE_PREFIX, ctx.args);
    const task = code ? await ctx.deps.reports.findByCode(tenantKey, code.year, code.seq) : null;
    if (!task) return ctx.reply({ type: 'text', text: `没有找到报送任务「${sanitizeForText(ctx.args)}」。编号形如 BS${numberingYearOf(ctx.deps)}-0001；发送「报送进度」查看全部任务。` });
    const key = `report:${task.id}:progress:reply:${ctx.message.messageId}`;
    await ctx.deps.messenger.reply({ tenantKey, key }, ctx.message.messageId, chatId, { type: 'card', card: await progressCardFor(ctx.deps, task) });
    await ctx.deps.reports.addProgressKeys(task, [key]);
  },
};

/** Sends a new task to the targeted 盟市's groups and progress cards to the centre; returns how many 盟市 it reached. */
async function announceTask(deps: HandlerDeps, task: ReportTask, ctx: CardActionContext): Promise<{ reached: number; progress: CardJson }> {
  let reached = 0;
  for (const region of regionsOf(task)) {
    const chats = await deps.bindings.chatsFor(task.tenantKey, parseRegion(region)!);
    for (const chat of chats) {
      const card = reportTaskCard({ task, code: reportCode(task), timezone: deps.settings.timezone, region });
      await deps.messenger.sendToChat({ tenantKey: task.tenantKey, key: `report:${task.id}:task:${chat.chatId}` }, chat.chatId, { type: 'card', card });
    }
    if (chats.length) reached += 1;
  }
  // The centre's progress card(s), updated in place as submissions come in.
  const progress = await progressCardFor(deps, task);
  const keys: string[] = [];
  for (const target of await centreTargets(deps, task.tenantKey)) {
    if (target.kind === 'chat' && target.id === ctx.chatId) continue; // this card becomes the progress card
    const key = `report:${task.id}:progress:${target.kind}:${target.id}`;
    const ref = { tenantKey: task.tenantKey, key };
    if (target.kind === 'chat') await deps.messenger.sendToChat(ref, target.id, { type: 'card', card: progress });
    else if (target.id !== ctx.operatorOpenId) await deps.messenger.sendToUser(ref, target.id, { type: 'card', card: progress });
    else continue;
    keys.push(key);
  }
  // The card this click came from becomes a progress card too, kept up to date with the others.
  if (ctx.messageId) keys.push(`msg:${ctx.messageId}`);
  await deps.reports.addProgressKeys(task, keys);
  return { reached, progress };
}

const publish: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  const token = typeof ctx.value.form === 'string' ? ctx.value.form : '';
  if (!token) return error('这张表单已失效，请重新发送「发起报送」。');
  const form = ctx.formValue ?? {};
  const checked = checkReportTaskForm(form, { now: deps.now(), timezone: deps.settings.timezone });
  if (!checked.ok) {
    const s = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const regions = Array.isArray(form.regions) ? form.regions : [];
    return {
      toast: { type: 'warning', content: `有 ${Object.keys(checked.errors).length} 项需要修改，请查看表单中的红色提示` },
      card: reportTaskFormCard({ token, regions: REGIONS, values: { title: s('title'), description: s('description'), deadline: s('deadline'), regions, expects: s('expects') }, errors: checked.errors }),
    };
  }
  // The numbered task, the group cards and the centre's progress cards: one commit.
  const { task, created, reached, progress } = await deps.atomically(async (tx) => {
    const made = await tx.reports.create({ tenantKey: ctx.tenantKey, formToken: token, year: numberingYearOf(tx), createdBy: ctx.operatorOpenId, task: checked.task });
    if (!made.created) return { ...made, reached: 0, progress: await progressCardFor(tx, made.task) };
    return { ...made, ...(await announceTask(tx, made.task, ctx)) };
  });
  const code = reportCode(task);
  if (!created) return { toast: { type: 'info', content: `这项报送任务已经发布，编号 ${code}。` }, card: progress };
  ctx.log.info({ taskId: task.id, regions: regionsOf(task).length, reached }, 'report task published');
  const unreached = regionsOf(task).length - reached;
  return {
    toast: { type: 'success', content: `已发布 ${code}，已发送到 ${reached} 个盟市工作群${unreached ? `，${unreached} 个盟市未绑定群` : ''}` },
    card: progress,
  };
};

/** 提交 in a 盟市's group: the private form, for the 盟市 the group is bound to. */
const open: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const task = await deps.reports.get(ctx.tenantKey, Number(ctx.value.task));
  if (!task) return error('没有找到这项报送任务。');
  const binding = ctx.chatId ? await deps.bindings.find(ctx.tenantKey, ctx.chatId) : null;
  const region = binding ? parseRegion(binding.scope) : undefined;
  if (!region) return error('请在本盟市的工作群里点击「提交」：报送按群所绑定的盟市记录。');
  if (!regionsOf(task).includes(region)) return error(`这项报送任务不需要「${region}」报送。`);
  // The form is tied on the server to (task, 盟市 of this group, who clicked): see submit.
  await deps.atomically(async (tx) => {
    const form = await tx.reports.issueForm({ tenantKey: ctx.tenantKey, task, region, issuedTo: ctx.operatorOpenId, chatId: ctx.chatId! });
    const previous = await tx.reports.submissionOf(task.id, region);
    const card = reportSubmitFormCard({ task, code: reportCode(task), timezone: tx.settings.timezone, region, form: form.token, previous });
    await tx.messenger.sendToUser({ tenantKey: ctx.tenantKey, key: `report:${task.id}:form:${region}:${ctx.operatorOpenId}:v${task.version}` }, ctx.operatorOpenId, { type: 'card', card });
  });
  return { toast: { type: 'success', content: '报送表已私聊发给您，请在私聊中填写提交。' } };
};

const STALE_FORM = '这张报送表已失效，请在本盟市工作群里发送「报送」获取新的报送表。';

/**
 * 提交 on the private form. Who may submit for which 盟市 is decided on the server, never by the
 * card: the form's token names the issued form (task, 盟市, recipient, group); only its recipient
 * may use it, only while that group is still bound to that 盟市, and only once: a replayed
 * callback finds it used and changes nothing.
 */
const submit: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const token = typeof ctx.value.form === 'string' ? ctx.value.form : '';
  const form = token ? await deps.reports.findForm(ctx.tenantKey, token) : null;
  if (!form) {
    ctx.log.warn('report submission without an issued form refused');
    return error(STALE_FORM);
  }
  if (form.issuedTo !== ctx.operatorOpenId) {
    ctx.log.warn({ formId: form.id }, 'report submission by somebody the form was not sent to refused');
    return error('这张报送表是发给另一位同事的。请在本盟市工作群里点击「提交」，获取您自己的报送表。');
  }
  const task = await deps.reports.get(ctx.tenantKey, form.taskId);
  const region = parseRegion(form.region);
  if (!task || !region || !regionsOf(task).includes(region)) return error(STALE_FORM);
  // Stryker disable next-line StringLiteral: any text that names no 盟市 parses to none, as '' does
  if (parseRegion((await deps.bindings.find(ctx.tenantKey, form.chatId))?.scope ?? '') !== region) {
    ctx.log.warn({ formId: form.id }, 'report submission from a group no longer bound to its 盟市 refused');
    return error(`发出这张报送表的群已不再绑定「${region}」，不能为其报送。请在「${region}」的工作群里重新点击「提交」。`);
  }
  const code = reportCode(task);
  if (form.submittedAt !== null) return alreadySubmitted(ctx, task, region);
  const text = typeof ctx.formValue?.text === 'string' ? ctx.formValue.text : '';
  const problem = reportTextError(text, task.expects as ReportExpects);
  if (problem) return { toast: { type: 'warning', content: problem }, card: reportSubmitFormCard({ task, code, timezone: deps.settings.timezone, region, form: form.token, text, error: problem }) };
  // The form used, the submission, the task's new version and the progress cards' update: one commit.
  const result = await deps.atomically(async (tx) => {
    if (!(await tx.reports.useForm(form))) return undefined;
    const submitted = await tx.reports.submit(task, region, text.trim(), ctx.operatorOpenId);
    await refreshProgressCards(tx, submitted.task);
    return submitted;
  });
  if (!result) return alreadySubmitted(ctx, task, region);
  const files = (await deps.reports.filesOf([result.submission.id])).length;
  ctx.log.info({ taskId: task.id, region, late: result.submission.late, times: result.submission.times }, 'report submitted');
  const awaiting = needsFile(task) && files === 0;
  return {
    toast: awaiting
      ? { type: 'warning', content: `已收到文字说明，待补附件：请在私聊中发送文件，收到后才计为已提交（${code}）` }
      : result.submission.late ? { type: 'warning', content: '已提交，截止时间已过，标记为逾期' } : { type: 'success', content: `已提交 ${code}` },
    card: reportReceiptCard({ task, code, timezone: deps.settings.timezone, submission: result.submission, fileCount: files }),
  };
};

/** A form submitted again (a double click, a replayed callback): nothing changes; the receipt as it stands. */
async function alreadySubmitted(ctx: CardActionContext, task: ReportTask, region: string): Promise<CardActionResult> {
  const { deps } = ctx;
  const submission = await deps.reports.submissionOf(task.id, region);
  const toast = { type: 'info' as const, content: '这张报送表已经提交过了。如需修改，请在本盟市工作群里再次点击「提交」。' };
  if (!submission) return { toast };
  const files = (await deps.reports.filesOf([submission.id])).length;
  return { toast, card: reportReceiptCard({ task, code: reportCode(task), timezone: deps.settings.timezone, submission, fileCount: files }) };
}

/** Files a file or image with a report submission; returns what to tell the sender. */
export async function attachToReport(deps: HandlerDeps, submission: ReportSubmission, task: ReportTask, attachment: Attachment, actor: string): Promise<string> {
  // The file, the task's new version, the forward and the progress cards' update: one commit.
  const count = await deps.atomically(async (tx) => {
    const n = await tx.reports.addFile(submission, attachment, actor);
    await forwardToCentre(tx, task.tenantKey, attachment.messageId);
    const fresh = await tx.reports.get(task.tenantKey, task.id);
    if (fresh) await refreshProgressCards(tx, fresh);
    return n;
  });
  const completed = needsFile(task) && count === 1 ? `${submission.region}的这项报送现已计为已提交。` : '';
  return `已收到，作为${submission.region}报送「${task.title}」（${reportCode(task)}）的附件保存（共 ${count} 个）。${completed}`;
}

const attach: CardActionHandler = async (ctx) => {
  const submission = await ctx.deps.reports.getSubmission(Number(ctx.value.submission));
  const task = submission ? await ctx.deps.reports.get(ctx.tenantKey, submission.taskId) : null;
  if (!submission || !task || submission.submittedBy !== ctx.operatorOpenId) return error('只能把文件附到您自己提交的报送上。');
  const v = ctx.value;
  if ((v.kind !== 'image' && v.kind !== 'file') || typeof v.key !== 'string' || typeof v.msg !== 'string') return error('这张卡片已失效，请重新发送文件。');
  const message = await attachToReport(ctx.deps, submission, task, { kind: v.kind, key: v.key, name: typeof v.name === 'string' ? v.name : null, messageId: v.msg }, ctx.operatorOpenId);
  return { toast: { type: 'success', content: message } };
};

/** 导出: every submission of the task with its files listed, as a spreadsheet sent privately. */
const exportAll: CardActionHandler = async (ctx: CardActionContext) => {
  const { deps } = ctx;
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  const task = await deps.reports.get(ctx.tenantKey, Number(ctx.value.task));
  if (!task) return error('没有找到这项报送任务。');
  const code = reportCode(task);
  const subs = await deps.reports.submissionsOf(task.id);
  const files = await deps.reports.filesOf(subs.map((s) => s.id));
  const tz = deps.settings.timezone;
  // Through the shared writer: a submission's text starting with '=' stays text (no formula injection).
  const buffer = await buildWorkbook([
    {
      name: '报送情况',
      columns: [
        { header: '盟市', width: 12 },
        { header: '状态', width: 10 },
        { header: '提交时间', width: 18 },
        { header: '提交次数', width: 10, kind: 'number' },
        { header: '文字内容', width: 60 },
        { header: '附件', width: 40 },
      ],
      rows: regionsOf(task).map((region) => {
        const sub = subs.find((s) => s.region === region);
        return [
          region,
          STATE_WORDS[submissionState(task, sub, files)],
          sub ? formatInstant(sub.submittedAt, tz) : '',
          sub?.times ?? 0,
          sub?.text ?? '',
          sub ? files.filter((f) => f.submissionId === sub.id).map((f) => f.name ?? (f.kind === 'image' ? '图片' : '文件')).join('、') : '',
        ];
      }),
    },
  ]);
  const fileKey = await deps.platform.uploadFile(buffer, `${code}-报送情况.xlsx`);
  await deps.messenger.sendToUser({ tenantKey: ctx.tenantKey, key: `report:${task.id}:export:${ctx.operatorOpenId}:v${task.version}` }, ctx.operatorOpenId, { type: 'file', fileKey });
  return { toast: { type: 'success', content: '导出文件已私聊发给您' } };
};

export const REPORT_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [REPORT_PUBLISH_ACTION]: publish,
  [REPORT_OPEN_ACTION]: open,
  [REPORT_SUBMIT_ACTION]: submit,
  [REPORT_ATTACH_ACTION]: attach,
  [REPORT_EXPORT_ACTION]: exportAll,
};
