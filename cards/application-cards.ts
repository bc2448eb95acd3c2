import type { ApplicationEvent } from '../src/db/entities/application-event.entity';
import type { Application } from '../src/db/entities/application.entity';
import { activityLabel, DEFAULT_KIND, findActivity, isActivityKind, KIND_NAMES } from '../src/domain/activity-menu';
import { actionLabel, filerActions, isApplicationAction, MAX_REASON_LENGTH, type ApplicationStatus, type FilerAction } from '../src/domain/application-status';
import { formatInstant } from '../src/domain/calendar';
import { changeRequestOf, codeOf, SYSTEM_ACTOR, topicsOf } from '../src/services/application-record';
import { button, buttonRow, card, pager, CardElement, CardJson, divider, HeaderColour, markdown, note } from './card-kit';
import { clipAtWord, escapeClipped, escapeMarkdown } from './markdown';
import { textInput } from './form-kit';
import { teamButton, teamLine } from './team-line';
import { STAMPED_FORM_ACTION } from './scan-cards';

/**
 * Cards that show an application: the filer's card (confirmation, status, their buttons), the
 * detail card with its audit trail, the centre's review card, and lists. Pure data: the caller
 * passes the time zone in which instants are shown.
 */

export const STATUS_COLOURS: Readonly<Record<ApplicationStatus, HeaderColour>> = {
  草稿: 'grey',
  待审核: 'blue',
  已退回: 'orange',
  已通过: 'green',
  未通过: 'red',
  已撤回: 'grey',
  已举办: 'turquoise',
  已总结: 'green',
  已取消: 'grey',
};

/** Names a person in card markdown: Feishu renders the open_id as the person's name. */
export function mention(openId: string | null): string {
  if (!openId) return '（未知）';
  if (openId === SYSTEM_ACTOR) return '系统';
  return /^ou_[A-Za-z0-9_]+$/.test(openId) ? `<at id=${openId}></at>` : escapeMarkdown(openId);
}

export function displayCode(app: Application): string {
  return codeOf(app) ?? '草稿（未提交）';
}

function esc(v: string | null | undefined, fallback = '（未填写）'): string {
  return v ? escapeMarkdown(v) : fallback;
}

function dates(app: Application): string {
  if (!app.startDate) return '（未填写）';
  if (!app.endDate || app.endDate === app.startDate) return `${app.startDate}（1 天）`;
  const days = Math.round((Date.parse(app.endDate) - Date.parse(app.startDate)) / 86_400_000) + 1;
  return `${app.startDate} 至 ${app.endDate}（${days} 天）`;
}

/** 对外交流活动 may leave the breakdown empty: then only what was given is shown. */
function headcountText(app: Application): string {
  const parts = [`${app.headcount} 人`];
  if (app.coreCount !== null) parts[0] += `，其中第（2）（3）类人员 ${app.coreCount} 人`;
  if (app.enterpriseCount !== null) {
    parts.push(`参与企业 ${app.enterpriseCount} 家${app.keyIndustryCount !== null ? `，其中十大产业企业 ${app.keyIndustryCount} 家` : ''}`);
  }
  return parts.join('；');
}

/** The lines everybody needs to recognise an application. */
export function summaryLines(app: Application): string[] {
  const lines = [
    `**活动类别**：${KIND_NAMES[isActivityKind(app.kind) ? app.kind : DEFAULT_KIND]}`,
    `**申请单位**：${esc(app.orgName)}`,
    `**盟市 / 地点**：${esc(app.region, '（未选择）')} · ${esc(app.venue)}`,
    `**活动时间**：${dates(app)}`,
  ];
  if (app.headcount !== null) lines.push(`**活动人数**：${headcountText(app)}`);
  return lines;
}

function detailLines(app: Application): string[] {
  const topics = topicsOf(app)
    .map((v) => findActivity(v))
    .filter((o) => o !== undefined)
    .map((o) => `- ${escapeMarkdown(activityLabel(o))}`);
  const lines = [
    `**活动对象**：${esc(app.audience)}`,
    `**企业需求**：${esc(app.needs)}`,
    `**活动内容**：${topics.length ? `\n${topics.join('\n')}` : '（未选择）'}`,
    `**联系人**：${esc(app.contactName)} · ${esc(app.mobile)} · ${esc(app.email)}`,
  ];
  if (app.remarks) lines.push(`**备注**：${escapeMarkdown(app.remarks)}`);
  return lines;
}

export function attachmentLine(app: Application, timezone: string): string {
  if (!app.attachmentKey) return '**盖章扫描件**：<font color=\'orange\'>尚未收到</font>（申请人在私聊中发送图片或文件即可）';
  const what = app.attachmentKind === 'image' ? '图片' : `文件「${esc(app.attachmentName, '未命名')}」`;
  return `**盖章扫描件**：<font color='green'>已附</font>（${what}，${app.attachedAt !== null ? `${formatInstant(app.attachedAt, timezone)} ` : ''}收到）`;
}

/** Statuses that a decision led to (directly or later): only there is the decision news. */
const DECIDED: ReadonlySet<ApplicationStatus> = new Set(['已通过', '已退回', '未通过', '已举办', '已总结']);

function decisionLine(app: Application, timezone: string): string | undefined {
  if (!app.decidedBy || app.decidedAt === null || !DECIDED.has(app.status)) return undefined;
  const verb = app.status === '已退回' ? '退回修改' : app.status === '未通过' ? '不予受理' : '通过';
  // A decision comes with 审核意见 (an approval has no 原因).
  const reason = app.decisionReason ? `，审核意见：${escapeMarkdown(app.decisionReason)}` : '';
  return `**审核**：${mention(app.decidedBy)} 于 ${formatInstant(app.decidedAt, timezone)} ${verb}${reason}`;
}

export const FILER_BUTTONS: Readonly<Record<FilerAction, { action: string; type: string; confirm?: { title: string; text: string } }>> = {
  继续填写: { action: 'application.resume', type: 'primary' },
  修改: { action: 'application.edit', type: 'default' },
  撤回: { action: 'application.withdraw', type: 'danger', confirm: { title: '撤回申请', text: '撤回后需要重新填写提交。确定撤回这份申请吗？' } },
  申请改期: { action: 'application.change', type: 'default' },
  取消活动: { action: 'application.cancel_form', type: 'danger' },
};

/** After approval an admin may act for the filer: these buttons are shown to admins too. */
const CHANGE_ACTIONS: readonly FilerAction[] = ['申请改期', '取消活动'];

/** Who cancelled and why, on every card of a cancelled activity. */
export function cancelLine(app: Application, timezone: string): string | undefined {
  if (app.status !== '已取消') return undefined;
  const when = app.cancelledAt !== null ? ` 于 ${formatInstant(app.cancelledAt, timezone)}` : '';
  return `<font color='grey'>**活动已取消**</font>：${mention(app.cancelledBy)}${when} 取消，原因：${esc(app.cancelReason, '（未说明）')}`;
}

/** A change request after approval, as the filer's and detail cards show it. */
function changeLine(app: Application): string | undefined {
  const request = changeRequestOf(app);
  if (!request || app.status !== '已通过') return undefined;
  const to = `${request.new.startDate} 至 ${request.new.endDate} · ${escapeMarkdown(request.new.venue)} · ${request.new.headcount} 人`;
  if (request.state === '待审核') return `**改期申请**：<font color='orange'>等待中心审核</font>（改为 ${to}）`;
  if (request.state === '不同意') return `**改期申请**：<font color='red'>中心不同意</font>（${to}），原因：${esc(request.reason ?? null, '（未说明）')}`;
  return undefined;
}

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

/** An enterprise need linked to an application, as its cards list it. */
export interface LinkedNeed {
  code: string;
  enterpriseName: string;
  needType: string;
  status: string;
}

function linkedNeedsLine(needs: LinkedNeed[] | undefined): string | undefined {
  if (!needs?.length) return undefined;
  const lines = needs.slice(0, 10).map((n) => `- ${n.code} ${escapeClipped(n.enterpriseName, 30)} · ${escapeMarkdown(n.needType)} · ${escapeMarkdown(n.status)}`);
  if (needs.length > 10) lines.push(`- 还有 ${needs.length - 10} 项，发送「需求列表」查看`);
  return `**关联的企业需求**（专家团队请提前准备）\n${lines.join('\n')}`;
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
