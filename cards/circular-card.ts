import { REGIONS } from '../src/domain/regions';
import type { CircularFigures, CircularRow } from '../src/services/figures-circular';
import { card, CardElement, CardJson, divider, markdown, note } from './card-kit';
import { CHART_HEIGHT } from './digest-chart';

/**
 * The monthly 通报 (circular): the centre's card lists every 盟市's figures for the season so
 * far with a native chart (card JSON 2.0 `chart`, a VChart spec, as in cards/digest-chart.ts:
 * plain JSON, long-standing properties only); the same table follows as an .xlsx. A 盟市's own
 * card (CIRCULAR_TO_REGIONS=1) shows its line and its place only. No user text reaches these
 * cards: 盟市 names and figures only.
 */

export const CIRCULAR_CHART_TITLE = '各盟市活动开展情况';

/** The chart's series, in the order an application goes through them. */
export const CIRCULAR_SERIES: ReadonlyArray<{ key: 'filed' | 'approved' | 'held' | 'summarised'; label: string; color: string }> = [
  { key: 'filed', label: '申请', color: '#3b82f6' },
  { key: 'approved', label: '通过', color: '#22c55e' },
  { key: 'held', label: '举办', color: '#14b8a6' },
  { key: 'summarised', label: '总结', color: '#8b5cf6' },
];

/** Grouped horizontal bars per 盟市 (申请 / 通过 / 举办 / 总结), every 盟市 present, zeros included. */
export function circularChart(rows: readonly CircularRow[]): CardElement {
  const byRegion = new Map(rows.map((r) => [r.region, r]));
  const values = REGIONS.flatMap((region) =>
    CIRCULAR_SERIES.map(({ key, label }) => {
      const count = byRegion.get(region)?.[key] ?? 0;
      if (!Number.isInteger(count) || count < 0) throw new Error(`chart: ${region} ${label} is not a count: ${count}`);
      return { region, measure: label, count };
    }),
  );
  return {
    tag: 'chart',
    element_id: 'circular_chart',
    // Four bars per 盟市 need more room than the digest's stacked one.
    height: `${Math.max(parseInt(CHART_HEIGHT, 10), 560)}px`,
    preview: true,
    chart_spec: {
      type: 'bar',
      direction: 'horizontal',
      title: { text: CIRCULAR_CHART_TITLE },
      data: [{ id: 'figures', values }],
      xField: 'count',
      yField: ['region', 'measure'],
      seriesField: 'measure',
      color: { type: 'ordinal', domain: CIRCULAR_SERIES.map((s) => s.label), range: CIRCULAR_SERIES.map((s) => s.color) },
      legends: { visible: true, orient: 'top' },
      axes: [
        { orient: 'left', type: 'band' },
        { orient: 'bottom', type: 'linear', min: 0, tick: { noDecimals: true } },
      ],
    },
  };
}

/** One 盟市's figures in one line. */
export function circularLine(f: CircularFigures): string {
  return [
    `申请 ${f.filed}，通过 ${f.approved}，举办 ${f.held}，总结 ${f.summarised}`,
    `参加 ${f.participants} 人，达到80%要求 ${f.coreMet} 场、达到60%要求 ${f.keyIndustryMet} 场`,
    `企业需求 ${f.needsFiled} 项（已对接 ${f.needsMatched}，已解决 ${f.needsSolved}）`,
    `报送按时 ${f.reportsOnTime}、逾期 ${f.reportsLate}、未报 ${f.reportsMissing}`,
  ].join('；');
}

export interface CircularCardView {
  year: number;
  /** The local date it is as of, 'YYYY-MM-DD'. */
  asOf: string;
  rows: readonly CircularRow[];
  totals: CircularFigures;
  chart?: CardElement;
  chartProblem?: string;
}

const dateText = (iso: string) => `${Number(iso.slice(5, 7))} 月 ${Number(iso.slice(8, 10))} 日`;

/** The centre's circular: totals, the chart, every 盟市's line. */
export function circularCard(v: CircularCardView): CardJson {
  const lines = v.rows.map((r) => `- **${r.region}**　${circularLine(r)}`).join('\n');
  const elements: CardElement[] = [
    markdown(`**全区合计**　${circularLine(v.totals)}`),
    ...(v.chart ? [v.chart] : v.chartProblem ? [note(v.chartProblem)] : []),
    divider(),
    markdown(lines),
    note('“达到80%要求”：第（2）（3）类人员占活动总人数 80% 以上；“达到60%要求”：十大产业企业占企业总数 60% 以上（按活动评估总结的实际数）。明细表见随后发送的 Excel 文件。'),
  ];
  return card({ title: `${v.year}年企业创新能力提升行动通报`, subtitle: `截至 ${v.asOf.slice(0, 4)} 年 ${dateText(v.asOf)}`, colour: 'blue', summary: `${v.year}年行动通报`, elements });
}

/** A 盟市's own circular (CIRCULAR_TO_REGIONS=1): its line and its place among the 14. */
export function regionCircularCard(v: { year: number; asOf: string; row: CircularRow; rank: number }): CardJson {
  return card({
    title: `${v.row.region} · ${v.year}年行动通报`,
    subtitle: `截至 ${v.asOf.slice(0, 4)} 年 ${dateText(v.asOf)}`,
    colour: 'blue',
    summary: `${v.row.region}行动通报`,
    elements: [
      markdown(`**${v.row.region}**　${circularLine(v.row)}`),
      markdown(`按举办活动数，在全区 ${REGIONS.length} 个盟市中排第 **${v.rank}** 位。`),
      note('名次依次按举办、总结、通过、申请的活动数排列，数字相同者名次并列。'),
    ],
  });
}

