import type { ReportSubmission } from '../src/db/entities/report-submission.entity';
import type { ReportTask } from '../src/db/entities/report-task.entity';
import { formatInstant } from '../src/domain/calendar';
import { REPORT_EXPECTS, type ReportExpects, type ReportTaskField } from '../src/domain/report-rules';
import { button, buttonRow, card, CardElement, CardJson, divider, markdown, note } from './card-kit';
import { errorBanner, form, specFields, submitButton } from './form-kit';
import { reportSubmitFormSpec, reportTaskFormSpec } from '../src/forms/report-form';
import { escapeClipped, escapeMarkdown } from './markdown';
import { atMentions } from './mentions';

/** Report collections (报送任务): the centre's task form, the task as 盟市 see it, submissions, progress. */

export const REPORT_PUBLISH_ACTION = 'report.publish';
export const REPORT_OPEN_ACTION = 'report.open';
export const REPORT_SUBMIT_ACTION = 'report.submit';
export const REPORT_EXPORT_ACTION = 'report.export';
export const REPORT_ATTACH_ACTION = 'report.attach';

export interface ReportTaskFormView {
  token: string;
  regions: readonly string[];
  values?: { title?: string; description?: string; deadline?: string; regions?: string[]; expects?: string };
  errors?: Partial<Record<ReportTaskField, string>>;
}

/** 发起报送: what, by when, from which 盟市 (all by default), in what form. */
export function reportTaskFormCard(view: ReportTaskFormView): CardJson {
  const v = view.values ?? {};
  const errors = view.errors ?? {};
  const count = Object.keys(errors).length;
  const fields: CardElement[] = [
    ...specFields(reportTaskFormSpec(view.regions), { title: v.title, description: v.description, deadline: v.deadline, regions: v.regions, expects: v.expects }, errors),
    submitButton({ name: 'publish', text: '发布报送任务', value: { action: REPORT_PUBLISH_ACTION, form: view.token } }),
  ];
  const elements: CardElement[] = [];
  if (count) elements.push(errorBanner(count));
  elements.push(form('report_form', fields));
  return card({ title: '发起报送任务', colour: count ? 'orange' : 'blue', summary: '发起报送任务', elements });
}

export function taskLines(task: ReportTask, code: string, timezone: string): string[] {
  return [
    `**编号**：${code}　**截止**：${formatInstant(task.deadlineAt, timezone)}`,
    `**报送形式**：${Object.hasOwn(REPORT_EXPECTS, task.expects) ? REPORT_EXPECTS[task.expects as ReportExpects] : escapeMarkdown(task.expects)}`,
    `**要求**：${escapeMarkdown(task.description)}`,
  ];
}

/** The task as a 盟市's group sees it, with 提交. */
export function reportTaskCard(view: { task: ReportTask; code: string; timezone: string; region: string }): CardJson {
  const { task } = view;
  return card({
    title: `报送任务 · ${task.title}`,
    colour: 'blue',
    summary: `报送任务：${task.title}`,
    elements: [
      markdown(`科创服务中心请${escapeMarkdown(view.region)}报送以下材料：`),
      markdown(taskLines(task, view.code, view.timezone).join('\n')),
      button('提交', { action: REPORT_OPEN_ACTION, task: task.id }, 'primary'),
      note('点击「提交」后，报送表会私聊发给您；截止前可重新提交，截止后提交会标记为逾期。'),
    ],
  });
}

/** The private submission form. */
/** `form` is the token of the issued form (ReportForm): the server knows from it whose form it is and for which 盟市. */
export function reportSubmitFormCard(view: { task: ReportTask; code: string; timezone: string; region: string; form: string; text?: string; error?: string; previous?: ReportSubmission | null }): CardJson {
  const { task } = view;
  const expects = task.expects as ReportExpects;
  const elements: CardElement[] = [markdown(taskLines(task, view.code, view.timezone).join('\n'))];
  if (view.previous) elements.push(note(`${escapeMarkdown(view.region)}已于 ${formatInstant(view.previous.submittedAt, view.timezone)} 提交过（第 ${view.previous.times} 次），再次提交会替换文字内容，已发送的文件保留。`));
  elements.push(
    form('report_submit_form', [
      ...specFields(reportSubmitFormSpec({ region: view.region, expects }), { text: view.text ?? view.previous?.text }, { text: view.error }),
      submitButton({ name: 'submit_report', text: '提交', value: { action: REPORT_SUBMIT_ACTION, form: view.form } }),
    ]),
  );
  if (expects !== 'text') elements.push(note('附件：提交后在与我的私聊中发送文件或图片，我会附到这次报送。'));
  return card({ title: `报送 · ${task.title}`, colour: view.error ? 'orange' : 'blue', summary: `报送：${task.title}`, elements });
}

export function reportReceiptCard(view: { task: ReportTask; code: string; timezone: string; submission: ReportSubmission; fileCount: number }): CardJson {
  const { task, submission } = view;
  const awaiting = (task.expects === 'file' || task.expects === 'both') && view.fileCount === 0;
  const late = submission.late ? `<font color='orange'>（截止后提交，已标记为逾期）</font>` : '';
  return card({
    title: `报送回执 · ${task.title}`,
    colour: submission.late ? 'orange' : 'green',
    summary: `报送回执：${task.title}`,
    elements: [
      markdown(`${escapeMarkdown(submission.region)}已于 ${formatInstant(submission.submittedAt, view.timezone)} 提交${submission.times > 1 ? `（第 ${submission.times} 次）` : ''}${late}。`),
      markdown(`**编号**：${view.code}\n**内容**：${submission.text ? escapeMarkdown(submission.text) : '（无文字）'}\n**附件**：${view.fileCount} 个`),
      ...(awaiting ? [markdown(`<font color='orange'>待补附件</font>：这项报送要求附件，请在与我的私聊中发送文件或图片，收到后才计为已提交。`)] : []),
      note(task.expects === 'text' ? '截止前可在群里再次点击「提交」或发送「报送」修改。' : '附件请在与我的私聊中直接发送文件或图片。截止前可在群里再次点击「提交」或发送「报送」修改。'),
    ],
  });
}

export type RegionProgress = { region: string; state: 'submitted' | 'late' | 'awaiting' | 'missing'; submittedAt?: number; times?: number; files: number; reachable: boolean };

/** The centre's view: every targeted 盟市, submitted / late / missing; updated in place. */
export function reportProgressCard(view: { task: ReportTask; code: string; timezone: string; rows: RegionProgress[]; now: number }): CardJson {
  const { task, rows } = view;
  const submitted = rows.filter((r) => r.state === 'submitted').length;
  const late = rows.filter((r) => r.state === 'late').length;
  const missing = rows.filter((r) => r.state === 'missing');
  const awaiting = rows.filter((r) => r.state === 'awaiting').length;
  const closed = view.now > task.deadlineAt;
  const line = (r: RegionProgress) => {
    const when = r.submittedAt ? ` ${formatInstant(r.submittedAt, view.timezone)}` : '';
    const files = r.files ? `，附件 ${r.files} 个` : '';
    if (r.state === 'submitted') return `- ${r.region}：<font color='green'>已提交</font>${when}${files}`;
    if (r.state === 'late') return `- ${r.region}：<font color='orange'>逾期提交</font>${when}${files}`;
    if (r.state === 'awaiting') return `- ${r.region}：<font color='orange'>待补附件</font>（文字已于${when} 提交，尚未收到附件）`;
    return `- ${r.region}：<font color='red'>未提交</font>${r.reachable ? '' : '（未绑定工作群，收不到任务）'}`;
  };
  return card({
    title: `报送进度 · ${task.title}`,
    colour: missing.length + awaiting === 0 ? 'green' : closed ? 'red' : 'blue',
    summary: `报送进度：已提交 ${submitted + late}/${rows.length}`,
    elements: [
      markdown(taskLines(task, view.code, view.timezone).join('\n')),
      divider(),
      markdown(`**已提交 ${submitted + late}/${rows.length}**${late ? `（其中逾期 ${late}）` : ''}，${closed ? '已截止' : '进行中'}，${awaiting ? `待补附件 ${awaiting}，` : ''}未提交 ${missing.length}`),
      markdown(rows.map(line).join('\n')),
      buttonRow([button('导出全部报送', { action: REPORT_EXPORT_ACTION, task: task.id })]),
      note(`发送「报送进度 ${view.code}」可随时查看。只提醒未提交和待补附件的盟市。`),
    ],
  });
}

/** `responsible`: the 盟市's submitter, @-mentioned in the group (issue 13 item 6). */
export function reportReminderCard(view: { task: ReportTask; code: string; timezone: string; region: string; today: boolean; daysLeft: number; awaitingFiles?: boolean; responsible?: string | null }): CardJson {
  const at = atMentions([view.responsible]);
  const what = view.awaitingFiles
    ? `${escapeMarkdown(view.region)}已提交「${escapeMarkdown(view.task.title)}」的文字说明，但尚未发送附件（待补附件）`
    : `${escapeMarkdown(view.region)}尚未报送「${escapeMarkdown(view.task.title)}」`;
  const when = view.today ? '**今天截止**' : `还剩 **${view.daysLeft} 天**`;
  return card({
    title: view.today ? `报送今天截止 · ${view.task.title}` : `报送提醒 · 还剩 ${view.daysLeft} 天`,
    colour: view.today ? 'red' : 'orange',
    summary: `报送提醒：${view.task.title}`,
    elements: [
      markdown(`${what}，${when}（${formatInstant(view.task.deadlineAt, view.timezone)}）。${at ? `请 ${at} 尽快报送。` : ''}`),
      markdown(taskLines(view.task, view.code, view.timezone).join('\n')),
      button('提交', { action: REPORT_OPEN_ACTION, task: view.task.id }, 'primary'),
      note(view.awaitingFiles ? '附件请在与我的私聊中直接发送文件或图片，收到后才计为已提交。「提交」可获取新的报送表。' : '点击「提交」，报送表会私聊发给您；也可随时在本群发送「报送」获取。'),
    ],
  });
}

/**
 * The responsible person's private copy when a report is missing after its deadline, the message
 * that carries the urgent notice (URGENT_ESCALATION, issue 13 item 6).
 */
export function reportUrgentCard(view: { task: ReportTask; code: string; timezone: string; region: string; awaitingFiles?: boolean }): CardJson {
  const what = view.awaitingFiles ? '只提交了文字说明，附件尚未发送（待补附件）' : '尚未提交';
  return card({
    title: `报送已逾期 · ${view.task.title}`,
    colour: 'red',
    summary: `加急：${view.region}的报送已逾期`,
    elements: [
      markdown(`「${escapeMarkdown(view.task.title)}」（${view.code}）已于 ${formatInstant(view.task.deadlineAt, view.timezone)} 截止，${escapeMarkdown(view.region)}${what}。`),
      markdown(taskLines(view.task, view.code, view.timezone).join('\n')),
      note('请在本盟市工作群里发送「报送」获取报送表（附件在与我的私聊中直接发送）；截止后的提交会标记为逾期。'),
    ],
  });
}

export function reportOverdueCard(view: { task: ReportTask; code: string; timezone: string; missing: string[]; awaiting?: readonly string[] }): CardJson {
  const awaiting = new Set(view.awaiting ?? []);
  return card({
    title: `报送已截止 · ${view.missing.length} 个盟市未提交`,
    colour: 'red',
    summary: `报送已截止：${view.task.title}`,
    elements: [
      markdown(`「${escapeMarkdown(view.task.title)}」（${view.code}）已于 ${formatInstant(view.task.deadlineAt, view.timezone)} 截止，以下盟市尚未提交：`),
      markdown(view.missing.map((r) => `- ${r}${awaiting.has(r) ? '（待补附件：只提交了文字说明）' : ''}`).join('\n')),
      note(`发送「报送进度 ${view.code}」查看详情。截止后的提交会标记为逾期。`),
    ],
  });
}

/** 报送进度 without a code: the recent tasks, one line each. */
export function reportTaskListCard(items: Array<{ code: string; title: string; deadline: string; done: number; total: number }>): CardJson {
  return card({
    title: '报送任务',
    colour: 'blue',
    summary: '报送任务',
    elements: [
      markdown(items.length ? items.map((i) => `- **${i.code}** ${escapeClipped(i.title, 30)} · 截止 ${i.deadline} · 已提交 ${i.done}/${i.total}`).join('\n') : '还没有报送任务。中心管理员发送「发起报送」即可发布。'),
      note('发送「报送进度 编号」查看各盟市的提交情况。'),
    ],
  });
}
