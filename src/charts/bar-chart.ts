import { existsSync } from 'node:fs';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';

/**
 * Server-side bar chart for the weekly digest card: ECharts lays the chart out as an SVG string
 * (its SSR mode needs no DOM or canvas), then resvg rasterises that SVG to PNG with the CJK font
 * file loaded explicitly. Nothing here reads the clock, the time zone or the locale, and system
 * fonts are not consulted, so the same spec gives the same bytes on every machine with the font.
 */

export interface BarChartSeries {
  name: string;
  values: number[];
  /** A CSS colour for this series' bars; the palette's next colour otherwise. */
  color?: string;
}

export interface BarChartSpec {
  title: string;
  categories: string[];
  series: BarChartSeries[];
  width?: number;
  height?: number;
}

export const DEFAULT_CHART_WIDTH = 1000;
export const DEFAULT_CHART_HEIGHT = 560;

/** The Debian package that provides the font; named in the error when it is missing. */
export const CJK_FONT_PACKAGE = 'fonts-noto-cjk';
/** Family name inside the Noto CJK collections; SC picks the Simplified Chinese glyph forms. */
export const CJK_FONT_FAMILY = 'Noto Sans CJK SC';

/**
 * Where Noto Sans CJK lives: Debian/Ubuntu (fonts-noto-cjk) first, then the Arch and Fedora
 * layouts, so a developer's own machine works too. Each entry is the regular face and its bold.
 */
export const CJK_FONT_CANDIDATES: readonly { regular: string; bold: string }[] = [
  {
    regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  },
  {
    regular: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc',
  },
  {
    regular: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc',
  },
];

/**
 * The CJK font files to hand to resvg: the first candidate whose regular face exists, plus its
 * bold face when present (the title is bold; without it resvg falls back to the regular face).
 * Throws rather than rendering tofu boxes when no candidate is installed.
 */
export function resolveCjkFontFiles(candidates: readonly { regular: string; bold: string }[] = CJK_FONT_CANDIDATES): string[] {
  for (const c of candidates) {
    if (existsSync(c.regular)) return existsSync(c.bold) ? [c.regular, c.bold] : [c.regular];
  }
  throw new Error(
    `CJK font not found: install the Debian package "${CJK_FONT_PACKAGE}" (apt-get install ${CJK_FONT_PACKAGE}); ` +
      `looked for ${candidates.map((c) => c.regular).join(', ')}`,
  );
}

/** Colours in series order; chosen to stay distinguishable for the usual 3-5 statuses. */
const PALETTE = ['#3b82f6', '#22c55e', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#64748b'];

/** Approximate rendered width of a number label; Noto's digits are about 0.55 em wide. */
function numberLabelWidth(value: number, fontSize: number): number {
  return String(value).length * fontSize * 0.6;
}

function validate(spec: BarChartSpec): void {
  if (spec.categories.length === 0) throw new Error('bar chart needs at least one category');
  if (spec.series.length === 0) throw new Error('bar chart needs at least one series');
  for (const s of spec.series) {
    if (s.values.length !== spec.categories.length) {
      throw new Error(`series "${s.name}" has ${s.values.length} values for ${spec.categories.length} categories`);
    }
    for (const v of s.values) {
      if (!Number.isFinite(v)) throw new Error(`series "${s.name}" has a non-finite value`);
    }
  }
}

/**
 * The chart as an SVG string: grouped bars, one group per category, a legend, and every bar's
 * value printed above it. Exported so tests can check the text that ends up in the picture.
 */
export function renderBarChartSvg(spec: BarChartSpec): string {
  validate(spec);
  const width = spec.width ?? DEFAULT_CHART_WIDTH;
  const height = spec.height ?? DEFAULT_CHART_HEIGHT;
  const font = { fontFamily: CJK_FONT_FAMILY };

  // Rotate category names when they would not fit side by side (14 regions at 1000px do not).
  const slot = (width - 80) / spec.categories.length;
  const longestName = Math.max(...spec.categories.map((c) => c.length));
  const rotateNames = longestName * 12 > slot - 4;

  // Value labels go vertical when they are wider than one bar's slot, so neighbours never overlap.
  const labelFontSize = 11;
  const barSlot = slot / (spec.series.length + 1);
  const widestLabel = Math.max(...spec.series.flatMap((s) => s.values.map((v) => numberLabelWidth(v, labelFontSize))));
  const verticalLabels = widestLabel > barSlot + 2;

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height, locale: 'ZH' });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      color: spec.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]),
      textStyle: font,
      title: {
        text: spec.title,
        left: 'center',
        top: 12,
        textStyle: { ...font, fontSize: 20, fontWeight: 'bold', color: '#111827' },
      },
      legend: {
        top: 46,
        left: 'center',
        itemWidth: 14,
        itemHeight: 10,
        textStyle: { ...font, fontSize: 13, color: '#374151' },
        data: spec.series.map((s) => s.name),
      },
      grid: { left: 16, right: 16, top: 84, bottom: 12, containLabel: true },
      xAxis: {
        type: 'category',
        data: spec.categories,
        axisTick: { alignWithLabel: true },
        axisLabel: {
          ...font,
          interval: 0,
          fontSize: 12,
          color: '#374151',
          rotate: rotateNames ? 35 : 0,
        },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        // Headroom above the tallest bar so its value label stays inside the plot.
        boundaryGap: [0, verticalLabels ? '18%' : '10%'],
        axisLabel: { ...font, fontSize: 12, color: '#6b7280', formatter: (v: number) => String(v) },
        splitLine: { lineStyle: { color: '#e5e7eb' } },
      },
      series: spec.series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.values,
        barGap: '10%',
        label: {
          show: true,
          ...font,
          fontSize: labelFontSize,
          color: '#111827',
          formatter: (p: { value: unknown }) => String(p.value),
          ...(verticalLabels
            ? { position: 'top', rotate: 90, align: 'left', verticalAlign: 'middle', distance: 4 }
            : { position: 'top', distance: 3 }),
        },
      })),
    });
    return normaliseSvgIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * zrender numbers its instances and CSS classes with process-wide counters ("zr3-cls-17"), so two
 * renders of one spec differ only in those ids; renumbering them in order of first appearance
 * makes the SVG a pure function of the spec.
 */
function normaliseSvgIds(svg: string): string {
  const renamed = new Map<string, string>();
  return svg.replace(/\bzr\d+-([a-z]+)-?\d+\b/g, (id, kind: string) => {
    let next = renamed.get(id);
    if (next === undefined) {
      next = `zr0-${kind}-${renamed.size}`;
      renamed.set(id, next);
    }
    return next;
  });
}

/** resvg options: only the CJK font is loaded, so output does not depend on other system fonts. */
export function cjkRenderOptions(fontFiles: string[] = resolveCjkFontFiles()): ResvgRenderOptions {
  return {
    font: {
      loadSystemFonts: false,
      fontFiles,
      defaultFontFamily: CJK_FONT_FAMILY,
      sansSerifFamily: CJK_FONT_FAMILY,
    },
    background: '#ffffff',
    fitTo: { mode: 'original' },
    logLevel: 'off',
  };
}

/** Rasterises an SVG with the CJK font, off the main thread (resvg's async render). */
export async function svgToPng(svg: string, options: ResvgRenderOptions = cjkRenderOptions()): Promise<Buffer> {
  const image = await renderAsync(svg, options);
  return image.asPng();
}

/** The chart as PNG bytes, ready to upload as an image for a Feishu card. */
export async function renderBarChart(spec: BarChartSpec): Promise<Buffer> {
  const fontFiles = resolveCjkFontFiles();
  return svgToPng(renderBarChartSvg(spec), cjkRenderOptions(fontFiles));
}
