import type { Application } from '../src/db/entities/application.entity';
import { actionLabel, isApplicationAction } from '../src/domain/application-status';
import type { WeeklyFigures } from '../src/jobs/weekly-data';
import { DIGEST_STATUSES } from '../src/jobs/weekly-data';
import { displayCode } from './application-cards';
import { card, CardElement, CardJson, divider, markdown, note } from './card-kit';
import { escapeClipped, escapeMarkdown } from './markdown';

/** The Monday digest: a region group's summary, or the centre's province digest with its chart. */

/** Lists longer than this end with "还有 N 项", so the card stays far below 30 KB. */
export const DIGEST_LIST_MAX = 10;

export interface WeeklyCardView {
  /** 「包头市」 or 全区. */
  scope: string;
  figures: WeeklyFigures;
  /** The chart element (province digest; cards/digest-chart.ts). */
  chart?: CardElement;
  /** Why there is no chart, when there should have been one. */
  chartProblem?: string;
  /** How far ahead the upcoming list looks (the schedule's digestUpcomingDays; default 14). */
  upcomingDays?: number;
  /** How far ahead 近期活动 looks (default 30). */
  commandDays?: number;
  /** Enterprise needs waiting for a match (待对接) and matched ones in progress (已对接, 跟进中). */
  needs?: { open: number; matched: number };
}

function list<T>(items: T[], line: (item: T) => string, empty: string): string {
  if (items.length === 0) return empty;
  const lines = items.slice(0, DIGEST_LIST_MAX).map((item) => `- ${line(item)}`);
  if (items.length > DIGEST_LIST_MAX) lines.push(`- 还有 ${items.length - DIGEST_LIST_MAX} 项，发送「查询」查看`);
  return lines.join('\n');
}

/** User text in the lists is cut to this many characters, so ten entries per list always fit. */
const LIST_TEXT_MAX = 30;

const who = (a: Application) => `**${displayCode(a)}** ${escapeClipped(a.orgName ?? '', LIST_TEXT_MAX)}${a.region ? ` · ${escapeMarkdown(a.region)}` : ''}`;

export function weeklyCard(view: WeeklyCardView): CardJson {
  const f = view.figures;
  const elements: CardElement[] = [];
  const total = DIGEST_STATUSES.reduce((n, s) => n + f.counts[s], 0);
  elements.push(markdown(`**${view.scope}申请情况**（共 ${total} 份）\n${DIGEST_STATUSES.map((s) => `${s} ${f.counts[s]}`).join('　')}`));
  if (view.chart) {
    elements.push(view.chart);
  } else if (view.chartProblem) {
    elements.push(note(view.chartProblem));
  }
  elements.push(divider());
  elements.push(markdown(`**过去一周（${f.from} 至 ${f.to}）新提交 ${f.submitted.length} 份**\n${list(f.submitted, who, '无')}`));
  const decision = (d: { app: Application; action: string }) => `${who(d.app)}：${isApplicationAction(d.action) ? actionLabel(d.action) : d.action}`;
  elements.push(markdown(`**过去一周审核 ${f.decided.length} 份**\n${list(f.decided, decision, '无')}`));
  elements.push(markdown(`**未来 ${view.upcomingDays ?? 14} 天举办的活动 ${f.upcoming.length} 项**\n${list(f.upcoming, (a) => `${a.startDate} ${who(a)} · ${escapeClipped(a.venue ?? '', LIST_TEXT_MAX)}`, '无')}`));
  elements.push(markdown(`**活动评估总结逾期 ${f.overdue.length} 项**\n${list(f.overdue, (a) => `${who(a)}（${a.endDate} 结束）`, '无')}`));
  if (view.needs) elements.push(markdown(`**企业需求**：待对接 ${view.needs.open} 项，已对接或跟进中 ${view.needs.matched} 项`));
  elements.push(note(`发送「查询」查看申请列表，「近期活动」查看未来 ${view.commandDays ?? 30} 天的活动。`));
  const title = `每周小结 · ${view.scope}`;
  return card({ title, subtitle: `${f.from} 至 ${f.to}`, colour: 'blue', summary: `${title}：${total} 份申请`, elements });
}
