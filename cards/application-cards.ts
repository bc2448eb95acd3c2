import type { ApplicationEvent } from '../src/db/entities/application-event.entity';
import type { Application } from '../src/db/entities/application.entity';
import { actionLabel, filerActions, isApplicationAction, type FilerAction } from '../src/domain/application-status';
import { formatInstant } from '../src/domain/calendar';
import { codeOf } from '../src/services/application-record';
import { attachmentLine, cancelLine, changeLine, dates, decisionLine, detailLines, displayCode, esc, linkedNeedsLine, mention, STATUS_COLOURS, summaryLines, type LinkedNeed } from './application-lines';
import { button, buttonRow, card, pager, CardElement, CardJson, divider, markdown, note } from './card-kit';
import { clipAtWord, escapeMarkdown } from './markdown';
import { teamButton, teamLine } from './team-line';
import { STAMPED_FORM_ACTION } from './scan-cards';

/**
 * Cards that show an application: the filer's card (confirmation, status, their buttons), the
 * detail card with its audit trail, and lists. Pure data: the caller passes the time zone in
 * which instants are shown. The lines they share are in application-lines.ts and the centre's
 * review card in review-card.ts; both are re-exported here for the modules that import them.
 */

export { attachmentLine, cancelLine, displayCode, mention, STATUS_COLOURS, summaryLines, type LinkedNeed } from './application-lines';
export { REVIEW_ACTION, reviewCard, type ReviewCardView } from './review-card';

export const FILER_BUTTONS: Readonly<Record<FilerAction, { action: string; type: string; confirm?: { title: string; text: string } }>> = {
  继续填写: { action: 'application.resume', type: 'primary' },
  修改: { action: 'application.edit', type: 'default' },
  撤回: { action: 'application.withdraw', type: 'danger', confirm: { title: '撤回申请', text: '撤回后需要重新填写提交。确定撤回这份申请吗？' } },
  申请改期: { action: 'application.change', type: 'default' },
  取消活动: { action: 'application.cancel_form', type: 'danger' },
};

/** After approval an admin may act for the filer: these buttons are shown to admins too. */
const CHANGE_ACTIONS: readonly FilerAction[] = ['申请改期', '取消活动'];

export interface ApplicationCardView {
  app: Application;
  timezone: string;
  /** A line at the top saying what just happened, e.g. 已提交. */
  banner?: string;
  /** The audit trail, for the detail card. */
  history?: ApplicationEvent[];
  /** Show the filer's buttons (修改 / 撤回 / 继续填写 / 申请改期 / 取消活动). */
  filerButtons: boolean;
  /** An admin looking (privately): 申请改期 / 取消活动 on the filer's behalf. */
  adminButtons?: boolean;
  /** 下载申请表 (the pre-filled .docx, privately to the clicker): for the filer and admins. */
  formButton?: boolean;
  /** Enterprise needs linked to it, for the expert team to prepare. */
  linkedNeeds?: LinkedNeed[];
}

/** The filer's card after submitting, and the detail card of 查询 <编号>. */
export function applicationCard(view: ApplicationCardView): CardJson {
  const { app, timezone } = view;
  const elements: CardElement[] = [];
  if (view.banner) elements.push(markdown(view.banner));
  elements.push(markdown(`**编号**：${displayCode(app)}　**状态**：${app.status}`));
  elements.push(markdown(summaryLines(app).join('\n')));
  if (view.history) elements.push(markdown(detailLines(app).join('\n')));
  const decision = decisionLine(app, timezone);
  if (decision) elements.push(markdown(decision));
  const team = teamLine(app);
  if (team) elements.push(markdown(team));
  if (app.status !== '草稿') elements.push(markdown(attachmentLine(app, timezone)));
  const cancelled = cancelLine(app, timezone);
  if (cancelled) elements.push(markdown(cancelled));
  const change = changeLine(app);
  if (change) elements.push(markdown(change));
  const linked = linkedNeedsLine(view.linkedNeeds);
  if (linked) elements.push(markdown(linked));
  if (view.history) {
    elements.push(divider());
    const shown = view.history.slice(-HISTORY_SHOWN);
    const omitted = view.history.length - shown.length;
    const lines = shown.map((e) => historyLine(e, timezone));
    if (omitted > 0) lines.unshift(`- …较早的 ${omitted} 条记录已省略`);
    elements.push(markdown(`**办理记录**\n${lines.join('\n')}`));
  }
  if (view.filerButtons && app.status !== '草稿' && app.draftForm) {
    elements.push(note('您有一次未通过检查、尚未提交的修改；点击「修改」可以接着改。'));
  }
  const code = codeOf(app);
  const buttons: CardElement[] = [];
  if (view.filerButtons || view.adminButtons) {
    const actions = filerActions(app.status).filter((a) => view.filerButtons || CHANGE_ACTIONS.includes(a));
    // `code` names the application in the text command a DingTalk button stands for (撤回 <编号>).
    const value = (a: FilerAction) => ({ action: FILER_BUTTONS[a].action, id: app.id, ...(code ? { code } : {}) });
    buttons.push(...actions.map((a) => button(a, value(a), FILER_BUTTONS[a].type, FILER_BUTTONS[a].confirm)));
    // The centre assigns the expert team (issue 11, item 6).
    if (view.adminButtons && app.status === '已通过') buttons.push(teamButton(app, 'detail'));
  }
  if (view.formButton && app.status !== '草稿') buttons.push(button('下载申请表', { action: STAMPED_FORM_ACTION, id: app.id }));
  if (buttons.length) elements.push(buttonRow(buttons));
  const title = code ? `活动申请 ${code}` : '活动申请（草稿）';
  return card({ title, subtitle: app.orgName ?? undefined, colour: STATUS_COLOURS[app.status], summary: `${title} · ${app.status}`, elements });
}

/** The latest entries of the audit trail that fit a card (30 KB) with room to spare. */
const HISTORY_SHOWN = 12;
/** Reasons are shown in full on the review and filer cards; the trail shortens them. */
const HISTORY_REASON_CHARS = 80;

const AUDIT_WORDS: Record<string, string> = { draft: '保存草稿', attach: '附上盖章扫描件', team: '安排专家团队' };
const CHANGE_EVENTS = new Set(['request_change', 'approve_change']);

function historyLine(e: ApplicationEvent, timezone: string): string {
  const what = AUDIT_WORDS[e.action] ?? (isApplicationAction(e.action) ? actionLabel(e.action) : e.action);
  const move = e.fromStatus && e.fromStatus !== e.toStatus ? `（${e.fromStatus} → ${e.toStatus}）` : '';
  const reason = e.reason && [...e.reason].length > HISTORY_REASON_CHARS ? `${[...e.reason].slice(0, HISTORY_REASON_CHARS).join('')}…` : e.reason;
  const label = e.action === 'approve' || e.action === 'return' || e.action === 'reject' ? '审核意见' : CHANGE_EVENTS.has(e.action) || e.action === 'team' ? '内容' : '原因';
  const why = reason && e.action !== 'attach' ? `，${label}：${escapeMarkdown(reason)}` : '';
  return `- ${formatInstant(e.at, timezone)} ${mention(e.actorOpenId)} ${what}${move}${why}`;
}

export interface ApplicationListView {
  title: string;
  /** Whose applications these are, e.g. 「包头市」的申请. */
  scopeNote: string;
  items: Application[];
  page: number;
  pageSize: number;
  total: number;
  /** The callback value for another page, without the page number. */
  pageValue: Record<string, unknown>;
  /** Drafts that belong to the viewer get a 继续填写 button. */
  viewerOpenId: string;
}

export function applicationListCard(view: ApplicationListView): CardJson {
  const elements: CardElement[] = [];
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  if (view.total === 0) {
    elements.push(markdown(`${view.scopeNote}：还没有申请。发送「申请」可以填写活动申请表。`));
  } else {
    elements.push(markdown(`${view.scopeNote}：共 ${view.total} 份，第 ${view.page + 1}/${pages} 页，最新的在前。`));
    const line = (a: Application) => `- **${displayCode(a)}**　${esc(a.orgName)} · ${esc(a.region, '未选盟市')} · ${a.startDate ? dates(a) : '日期未填'} · **${a.status}**`;
    // A list that spans campaign years (December: this season's and next season's) says which is which.
    const yearOf = (a: Application) => a.codeYear ?? (a.startDate ? Number(a.startDate.slice(0, 4)) : undefined);
    const years = new Set(view.items.map(yearOf).filter((y) => y !== undefined));
    const lines: string[] = [];
    let current: number | undefined;
    for (const a of view.items) {
      const year = yearOf(a);
      if (years.size > 1 && year !== undefined && year !== current) {
        lines.push(`**${year} 年度**`);
        current = year;
      }
      lines.push(line(a));
    }
    elements.push(markdown(lines.join('\n')));
    const drafts = view.items.filter((a) => a.status === '草稿' && a.filerOpenId === view.viewerOpenId);
    if (drafts.length) {
      elements.push(buttonRow(drafts.map((d) => button(`继续填写：${clipAtWord(d.orgName ?? '未命名草稿', 12)}`, { action: 'application.resume', id: d.id }, 'primary'))));
    }
    const nav = pager(view.pageValue, view.page, pages);
    if (nav) elements.push(nav);
    elements.push(note('发送「查询 编号」（如 查询 SQ2027-0001）查看详情和办理记录。'));
  }
  return card({ title: view.title, colour: 'blue', summary: view.title, elements });
}
