import { PNG } from 'pngjs';
import {
  CJK_FONT_FAMILY,
  CJK_FONT_PACKAGE,
  type BarChartSpec,
  DEFAULT_CHART_HEIGHT,
  DEFAULT_CHART_WIDTH,
  renderBarChart,
  renderBarChartSvg,
  resolveCjkFontFiles,
  svgToPng,
} from '../../src/charts/bar-chart';
import { REGIONS } from '../../src/domain/regions';

/** 14 regions x 3 statuses, with zeros, a 17 and a 10 so one-, two-digit and zero labels all occur. */
const SPEC: BarChartSpec = {
  title: '本周各盟市申报情况',
  categories: [...REGIONS],
  series: [
    { name: '待审核', values: [0, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0, 7, 3] },
    { name: '已通过', values: [17, 5, 1, 6, 2, 7, 3, 8, 4, 0, 5, 1, 6, 2] },
    { name: '已驳回', values: [0, 1, 2, 0, 0, 2, 0, 1, 0, 0, 1, 2, 0, 1] },
  ],
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Text content of every <text> node, entities decoded (ECharts escapes &, <, > and quotes). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

function ihdrSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Pixels visibly darker than the white background within rows [top, bottom). */
function inkPixels(image: PNG, top = 0, bottom = image.height): number {
  let count = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      if (image.data[i] + image.data[i + 1] + image.data[i + 2] < 3 * 200) count++;
    }
  }
  return count;
}

function countColour(image: PNG, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let count = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) count++;
  }
  return count;
}

/** One line of text in the chart's font, as the chart's labels are drawn. */
function textSvg(text: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32">' +
    `<text x="4" y="22" style="font-size:16px;font-family:${CJK_FONT_FAMILY};" fill="#000">${text}</text></svg>`
  );
}

describe('renderBarChart', () => {
  let svg: string;
  let png: Buffer;

  beforeAll(async () => {
    svg = renderBarChartSvg(SPEC);
    png = await renderBarChart(SPEC);
  });

  it('returns a PNG of the default size that is not blank', () => {
    expect(ihdrSize(png)).toEqual({ width: DEFAULT_CHART_WIDTH, height: DEFAULT_CHART_HEIGHT });
    const image = PNG.sync.read(png);
    expect(image.width).toBe(DEFAULT_CHART_WIDTH);
    expect(image.height).toBe(DEFAULT_CHART_HEIGHT);
    // Bars, axes and text cover a few percent of the picture; a blank or text-less one would not.
    expect(inkPixels(image)).toBeGreaterThan(image.width * image.height * 0.03);
    // Every series' bars are drawn in its own colour (the first three palette entries).
    for (const colour of ['#3b82f6', '#22c55e', '#f59e0b']) expect(countColour(image, colour)).toBeGreaterThan(300);
  });

  it('prints every value, region, status and the title as text, and the PNG is that SVG rasterised', async () => {
    const texts = svgTexts(svg);
    expect(texts).toContain(SPEC.title);
    for (const name of [...SPEC.categories, ...SPEC.series.map((s) => s.name)]) expect(texts).toContain(name);

    // Each value needs a label per bar; axis ticks may add more of the same number, never fewer.
    const occurrences = new Map<string, number>();
    for (const v of SPEC.series.flatMap((s) => s.values)) occurrences.set(String(v), (occurrences.get(String(v)) ?? 0) + 1);
    const short = [...occurrences].filter(([label, n]) => texts.filter((t) => t === label).length < n).map(([l]) => l);
    expect(short).toEqual([]);
    expect(texts).toContain('17');

    expect((await svgToPng(svg)).equals(png)).toBe(true);
  });

  it('draws the Chinese region names below the axis', () => {
    const image = PNG.sync.read(png);
    // The category labels sit in the bottom strip under the x axis; without a CJK font it is empty.
    expect(inkPixels(image, image.height - 30, image.height)).toBeGreaterThan(800);
  });

  it('is a pure function of the spec', () => {
    expect(renderBarChartSvg(SPEC)).toBe(svg);
  });

  it('honours the requested size', async () => {
    const small = await renderBarChart({
      title: '测试',
      categories: ['包头市', '乌海市'],
      series: [{ name: '已通过', values: [3, 0] }],
      width: 480,
      height: 300,
    });
    expect(ihdrSize(small)).toEqual({ width: 480, height: 300 });
  });

  it('rejects a series whose length does not match the categories', () => {
    expect(() => renderBarChartSvg({ title: 't', categories: ['a', 'b'], series: [{ name: 's', values: [1] }] })).toThrow(
      /1 values for 2 categories/,
    );
  });
});

describe('CJK font', () => {
  it('renders Chinese glyphs, not tofu boxes: different names of one length give different ink', async () => {
    const [a, b] = await Promise.all(['包头市', '乌海市'].map(async (t) => PNG.sync.read(await svgToPng(textSvg(t)))));
    expect(inkPixels(a)).toBeGreaterThan(50);
    expect(inkPixels(b)).toBeGreaterThan(50);
    // Missing glyphs would all be the same .notdef box (or nothing), giving identical pictures.
    expect(a.data.equals(b.data)).toBe(false);
  });

  it('resolves an installed font file', () => {
    expect(resolveCjkFontFiles()[0]).toMatch(/NotoSansCJK-Regular\.ttc$/);
  });

  it('names the Debian package when no font file is found', () => {
    expect(() => resolveCjkFontFiles([{ regular: '/nonexistent/a.ttc', bold: '/nonexistent/b.ttc' }])).toThrow(
      new RegExp(`install the Debian package "${CJK_FONT_PACKAGE}"`),
    );
  });
});
