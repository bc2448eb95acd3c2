import type { Application } from '../db/entities/application.entity';
import { codeOf } from './application-record';

/**
 * The notice's 附件, 《<年度>年内蒙古企业创新能力提升行动申请表》, filled in with an application's
 * values as a Word document (.docx), to print, stamp with the unit's seal and send back as a
 * scan. Its layout is the notice's: the title, one table with the ten fields in the notice's
 * order and wording (申请单位名称, 企业需求, 活动对象, 活动时间 | 活动人数, 活动地点,
 * 联系人 | 手机号码, 电子邮箱, 备注), then 申请单位：(盖章) and the date line. Written with the
 * maintained `docx` package, loaded on first use (like the year-end figures), so the process that
 * acknowledges webhooks does not carry it until a form is made.
 */

/** The rows of the form: a label and its value, or two label/value pairs side by side. */
export type FormRow = [label: string, value: string] | [label: string, value: string, label2: string, value2: string];

/** Characters XML 1.0 does not allow (a pasted control character would make Word refuse the file). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function formText(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(NOT_XML, '');
}

/** 2027年6月10日 (no leading zeros, as the date is written by hand on the paper form). */
function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * 活动时间 as written on the form: one day, or the first and last day, the last without what it
 * shares with the first (2027年6月10日至11日, 2027年6月30日至7月1日).
 */
export function activityTimeText(app: Pick<Application, 'startDate' | 'endDate'>): string {
  if (!app.startDate) return '';
  if (!app.endDate || app.endDate === app.startDate) return chineseDate(app.startDate);
  const [y1, m1] = app.startDate.split('-').map(Number);
  const [y2, m2, d2] = app.endDate.split('-').map(Number);
  const end = y1 !== y2 ? chineseDate(app.endDate) : m1 !== m2 ? `${m2}月${d2}日` : `${d2}日`;
  return `${chineseDate(app.startDate)}至${end}`;
}

/** The campaign year the form is for (its code's year; else its start date's). */
export function formYear(app: Pick<Application, 'codeYear' | 'startDate'>): number | undefined {
  return app.codeYear ?? (app.startDate ? Number(app.startDate.slice(0, 4)) : undefined);
}

export function stampedFormTitle(app: Pick<Application, 'codeYear' | 'startDate'>): string {
  const year = formYear(app);
  return `${year ? `${year}年` : ''}内蒙古企业创新能力提升行动申请表`;
}

/** The ten fields, in the notice's order and wording. */
export function stampedFormRows(app: Application): FormRow[] {
  return [
    ['申请单位名称', formText(app.orgName)],
    ['企业需求', formText(app.needs)],
    ['活动对象', formText(app.audience)],
    ['活动时间', activityTimeText(app), '活动人数', app.headcount !== null ? `${app.headcount}人` : ''],
    ['活动地点', formText(app.venue)],
    ['联系人', formText(app.contactName), '手机号码', formText(app.mobile)],
    ['电子邮箱', formText(app.email)],
    ['备注', formText(app.remarks)],
  ];
}

/** e.g. SQ2027-0001-申请表.docx: the code first, so the file and its scan are easy to match. */
export function stampedFormFileName(app: Application): string {
  return `${codeOf(app) ?? '申请'}-申请表.docx`;
}

export async function stampedFormDocx(app: Application): Promise<Buffer> {
  const { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalAlign, WidthType } = await import('docx');
  const font = { ascii: 'Times New Roman', eastAsia: '仿宋', hAnsi: 'Times New Roman' };
  const titleFont = { ascii: 'Times New Roman', eastAsia: '黑体', hAnsi: 'Times New Roman' };
  const run = (text: string, opts: { bold?: boolean; size?: number; title?: boolean } = {}) =>
    new TextRun({ text, bold: opts.bold, size: opts.size ?? 28, font: opts.title ? titleFont : font });
  // A value typed on several lines keeps its lines; an empty one is one empty paragraph (''.split gives ['']).
  const paragraphs = (text: string, label = false) =>
    text.split(/\r?\n/).map(
      (line) => new Paragraph({ alignment: label ? AlignmentType.CENTER : AlignmentType.LEFT, children: [run(line, { bold: label })] }),
    );
  const border = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
  const borders = { top: border, bottom: border, left: border, right: border };
  const margins = { top: 120, bottom: 120, left: 100, right: 100 };
  // Twentieths of a point: label, value, label, value across an A4 page's text width (8306).
  const widths = [2100, 2253, 1900, 2053];
  const cell = (text: string, width: number, opts: { label?: boolean; span?: number } = {}) =>
    new TableCell({
      borders,
      margins,
      verticalAlign: VerticalAlign.CENTER,
      width: { size: width, type: WidthType.DXA },
      columnSpan: opts.span,
      children: paragraphs(text, opts.label),
    });
  const rows = stampedFormRows(app).map((r) => {
    // Free text gets room to be written in by hand when empty (备注), or to breathe when long.
    const tall = r[0] === '企业需求' || r[0] === '活动对象' || r[0] === '备注';
    const height = { value: tall ? 1400 : 700, rule: 'atLeast' as const };
    if (r.length === 4) {
      return new TableRow({ height, children: [cell(r[0], widths[0], { label: true }), cell(r[1], widths[1]), cell(r[2], widths[2], { label: true }), cell(r[3], widths[3])] });
    }
    return new TableRow({ height, children: [cell(r[0], widths[0], { label: true }), cell(r[1], widths[1] + widths[2] + widths[3], { span: 3 })] });
  });

  const code = codeOf(app);
  const title = stampedFormTitle(app);
  const children = [
    new Paragraph({ spacing: { after: 200 }, children: [run('附件', { title: true, size: 32 })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [run(title, { bold: true, size: 36, title: true })] }),
    ...(code ? [new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { after: 120 }, children: [run(`编号：${code}`, { size: 21 })] })] : []),
    new Table({ width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA }, columnWidths: widths, rows }),
    new Paragraph({ spacing: { before: 600 }, indent: { left: 4200 }, children: [run('申请单位：（盖章）')] }),
    new Paragraph({ spacing: { before: 600 }, alignment: AlignmentType.RIGHT, indent: { right: 600 }, children: [run('年　　月　　日')] }),
  ];
  const doc = new Document({
    creator: '企业创新助手',
    title: code ? `${title}（${code}）` : title,
    sections: [
      {
        properties: {
          page: {
            // Stryker disable next-line ObjectLiteral: docx's default page is this very A4 (11906 × 16838, portrait); kept to say so
            size: { width: 11906, height: 16838 },
            margin: { top: 1440, bottom: 1440, left: 1800, right: 1800 },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
