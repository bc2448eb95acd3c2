import type { Application } from '../src/db/entities/application.entity';
import { activityLabel, DEFAULT_KIND, findActivity, isActivityKind, KIND_NAMES } from '../src/domain/activity-menu';
import type { ApplicationStatus } from '../src/domain/application-status';
import { formatInstant } from '../src/domain/calendar';
import { changeRequestOf, codeOf, SYSTEM_ACTOR, topicsOf } from '../src/services/application-record';
import type { HeaderColour } from './card-kit';
import { escapeClipped, escapeMarkdown } from './markdown';

/**
 * The lines every card of an application is built from (its code, status colour, summary and
 * details, the decision, a cancellation, a change request, linked needs): shared by the filer's
 * and detail cards (application-cards.ts), the review card (review-card.ts) and the change cards.
 * Pure data.
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

export function esc(v: string | null | undefined, fallback = '（未填写）'): string {
  return v ? escapeMarkdown(v) : fallback;
}

export function dates(app: Application): string {
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

export function detailLines(app: Application): string[] {
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

export function decisionLine(app: Application, timezone: string): string | undefined {
  if (!app.decidedBy || app.decidedAt === null || !DECIDED.has(app.status)) return undefined;
  const verb = app.status === '已退回' ? '退回修改' : app.status === '未通过' ? '不予受理' : '通过';
  // A decision comes with 审核意见 (an approval has no 原因).
  const reason = app.decisionReason ? `，审核意见：${escapeMarkdown(app.decisionReason)}` : '';
  return `**审核**：${mention(app.decidedBy)} 于 ${formatInstant(app.decidedAt, timezone)} ${verb}${reason}`;
}

/** Who cancelled and why, on every card of a cancelled activity. */
export function cancelLine(app: Application, timezone: string): string | undefined {
  if (app.status !== '已取消') return undefined;
  const when = app.cancelledAt !== null ? ` 于 ${formatInstant(app.cancelledAt, timezone)}` : '';
  return `<font color='grey'>**活动已取消**</font>：${mention(app.cancelledBy)}${when} 取消，原因：${esc(app.cancelReason, '（未说明）')}`;
}

/** A change request after approval, as the filer's and detail cards show it. */
export function changeLine(app: Application): string | undefined {
  const request = changeRequestOf(app);
  if (!request || app.status !== '已通过') return undefined;
  const to = `${request.new.startDate} 至 ${request.new.endDate} · ${escapeMarkdown(request.new.venue)} · ${request.new.headcount} 人`;
  if (request.state === '待审核') return `**改期申请**：<font color='orange'>等待中心审核</font>（改为 ${to}）`;
  if (request.state === '不同意') return `**改期申请**：<font color='red'>中心不同意</font>（${to}），原因：${esc(request.reason ?? null, '（未说明）')}`;
  return undefined;
}

/** An enterprise need linked to an application, as its cards list it. */
export interface LinkedNeed {
  code: string;
  enterpriseName: string;
  needType: string;
  status: string;
}

export function linkedNeedsLine(needs: LinkedNeed[] | undefined): string | undefined {
  if (!needs?.length) return undefined;
  const lines = needs.slice(0, 10).map((n) => `- ${n.code} ${escapeClipped(n.enterpriseName, 30)} · ${escapeMarkdown(n.needType)} · ${escapeMarkdown(n.status)}`);
  if (needs.length > 10) lines.push(`- 还有 ${needs.length - 10} 项，发送「需求列表」查看`);
  return `**关联的企业需求**（专家团队请提前准备）\n${lines.join('\n')}`;
}
