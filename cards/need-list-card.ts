import { card, CardElement, CardJson, markdown, note, pager } from './card-kit';
import { escapeClipped, escapeMarkdown } from './markdown';

/**
 * A page of enterprise needs (企业需求), with the counts per status. Pure data, like
 * need-cards.ts: the caller passes the page and the callback value for the next one.
 */

/** The order in which status counts are listed. */
const STATUS_ORDER = ['待对接', '已对接', '跟进中', '已解决', '已关闭'];

export interface NeedListItem {
  code: string;
  enterpriseName: string;
  region: string;
  industryLabel: string;
  needType: string;
  status: string;
}

export interface NeedListView {
  title: string;
  /** Whose needs these are, e.g. 「包头市」的企业需求 (trusted markdown). */
  scopeNote: string;
  items: NeedListItem[];
  page: number;
  pageSize: number;
  total: number;
  /** The callback value for another page, without the page number. */
  pageValue: Record<string, unknown>;
  /** Needs per status, over the whole scope. */
  counts?: Record<string, number>;
}

function countsLine(counts: Record<string, number>): string | undefined {
  const statuses = [...STATUS_ORDER.filter((s) => s in counts), ...Object.keys(counts).filter((s) => !STATUS_ORDER.includes(s))];
  const parts = statuses.filter((s) => counts[s] > 0).map((s) => `${escapeMarkdown(s)} **${counts[s]}**`);
  return parts.length ? parts.join(' · ') : undefined;
}

export function needListCard(view: NeedListView): CardJson {
  const elements: CardElement[] = [];
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  if (view.total === 0) {
    elements.push(markdown(`${view.scopeNote}：还没有企业需求。`));
  } else {
    elements.push(markdown(`${view.scopeNote}：共 ${view.total} 条，第 ${view.page + 1}/${pages} 页，最新的在前。`));
    const counts = view.counts ? countsLine(view.counts) : undefined;
    if (counts) elements.push(markdown(counts));
    elements.push(
      markdown(
        view.items
          .map(
            (n) =>
              `- **${n.code}**　${escapeClipped(n.enterpriseName, 40)} · ${escapeClipped(n.region, 10)} · ${escapeClipped(n.industryLabel, 16)} · ${escapeClipped(n.needType, 10)} · **${escapeMarkdown(n.status)}**`,
          )
          .join('\n'),
      ),
    );
    const nav = pager(view.pageValue, view.page, pages);
    if (nav) elements.push(nav);
    elements.push(note('发送「查询 编号」（如 查询 XQ2027-0001）查看需求详情和办理记录。'));
  }
  return card({ title: view.title, colour: 'blue', summary: view.title, elements });
}
