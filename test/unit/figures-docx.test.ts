import JSZip from 'jszip';
import { cellText, yearEndDocx } from '../../src/services/figures-docx';
import type { YearEndFigures } from '../../src/services/figures-year-end';
import { docxOutline, docxTables, docxText, docxXml } from '../helpers/uploads';

/**
 * The year-end figures' .docx, read back from the zip: the cell texts (dashes for blanks, dates,
 * percentages rounded down to tenths), and the document's outline in order: the title, the
 * as-of line, per section a heading, a lead sentence and a table whose header row repeats on
 * every page, an empty table saying （无） across all its columns, in 仿宋 with black borders.
 */

describe('cellText', () => {
  it('writes blanks as a dash, whatever kind the column is', () => {
    expect(cellText(null)).toBe('—');
    expect(cellText(undefined, 'number')).toBe('—');
    expect(cellText('', 'text')).toBe('—');
    expect(cellText(0, 'number')).toBe('0');
    expect(cellText(' ')).toBe(' ');
  });

  it('writes a date as its day, a datetime to the minute, both as stored (UTC)', () => {
    const at = new Date(Date.UTC(2027, 5, 10, 8, 30, 45));
    expect(cellText(at, 'date')).toBe('2027-06-10');
    expect(cellText(at)).toBe('2027-06-10');
    expect(cellText(at, 'datetime')).toBe('2027-06-10 08:30');
  });

  it('writes ratios as percentages rounded down to tenths, whole ones without a decimal', () => {
    expect(cellText(0.8, 'percent')).toBe('80%');
    expect(cellText(0.7999, 'percent')).toBe('79.9%');
    expect(cellText(0.6, 'percent')).toBe('60%');
    expect(cellText(0.123, 'percent')).toBe('12.3%');
    expect(cellText(1 / 3, 'percent')).toBe('33.3%');
    expect(cellText(2 / 3, 'percent')).toBe('66.6%');
    expect(cellText(0.0005, 'percent')).toBe('0%');
    expect(cellText(1, 'percent')).toBe('100%');
    expect(cellText(0, 'percent')).toBe('0%');
  });

  it('leaves numbers of other kinds, and text in a percent column, as they are', () => {
    expect(cellText(5, 'number')).toBe('5');
    expect(cellText(0.75)).toBe('0.75');
    expect(cellText('未总结', 'percent')).toBe('未总结');
  });
});

const FIGURES: YearEndFigures = {
  year: 2027,
  scope: '全区',
  asOf: '2027-12-01 09:00',
  title: '2027年企业创新能力提升行动工作数据',
  tables: [
    {
      heading: '一、活动开展情况',
      lead: '2027年共举办企业创新能力提升行动活动 2 场。',
      sheet: '活动开展情况',
      columns: [
        { header: '序号', width: 6, kind: 'number' },
        { header: '盟市', width: 12 },
        { header: '开始日期', width: 12, kind: 'date' },
        { header: '第（2）（3）类人员占比', width: 14, kind: 'percent' },
      ],
      rows: [
        [1, '包头市', '2027-06-10', 0.7999],
        [2, '赤峰市', new Date(Date.UTC(2027, 6, 1)), null],
      ],
    },
    {
      heading: '二、企业需求对接情况',
      lead: '2027年未收到企业需求。',
      sheet: '需求',
      columns: [
        { header: '编号', width: 12 },
        { header: '企业', width: 30 },
        { header: '状态', width: 8 },
      ],
      rows: [],
    },
  ],
};

/** A paragraph as `[style align spacing] text`, a bold run as **text**, each run's size (half-points) after @. */
function paragraph(p: string): string {
  const ppr = p.match(/<w:pPr>([\s\S]*?)<\/w:pPr>/)?.[1] ?? '';
  const props = [
    ppr.match(/<w:pStyle w:val="([^"]*)"/)?.[1],
    ppr.match(/<w:jc w:val="([^"]*)"/)?.[1],
    ...[...(ppr.match(/<w:spacing ([^/]*)\/>/)?.[1].matchAll(/w:(\w+)="(\d+)"/g) ?? [])].map((m) => `${m[1]}=${m[2]}`).sort(),
  ].filter((x) => x !== undefined);
  const runs = (p.match(/<w:r>[\s\S]*?<\/w:r>/g) ?? []).map((r) => {
    const text = docxText(r);
    const bold = /<w:b\/>/.test(r);
    return `${bold ? `**${text}**` : text}@${r.match(/<w:sz w:val="(\d+)"/)?.[1] ?? '-'}`;
  });
  return `[${props.join(' ')}] ${runs.join('')}`;
}

/** The body in order: paragraphs as above, tables as rows of cells (`th` marks a repeating header row, `span=n` a merged cell). */
const outline = (xml: string) =>
  docxOutline(xml, { paragraph, row: (tr) => (/<w:trPr>[\s\S]*<w:tblHeader\/>[\s\S]*<\/w:trPr>/.test(tr) ? ['th'] : []) });

const count = (text: string, part: string) => text.split(part).length - 1;

describe('yearEndDocx', () => {
  let xml: string;
  let zip: JSZip;
  beforeEach(async () => {
    const bytes = await yearEndDocx(FIGURES);
    zip = await JSZip.loadAsync(bytes);
    xml = await docxXml(bytes);
  });

  it('lays out the title, the as-of line, and per section a heading, its lead and its table, in order', () => {
    expect(outline(xml)).toEqual([
      '[Title center] **2027年企业创新能力提升行动工作数据**@36',
      '[center] 数据截至 2027-12-01 09:00，由企业创新助手根据各盟市在飞书中提交的申请、总结、需求和报送自动汇总@21',
      '[Heading2 after=120 before=240] **一、活动开展情况**@28',
      '[after=120] 2027年共举办企业创新能力提升行动活动 2 场。@24',
      [
        ['th', '[center] **序号**@21', '[center] **盟市**@21', '[center] **开始日期**@21', '[center] **第（2）（3）类人员占比**@21'],
        ['[] 1@21', '[] 包头市@21', '[] 2027-06-10@21', '[] 79.9%@21'],
        ['[] 2@21', '[] 赤峰市@21', '[] 2027-07-01@21', '[] —@21'],
      ],
      '[Heading2 after=120 before=240] **二、企业需求对接情况**@28',
      '[after=120] 2027年未收到企业需求。@24',
      [
        ['th', '[center] **编号**@21', '[center] **企业**@21', '[center] **状态**@21'],
        ['span=3 [center] （无）@21'],
      ],
    ]);
  });

  it('reads back as tables of plain cell texts', () => {
    expect(docxTables(xml)).toEqual([
      [
        ['序号', '盟市', '开始日期', '第（2）（3）类人员占比'],
        ['1', '包头市', '2027-06-10', '79.9%'],
        ['2', '赤峰市', '2027-07-01', '—'],
      ],
      [['编号', '企业', '状态'], ['（无）']],
    ]);
  });

  it('sets every run in 仿宋 (Times New Roman for Latin text)', () => {
    const runs = count(xml, '<w:r>');
    expect(runs).toBe(22);
    expect(count(xml, '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋" w:hAnsi="Times New Roman"/>')).toBe(runs);
  });

  it('draws a thin black border on all four sides of every cell, tables as wide as the page', () => {
    const cells = count(xml, '<w:tc>');
    expect(cells).toBe(16);
    for (const side of ['top', 'left', 'bottom', 'right']) expect(count(xml, `<w:${side} w:val="single" w:color="000000" w:sz="4"/>`)).toBe(cells);
    expect(count(xml, '<w:tblW w:type="pct" w:w="5000"/>')).toBe(2);
  });

  it('names its creator and its title in the document properties', async () => {
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>2027年企业创新能力提升行动工作数据</dc:title>');
    expect(core).toContain('<dc:creator>企业创新助手</dc:creator>');
  });
});
