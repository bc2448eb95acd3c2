import type { CellInput, ColumnKind } from './sheet-writing';
import type { FigureTable, YearEndFigures } from './figures-year-end';

/**
 * The year-end figures as a Word document (.docx), with the maintained `docx` package (loaded
 * on first use, like exceljs): a title, then per section a heading, a sentence and a table whose
 * header row repeats on every page, in 仿宋/宋体 as official documents are set. Tables paste into
 * the 落实情况报告 as they are.
 */

/** A cell as text: dates as written, ratios as percentages rounded down (79.96 % is not 80 %). */
export function cellText(value: CellInput, kind: ColumnKind = 'text'): string {
  if (value === null || value === undefined || value === '') return '—';
  if (value instanceof Date) return value.toISOString().slice(0, kind === 'datetime' ? 16 : 10).replace('T', ' ');
  if (kind === 'percent' && typeof value === 'number') {
    const tenths = Math.floor(value * 1000 + 1e-9);
    // An integer over 10 prints with one decimal at most, none when it is whole (75%, 79.9%).
    return `${tenths / 10}%`;
  }
  return String(value);
}

export async function yearEndDocx(f: YearEndFigures): Promise<Buffer> {
  const docx = await import('docx');
  const { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = docx;
  const font = { ascii: 'Times New Roman', eastAsia: '仿宋', hAnsi: 'Times New Roman' };
  const run = (text: string, opts: { bold?: boolean; size?: number } = {}) => new TextRun({ text, bold: opts.bold, size: opts.size ?? 24, font });
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const borders = { top: border, bottom: border, left: border, right: border };

  const table = (t: FigureTable) => {
    const header = new TableRow({
      tableHeader: true,
      children: t.columns.map((c) => new TableCell({ borders, children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(c.header, { bold: true, size: 21 })] })] })),
    });
    const body = t.rows.length
      ? t.rows.map(
          (row) =>
            new TableRow({
              children: t.columns.map((c, i) => new TableCell({ borders, children: [new Paragraph({ children: [run(cellText(row[i], c.kind), { size: 21 })] })] })),
            }),
        )
      : [new TableRow({ children: [new TableCell({ borders, columnSpan: t.columns.length, children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run('（无）', { size: 21 })] })] })] })];
    return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...body] });
  };

  const children = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [run(f.title, { bold: true, size: 36 })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [run(`数据截至 ${f.asOf}，由企业创新助手根据各盟市在飞书中提交的申请、总结、需求和报送自动汇总`, { size: 21 })] }),
    ...f.tables.flatMap((t) => [
      new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [run(t.heading, { bold: true, size: 28 })] }),
      new Paragraph({ spacing: { after: 120 }, children: [run(t.lead)] }),
      table(t),
    ]),
  ];
  const doc = new Document({ creator: '企业创新助手', title: f.title, sections: [{ children }] });
  return Packer.toBuffer(doc);
}
