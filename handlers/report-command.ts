import { reportSubmitFormCard } from '../cards/report-cards';
import { sanitizeForText } from '../cards/markdown';
import type { ReportTask } from '../src/db/entities/report-task.entity';
import { formatInstant } from '../src/domain/calendar';
import { parseRegion, type Region } from '../src/domain/regions';
import { regionsOf } from '../src/services/report-service';
import { reportCode, submissionState } from './report-flow';
import type { Command, CommandContext, HandlerDeps } from './types';

/** How many open tasks one `报送` sends forms for. */
export const OPEN_TASKS_SHOWN = 10;
/** A task whose deadline passed longer ago than this is no longer offered (late submissions stay possible through 提交). */
const OPEN_AFTER_DEADLINE_MS = 30 * 86_400_000;

const NOT_KNOWN =
  '私聊中无法确定您所在的盟市。请在本盟市的工作群里发送「报送」，我会把该盟市待报送任务的报送表私聊发给您；之后在私聊中发送「报送」也会按该盟市列出。';

/** The open tasks of the asker's 盟市 with a form issued for each (at most OPEN_TASKS_SHOWN). */
export interface IssuedReportForms {
  region: Region;
  /** Said before the list when the 盟市 was found from the asker's history (private chat). */
  intro: string;
  /** How many tasks are open in all. */
  open: number;
  issued: Array<{ task: ReportTask; word: string; token: string }>;
}

/**
 * The 盟市 of a 报送 (the bound group, or in private the asker's last form) and a fresh form for
 * each of its open tasks, issued as 提交 issues them; undefined when it has replied why not.
 * `send`: what to do with each issued form in the same commit (Feishu sends the card).
 */
export async function issueReportForms(
  ctx: CommandContext,
  send?: (tx: HandlerDeps, issued: { task: ReportTask; token: string; region: Region }) => Promise<void>,
): Promise<IssuedReportForms | undefined> {
  const { tenantKey, chatType, chatId, senderOpenId } = ctx.message;
  let region: Region | undefined;
  let groupChat: string;
  let viaHistory = false;
  if (chatType === 'group') {
    const binding = await ctx.deps.bindings.find(tenantKey, chatId);
    region = binding ? parseRegion(binding.scope) : undefined;
    if (!region) return void (await ctx.reply({ type: 'text', text: '「报送」请在已绑定盟市的工作群里发送（或私聊发送）：报送按群所绑定的盟市记录。' }));
    groupChat = chatId;
  } else {
    const last = await ctx.deps.reports.lastFormOf(tenantKey, senderOpenId);
    const boundTo = last ? parseRegion((await ctx.deps.bindings.find(tenantKey, last.chatId))?.scope ?? '') : undefined;
    if (!last || !boundTo || boundTo !== parseRegion(last.region)) return void (await ctx.reply({ type: 'text', text: NOT_KNOWN }));
    region = boundTo;
    groupChat = last.chatId;
    viaHistory = true;
  }
  const open = await openTasks(ctx, region);
  const intro = viaHistory ? `按您最近一次在${region}工作群获取报送表的记录，以下是${region}的任务（如需为其他盟市报送，请在该盟市工作群发送「报送」）。\n` : '';
  if (open.length === 0) return void (await ctx.reply({ type: 'text', text: `${intro}${region}目前没有待报送的任务。` }));
  const shown = open.slice(0, OPEN_TASKS_SHOWN);
  const issued = await ctx.deps.atomically(async (tx) => {
    const out: IssuedReportForms['issued'] = [];
    for (const { task, word } of shown) {
      const form = await tx.reports.issueForm({ tenantKey, task, region: region!, issuedTo: senderOpenId, chatId: groupChat });
      await send?.(tx, { task, token: form.token, region: region! });
      out.push({ task, word, token: form.token });
    }
    return out;
  });
  return { region, intro, open: open.length, issued };
}

/**
 * 报送 (anyone): the open report tasks of a 盟市, each with a fresh private form, so that nobody
 * depends on a task card older than Feishu's 14 days. In a bound 盟市 group: that 盟市. In
 * private: the 盟市 whose group last issued this person a form (report_forms), while that group
 * is still bound to it; otherwise they are asked to send 报送 in their group. The forms are issued
 * as 提交 issues them: tied on the server to (task, 盟市, person, group). On DingTalk the same
 * forms are filled in as a conversation (src/platform/dingtalk/wizard).
 */
export const reportCommand: Command = {
  word: '报送',
  usage: '报送',
  description: '在本盟市工作群（或私聊）列出本盟市待报送的任务，并把每项的报送表私聊发给您',
  async run(ctx) {
    const { tenantKey, chatType, senderOpenId } = ctx.message;
    const tz = ctx.deps.settings.timezone;
    const result = await issueReportForms(ctx, async (tx, { task, token, region }) => {
      const previous = await tx.reports.submissionOf(task.id, region);
      const card = reportSubmitFormCard({ task, code: reportCode(task), timezone: tz, region, form: token, previous });
      await tx.messenger.sendToUser({ tenantKey, key: `report:${task.id}:form:${region}:${senderOpenId}:cmd:${ctx.message.messageId}` }, senderOpenId, { type: 'card', card });
    });
    if (!result) return;
    const { region, intro, open, issued } = result;
    const lines = issued.map(({ task, word }) => `· ${reportCode(task)}「${sanitizeForText(task.title)}」截止 ${formatInstant(task.deadlineAt, tz)}（${word}）`);
    const more = open - issued.length;
    const where = chatType === 'group' ? '已私聊发给您' : '已在本私聊中发给您';
    await ctx.reply({
      type: 'text',
      text: `${intro}${region}有 ${open} 项报送任务待处理，报送表${where}：\n${lines.join('\n')}${more > 0 ? `\n还有 ${more} 项，提交后再次发送「报送」即可。` : ''}`,
    });
  },
};

/** The tasks that ask this 盟市 and are not done: deadline ahead, or passed lately without a complete submission. */
async function openTasks(ctx: CommandContext, region: Region): Promise<Array<{ task: ReportTask; word: string }>> {
  const now = ctx.deps.now();
  const result: Array<{ task: ReportTask; word: string }> = [];
  const tasks = (await ctx.deps.reports.recent(ctx.message.tenantKey, 100)).filter((t) => regionsOf(t).includes(region) && t.deadlineAt > now - OPEN_AFTER_DEADLINE_MS);
  tasks.sort((a, b) => a.deadlineAt - b.deadlineAt);
  for (const task of tasks) {
    const sub = await ctx.deps.reports.submissionOf(task.id, region);
    const state = submissionState(task, sub, sub ? await ctx.deps.reports.filesOf([sub.id]) : []);
    const ahead = task.deadlineAt > now;
    if (!ahead && (state === 'submitted' || state === 'late')) continue;
    const word = state === 'missing' ? (ahead ? '未提交' : '已截止，可逾期提交') : state === 'awaiting' ? '待补附件' : '已提交，截止前可修改';
    result.push({ task, word });
  }
  return result;
}
