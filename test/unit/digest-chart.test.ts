import { Writable } from 'node:stream';
import { CHART_HEIGHT, CHART_STATUSES, CHART_TITLE, regionStatusChart, type ChartDatum } from '../../cards/digest-chart';
import { card } from '../../cards/card-kit';
import type { ApplicationStatus } from '../../src/domain/application-status';
import { REGIONS, type Region } from '../../src/domain/regions';
import { DIGEST_STATUSES, type WeeklyFigures } from '../../src/jobs/weekly-data';
import { chartFor } from '../../src/jobs/weekly-summary';
import { createLogger } from '../../src/logger';
import { expectValidCard, expectValidChart, type Node } from '../helpers/card-checks';

/** Every 盟市 with zeros, then a few figures: 包头 1 待审核 and 2 已通过, 赤峰 17 已举办, 乌海 1 已退回 and 3 未通过. */
function byRegion(): Record<Region, Record<ApplicationStatus, number>> {
  const zero = () => Object.fromEntries(DIGEST_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
  const all = Object.fromEntries(REGIONS.map((r) => [r, zero()])) as Record<Region, Record<ApplicationStatus, number>>;
  Object.assign(all['包头市'], { 待审核: 1, 已通过: 2 });
  Object.assign(all['赤峰市'], { 已举办: 17 });
  Object.assign(all['乌海市'], { 已退回: 1, 未通过: 3 });
  return all;
}

const chart = regionStatusChart(byRegion()) as Node;
const values = (): ChartDatum[] => chart.chart_spec.data[0].values;
const figure = (region: Region, status: ApplicationStatus) => values().find((v) => v.region === region && v.status === status)?.count;

describe('regionStatusChart', () => {
  it('is a card JSON 2.0 chart component with a VChart bar spec', () => {
    expect(chart.tag).toBe('chart');
    expect(chart.chart_spec.type).toBe('bar');
    expect(chart.chart_spec.title).toEqual({ text: CHART_TITLE });
    expect(chart.chart_spec).toMatchObject({ xField: 'count', yField: 'region', seriesField: 'status', stack: true, direction: 'horizontal' });
    expectValidCard(card({ title: 't', elements: [chart] }) as Node);
  });

  it('has the figure of every 盟市 and charted status, zeros included, in the notice’s order', () => {
    expect(values()).toHaveLength(REGIONS.length * CHART_STATUSES.length);
    expect([...new Set(values().map((v) => v.region))]).toEqual([...REGIONS]);
    expect(figure('包头市', '待审核')).toBe(1);
    expect(figure('包头市', '已通过')).toBe(2);
    expect(figure('赤峰市', '已举办')).toBe(17);
    expect(figure('乌海市', '已退回')).toBe(1);
    expect(figure('阿拉善盟', '已总结')).toBe(0);
    // 未通过 is in the digest's totals line, not in the chart.
    expect(values().some((v) => v.status === '未通过')).toBe(false);
    const total = values().reduce((n, v) => n + v.count, 0);
    expect(total).toBe(1 + 2 + 17 + 1);
  });

  it('colours each status as before: 待审核 blue, 已退回 amber, 已通过 green, 已举办 teal, 已总结 violet', () => {
    expect(chart.chart_spec.color).toEqual({
      type: 'ordinal',
      domain: ['待审核', '已退回', '已通过', '已举办', '已总结'],
      range: ['#3b82f6', '#f59e0b', '#22c55e', '#14b8a6', '#8b5cf6'],
    });
  });

  it('has a fixed height for its 14 rows and shows in full on a tap', () => {
    expect(chart.height).toBe(CHART_HEIGHT);
    expect(chart.height).toMatch(/^\d{1,3}px$/);
    expect(chart.preview).toBe(true);
  });

  it('counts in whole numbers on its value axis', () => {
    expect(chart.chart_spec.axes).toContainEqual(expect.objectContaining({ orient: 'bottom', tick: { noDecimals: true } }));
  });

  it('refuses a figure that is not a count rather than draw nonsense', () => {
    const bad = byRegion();
    bad['包头市']['待审核'] = Number.NaN;
    expect(() => regionStatusChart(bad)).toThrow('chart: 包头市 待审核 is not a count');
  });

  it('passes the card check, which refuses JavaScript, mobile-breaking properties and bad heights', () => {
    expectValidChart(chart);
    const spec = chart.chart_spec;
    expect(() => expectValidChart({ ...chart, chart_spec: { ...spec, label: { formatter: () => 'x' } } })).toThrow();
    expect(() => expectValidChart({ ...chart, chart_spec: { ...spec, bar: { style: { texture: 'circle' } } } })).toThrow();
    expect(() => expectValidChart({ ...chart, chart_spec: { ...spec, bar: { style: { fill: { gradient: 'conical' } } } } })).toThrow();
    expect(() => expectValidChart({ ...chart, height: '1000px' })).toThrow();
    expect(() => expectValidChart({ ...chart, aspect_ratio: '3:1' })).toThrow();
    const five = Array.from({ length: 5 }, (_, i) => ({ ...chart, element_id: `chart_${i}` }));
    expectValidCard(card({ title: 't', elements: five }) as Node);
    const six = [...five, { ...chart, element_id: 'chart_5' }];
    expect(() => expectValidCard(card({ title: 't', elements: six }) as Node)).toThrow();
  });
});

describe('the weekly job’s chart', () => {
  it('a chart that cannot be built costs the chart, not the digest, and does not fail the run', () => {
    const logged: string[] = [];
    let failures = 0;
    const log = createLogger('warn', new Writable({ write: (c, _e, done) => (logged.push(String(c)), done()) }));
    const bad = byRegion();
    bad['赤峰市']['已通过'] = -1;
    const figures = { byRegion: bad } as unknown as WeeklyFigures;
    expect(chartFor({ log, failed: () => (failures += 1) }, figures)).toEqual({ problem: '（本周图表未能生成，各项数字见上文。）' });
    expect(failures).toBe(0);
    expect(logged.join('')).toContain('weekly summary: chart left out');
    expect(chartFor({ log, failed: () => (failures += 1) }, { byRegion: byRegion() } as unknown as WeeklyFigures).chart).toMatchObject({ tag: 'chart' });
  });
});
