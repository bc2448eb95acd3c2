import type { Application } from '../src/db/entities/application.entity';
import { displayCode, summaryLines } from './application-cards';
import { button, card, CardJson, markdown, note } from './card-kit';
import { escapeClipped, escapeMarkdown } from './markdown';
import { teamNames } from './team-line';
import { atMentions } from './mentions';

/** The reminders the scheduled jobs send. Pure data. */

/** Whole days from one calendar date to another. */
function daysFromTo(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** 明天开始 rather than "1 天后开始". */
export function startsIn(days: number): string {
  if (days <= 0) return '今天开始';
  if (days === 1) return '明天开始';
  if (days === 2) return '后天开始';
  return `${days} 天后开始`;
}

export function draftDeadlineCard(app: Application, deadline: string, daysLeft: number): CardJson {
  const when = daysLeft <= 0 ? '**今天是最后一天**' : `还剩 **${daysLeft} 天**`;
  const leadDays = app.startDate ? daysFromTo(deadline, app.startDate) : undefined;
  return card({
    title: daysLeft <= 0 ? '申请今天截止' : `申请截止提醒 · 还剩 ${daysLeft} 天`,
    colour: daysLeft <= 0 ? 'red' : 'orange',
    summary: `申请草稿将于 ${deadline} 截止提交`,
    elements: [
      markdown(
        `您有一份尚未提交的申请草稿。活动计划于 **${app.startDate}** 开始，按通知要求，申请须在活动开始 ${leadDays ?? 10} 日前提交，即最晚 **${deadline}**，${when}。`,
      ),
      markdown(summaryLines(app).join('\n')),
      button('继续填写', { action: 'application.resume', id: app.id }, 'primary'),
      note('逾期未提交的，需调整活动日期后再申请。'),
    ],
  });
}

/**
 * `responsible`: in a group, the person to @-mention (the filer), so the reminder reaches them
 * there too (issue 13 item 6); the filer's own private copy names nobody.
 */
export function upcomingActivityCard(app: Application, daysBefore: number, responsible?: string | null): CardJson {
  const at = atMentions([responsible]);
  return card({
    title: `活动提醒 · ${startsIn(daysBefore)}`,
    subtitle: app.orgName ?? undefined,
    colour: daysBefore <= 1 ? 'orange' : 'blue',
    summary: `${displayCode(app)} ${startsIn(daysBefore)}`,
    elements: [
      markdown(`**${displayCode(app)}** 将于 **${app.startDate}** 开始，请做好场地、人员和专家接待准备。`),
      markdown([...summaryLines(app), `**联系人**：${escapeMarkdown(app.contactName ?? '')} ${escapeMarkdown(app.mobile ?? '')}`].join('\n')),
      ...(at ? [markdown(`请申请人 ${at} 做好活动准备。`)] : []),
      note('活动结束后，机器人会请申请人提交活动评估总结。'),
    ],
  });
}

export function reviewNudgeCard(app: Application, submittedOn: string, workingDays: number): CardJson {
  return card({
    title: `催办 · ${displayCode(app)} 等待审核已超过 ${workingDays} 个工作日`,
    colour: 'orange',
    summary: `催办：${displayCode(app)} 等待审核`,
    elements: [
      markdown(`申请 **${displayCode(app)}** 于 ${submittedOn} 提交，至今仍在等待审核。活动计划于 **${app.startDate}** 开始。`),
      markdown(summaryLines(app).join('\n')),
      note('发送「待审」获取带审核按钮的卡片。'),
    ],
  });
}

/** Evaluation summaries still missing: one card listing them, to the centre. */
export function overdueSummariesCard(apps: Application[], days: number, shown = 20, remindersSent = 3): CardJson {
  const lines = apps.slice(0, shown).map((a) => {
    const at = atMentions([a.filerOpenId]);
    return `- **${displayCode(a)}** ${escapeClipped(a.orgName ?? '', 30)} · ${escapeMarkdown(a.region ?? '')} · ${a.endDate} 结束${at ? ` · 申请人 ${at}` : ''}`;
  });
  if (apps.length > shown) lines.push(`- 还有 ${apps.length - shown} 项，发送「查询」查看`);
  return card({
    title: `活动评估总结逾期 · ${apps.length} 项`,
    colour: 'red',
    summary: `${apps.length} 项活动评估总结逾期未交`,
    elements: [markdown(`以下活动结束已超过 ${days} 天，申请人仍未提交活动评估总结：`), markdown(lines.join('\n')), note(`申请人已收到 ${remindersSent} 次提醒。`)],
  });
}

/**
 * 近期活动: what starts soon, in date order. `who` is the subject of the sentence: 您, a 盟市's
 * name, or 全区.
 */
export function upcomingActivitiesCard(view: { apps: Application[]; who: string; from: string; until: string; days: number; showTeams?: boolean }, shown = 20): CardJson {
  // The centre (which leads the teams) sees each activity's expert team under it.
  const team = (a: Application) => (view.showTeams ? `\n  专家团队：${teamNames(a) ?? "<font color='orange'>尚未安排</font>"}` : '');
  const lines = view.apps
    .slice(0, shown)
    .map((a) => `- **${a.startDate}${a.endDate && a.endDate !== a.startDate ? ` 至 ${a.endDate}` : ''}** ${displayCode(a)} ${escapeClipped(a.orgName ?? '', 30)} · ${escapeMarkdown(a.region ?? '')} · ${escapeClipped(a.venue ?? '', 30)}（${a.headcount ?? '?'} 人）${team(a)}`);
  if (view.apps.length > shown) lines.push(`- 还有 ${view.apps.length - shown} 项，发送「查询」查看`);
  return card({
    title: `近期活动 · 未来 ${view.days} 天`,
    colour: 'turquoise',
    summary: `近期活动 ${view.apps.length} 项`,
    elements: [
      markdown(
        view.apps.length
          ? `${view.who}有 ${view.apps.length} 项已通过审核的活动将于 ${view.from} 至 ${view.until} 之间开始：\n${lines.join('\n')}`
          : `${view.from} 至 ${view.until} 之间，${view.who}没有将要开始的已通过审核的活动。`,
      ),
      note('发送「查询 编号」查看详情。'),
    ],
  });
}
