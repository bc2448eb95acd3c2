import JSZip from 'jszip';
import type { Application } from '../../src/db/entities/application.entity';
import {
  activityTimeText,
  formText,
  formYear,
  stampedFormDocx,
  stampedFormFileName,
  stampedFormRows,
  stampedFormTitle,
} from '../../src/services/stamped-form-docx';
import { makeApp } from '../helpers/factories';
import { docxOutline, docxTables, docxText, docxXml } from '../helpers/uploads';

/**
 * The pre-filled 申请表: its words (活动时间, title, file name, the ten rows, XML-safe text) and the
 * .docx itself read back from the zip: the outline in order (附件, title, 编号, the table with its
 * row heights, cell widths, merged value cells, centred bold labels, a value's lines as paragraphs,
 * the seal and date lines), the fonts (黑体 for 附件 and the title, 仿宋 elsewhere, Times New Roman
 * for Latin text), the cells' borders and margins, the A4 page and the document properties.
 */

const dates = (startDate: string | null, endDate: string | null) => activityTimeText({ startDate, endDate });

it('writes 活动时间 as on paper: the last day without what it shares with the first', () => {
  expect(dates('2027-06-10', '2027-06-10')).toBe('2027年6月10日');
  expect(dates('2027-06-10', null)).toBe('2027年6月10日');
  expect(dates('2027-06-10', '2027-06-12')).toBe('2027年6月10日至12日');
  expect(dates('2027-06-30', '2027-07-01')).toBe('2027年6月30日至7月1日');
  expect(dates('2027-12-31', '2028-01-01')).toBe('2027年12月31日至2028年1月1日');
  expect(dates(null, null)).toBe('');
});

it('names the form after its campaign year and the file after its code', () => {
  const app = { codeYear: 2027, codeSeq: 12, startDate: '2027-06-10' } as Application;
  expect(stampedFormTitle(app)).toBe('2027年内蒙古企业创新能力提升行动申请表');
  expect(stampedFormFileName(app)).toBe('SQ2027-0012-申请表.docx');
});

it('takes the year from the start date before there is a code, and leaves it out without either', () => {
  const noCode = { codeYear: null, codeSeq: null, startDate: '2028-03-01' } as Application;
  expect(formYear(noCode)).toBe(2028);
  expect(stampedFormTitle(noCode)).toBe('2028年内蒙古企业创新能力提升行动申请表');
  expect(stampedFormFileName(noCode)).toBe('申请-申请表.docx');
  const nothing = { codeYear: null, codeSeq: null, startDate: null } as Application;
  expect(formYear(nothing)).toBeUndefined();
  expect(stampedFormTitle(nothing)).toBe('内蒙古企业创新能力提升行动申请表');
});

it('drops characters XML cannot hold, which would make Word refuse the file, and keeps the rest', () => {
  expect(formText('包头\u0000市\u0008科协\u000B\n第二行\t')).toBe('包头市科协\n第二行\t');
  expect(formText(null)).toBe('');
  expect(formText(undefined)).toBe('');
  expect(formText(100)).toBe('100');
});

describe('stampedFormRows', () => {
  it('fills the ten fields in the notice’s order and wording', () => {
    expect(stampedFormRows(makeApp({ remarks: '自带\u0007投影仪' }))).toEqual([
      ['申请单位名称', '包头稀土高新区某某科技有限公司'],
      ['企业需求', '稀土新材料中试放大的工艺问题；科技政策申报辅导'],
      ['活动对象', '园区企业研发负责人、工程师、一线职工'],
      ['活动时间', '2027年6月10日至11日', '活动人数', '120人'],
      ['活动地点', '包头稀土高新区某某园区报告厅'],
      ['联系人', '张三', '手机号码', '13800138000'],
      ['电子邮箱', 'zhang@example.com'],
      ['备注', '自带投影仪'],
    ]);
  });

  it('leaves what is not known yet blank (no 人 without a headcount)', () => {
    const app = makeApp({ headcount: null, startDate: null, endDate: null, remarks: null, email: null as unknown as string });
    const rows = stampedFormRows(app);
    expect(rows[3]).toEqual(['活动时间', '', '活动人数', '']);
    expect(rows[6]).toEqual(['电子邮箱', '']);
    expect(rows[7]).toEqual(['备注', '']);
  });
});

/** A paragraph as `[align spacing indent] text`, each run as text (**bold**, ~~explicitly not bold~~) @size /East Asian font. */
function paragraph(p: string): string {
  const ppr = p.match(/<w:pPr>([\s\S]*?)<\/w:pPr>/)?.[1] ?? '';
  const attrs = (tag: string) =>
    [...(ppr.match(new RegExp(`<w:${tag} ([^/]*)/>`))?.[1].matchAll(/w:(\w+)="([^"]*)"/g) ?? [])].map((m) => `${m[1]}=${m[2]}`).sort();
  const props = [ppr.match(/<w:jc w:val="([^"]*)"/)?.[1], ...attrs('spacing'), ...attrs('ind')].filter((x) => x !== undefined);
  const runs = (p.match(/<w:r>[\s\S]*?<\/w:r>/g) ?? []).map((r) => {
    const text = docxText(r);
    const shown = /<w:b\/>/.test(r) ? `**${text}**` : /<w:b w:val="false"\/>/.test(r) ? `~~${text}~~` : text;
    return `${shown}@${r.match(/<w:sz w:val="(\d+)"/)?.[1] ?? '-'}/${r.match(/w:eastAsia="([^"]*)"/)?.[1] ?? '-'}`;
  });
  return `[${props.join(' ')}] ${runs.join('')}`;
}

/** The body in order: paragraphs as above, the table as rows `h=<min height>` then cells `w=<width> [span=n] paragraphs`. */
const outline = (xml: string) =>
  docxOutline(xml, {
    paragraph,
    row: (tr) => [`h=${tr.match(/<w:trHeight w:val="(\d+)" w:hRule="atLeast"\/>/)?.[1] ?? '-'}`],
    cell: (tc) => `w=${tc.match(/<w:tcW w:type="dxa" w:w="(\d+)"\/>/)?.[1] ?? '-'} `,
  });

const count = (text: string, part: string) => text.split(part).length - 1;

describe('stampedFormDocx', () => {
  let xml: string;
  let zip: JSZip;
  beforeEach(async () => {
    const bytes = await stampedFormDocx(makeApp({ headcount: null, audience: '', remarks: '自带投影仪\r\n需要停车位\n请提前联系' }));
    zip = await JSZip.loadAsync(bytes);
    xml = await docxXml(bytes);
  });

  const label = (text: string) => `[center] **${text}**@28/仿宋`;
  const value = (text: string) => `[left] ~~${text}~~@28/仿宋`;

  it('lays out 附件, the title, the code, the table and the seal and date lines, in order', () => {
    expect(outline(xml)).toEqual([
      '[after=200] 附件@32/黑体',
      '[center after=200] **2027年内蒙古企业创新能力提升行动申请表**@36/黑体',
      '[right after=120] 编号：SQ2027-0012@21/仿宋',
      [
        ['h=700', `w=2100 ${label('申请单位名称')}`, `w=6206 span=3 ${value('包头稀土高新区某某科技有限公司')}`],
        ['h=1400', `w=2100 ${label('企业需求')}`, `w=6206 span=3 ${value('稀土新材料中试放大的工艺问题；科技政策申报辅导')}`],
        ['h=1400', `w=2100 ${label('活动对象')}`, `w=6206 span=3 ${value('')}`],
        ['h=700', `w=2100 ${label('活动时间')}`, `w=2253 ${value('2027年6月10日至11日')}`, `w=1900 ${label('活动人数')}`, `w=2053 ${value('')}`],
        ['h=700', `w=2100 ${label('活动地点')}`, `w=6206 span=3 ${value('包头稀土高新区某某园区报告厅')}`],
        ['h=700', `w=2100 ${label('联系人')}`, `w=2253 ${value('张三')}`, `w=1900 ${label('手机号码')}`, `w=2053 ${value('13800138000')}`],
        ['h=700', `w=2100 ${label('电子邮箱')}`, `w=6206 span=3 ${value('zhang@example.com')}`],
        ['h=1400', `w=2100 ${label('备注')}`, `w=6206 span=3 ${[value('自带投影仪'), value('需要停车位'), value('请提前联系')].join(' / ')}`],
      ],
      '[before=600 left=4200] 申请单位：（盖章）@28/仿宋',
      '[right before=600 right=600] 年　　月　　日@28/仿宋',
    ]);
  });

  it('reads back as the form’s table of plain cell texts', () => {
    expect(docxTables(xml)[0][3]).toEqual(['活动时间', '2027年6月10日至11日', '活动人数', '']);
    expect(docxTables(xml)[0].map((r) => r[0])).toEqual(['申请单位名称', '企业需求', '活动对象', '活动时间', '活动地点', '联系人', '电子邮箱', '备注']);
  });

  it('makes the table as wide as its columns, the page’s text width', () => {
    expect(xml).toContain('<w:tblW w:type="dxa" w:w="8306"/>');
    expect(xml).toContain('<w:tblGrid><w:gridCol w:w="2100"/><w:gridCol w:w="2253"/><w:gridCol w:w="1900"/><w:gridCol w:w="2053"/></w:tblGrid>');
  });

  it('sets Latin text in Times New Roman in every run', () => {
    const runs = count(xml, '<w:r>');
    expect(runs).toBe(27);
    expect(count(xml, '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋" w:hAnsi="Times New Roman"/>')).toBe(runs - 2);
    expect(count(xml, '<w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/>')).toBe(2);
  });

  it('draws a black border on all four sides of every cell, with room inside, text centred vertically', () => {
    const cells = count(xml, '<w:tc>');
    expect(cells).toBe(20);
    for (const side of ['top', 'left', 'bottom', 'right']) expect(count(xml, `<w:${side} w:val="single" w:color="000000" w:sz="6"/>`)).toBe(cells);
    expect(count(xml, '<w:tcMar><w:top w:type="dxa" w:w="120"/><w:left w:type="dxa" w:w="100"/><w:bottom w:type="dxa" w:w="120"/><w:right w:type="dxa" w:w="100"/></w:tcMar>')).toBe(cells);
    expect(count(xml, '<w:vAlign w:val="center"/>')).toBe(cells);
  });

  it('prints on A4 with the notice’s margins', () => {
    expect(xml).toContain('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>');
    expect(xml).toMatch(/<w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" /);
  });

  it('names its creator, and its title with the code, in the document properties', async () => {
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>2027年内蒙古企业创新能力提升行动申请表（SQ2027-0012）</dc:title>');
    expect(core).toContain('<dc:creator>企业创新助手</dc:creator>');
  });

  it('without a code has no 编号 line and the bare title in its properties', async () => {
    const bytes = await stampedFormDocx(makeApp({ codeYear: null, codeSeq: null }));
    const body = outline(await docxXml(bytes));
    expect(body.slice(0, 3)).toEqual(['[after=200] 附件@32/黑体', '[center after=200] **2027年内蒙古企业创新能力提升行动申请表**@36/黑体', expect.any(Array)]);
    const core = await (await JSZip.loadAsync(bytes)).file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>2027年内蒙古企业创新能力提升行动申请表</dc:title>');
  });
});
