import type { ApplicationStatus } from '../src/domain/application-status';
import { REGIONS, type Region } from '../src/domain/regions';
import type { CardElement } from './card-kit';

/**
 * The province digest's chart as the card's native `chart` component (card JSON 2.0): Feishu
 * draws it from a VChart spec in the client, so nothing is rendered or uploaded on the server.
 * Per Feishu's chart component documentation
 * (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/chart):
 * at most five charts per card; the spec is plain JSON (no JavaScript: no formatter functions);
 * no bar textures, conical gradients or SVG backgrounds, which fail on mobile; VChart 1.2.2 on the
 * oldest clients (7.1), 1.12.3 on current ones, so only long-standing properties are used, and a
 * property an old client does not know is merely ignored.
 */

/** The chart's series and their colours, like the cards' headers (未通过, rarer, is in the totals line). */
export const CHART_STATUSES: ReadonlyArray<{ status: ApplicationStatus; color: string }> = [
  { status: '待审核', color: '#3b82f6' },
  { status: '已退回', color: '#f59e0b' },
  { status: '已通过', color: '#22c55e' },
  { status: '已举办', color: '#14b8a6' },
  { status: '已总结', color: '#8b5cf6' },
];

export const CHART_TITLE = '各盟市申请情况';

/**
 * Fixed height: fourteen 盟市 rows plus title and legend need about 400 px whatever the card's
 * width, so the height is not left to an aspect ratio (`aspect_ratio` is ignored when a height
 * is set; its defaults, 16:9 on PC and 1:1 on mobile, would squeeze the rows on PC).
 */
export const CHART_HEIGHT = '400px';

/** One datum per 盟市 and status: the figure the chart shows. */
export interface ChartDatum {
  region: Region;
  status: ApplicationStatus;
  count: number;
}

/**
 * A horizontal stacked bar per 盟市 (in the notice's order), one colour per status, the total at
 * the end of each bar; a tap on a bar shows its figures. Horizontal, because fourteen names side
 * by side do not fit a phone's width. Every 盟市 and status is in the data, zeros included, so
 * every 盟市 has its row.
 */
export function regionStatusChart(byRegion: Record<Region, Record<ApplicationStatus, number>>): CardElement {
  const values: ChartDatum[] = REGIONS.flatMap((region) =>
    CHART_STATUSES.map(({ status }) => {
      const count = byRegion[region]?.[status] ?? 0;
      if (!Number.isInteger(count) || count < 0) throw new Error(`chart: ${region} ${status} is not a count: ${count}`);
      return { region, status, count };
    }),
  );
  return {
    tag: 'chart',
    element_id: 'region_chart',
    height: CHART_HEIGHT,
    preview: true,
    chart_spec: {
      type: 'bar',
      direction: 'horizontal',
      title: { text: CHART_TITLE },
      data: [{ id: 'figures', values }],
      xField: 'count',
      yField: 'region',
      seriesField: 'status',
      stack: true,
      color: { type: 'ordinal', domain: CHART_STATUSES.map((s) => s.status), range: CHART_STATUSES.map((s) => s.color) },
      legends: { visible: true, orient: 'top' },
      axes: [
        { orient: 'left', type: 'band' },
        { orient: 'bottom', type: 'linear', min: 0, tick: { noDecimals: true } },
      ],
      totalLabel: { visible: true },
    },
  };
}
