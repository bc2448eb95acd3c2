import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { FakeFeishu } from './fake-feishu';

/**
 * The files the bot uploaded to the fake Open API (`POST /open-apis/im/v1/files`, multipart),
 * read back as a person's spreadsheet or word processor would read them.
 */

export interface UploadedFile {
  name: string;
  fileType: string;
  bytes: Buffer;
}

function field(parts: string[], name: string): string | undefined {
  const part = parts.find((p) => p.includes(`name="${name}"`));
  return part === undefined ? undefined : part.slice(part.indexOf('\r\n\r\n') + 4, -2);
}

/** The pre-filled 申请表 sent after each submission (SQ2027-0001-申请表.docx), not an export. */
export const isStampedForm = (f: UploadedFile): boolean => /^SQ\d{4}-\d+-申请表\.docx$/.test(f.name);

/** The files uploaded other than the pre-filled 申请表 that follows each submission. */
export function exportedFiles(fake: FakeFeishu): UploadedFile[] {
  return uploadedFiles(fake).filter((f) => !isStampedForm(f));
}

export function uploadedFiles(fake: FakeFeishu): UploadedFile[] {
  return fake.calls
    .filter((c) => c.path === '/open-apis/im/v1/files')
    .map((c) => {
      const boundary = /boundary=(.+)$/.exec(String(c.headers['content-type']))![1];
      const parts = c.rawBody.toString('latin1').split(`--${boundary}`);
      return {
        name: Buffer.from(field(parts, 'file_name') ?? '', 'latin1').toString('utf8'),
        fileType: field(parts, 'file_type') ?? '',
        bytes: Buffer.from(field(parts, 'file') ?? '', 'latin1'),
      };
    });
}

export async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
}

/** A sheet's rows as values (exceljs' 1-based row arrays made 0-based). */
export function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** The text of a .docx's main part (word/document.xml). */
export async function docxXml(bytes: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const part = zip.file('word/document.xml');
  if (!part) throw new Error('not a .docx: no word/document.xml');
  return part.async('string');
}

/** The text of a .docx run or paragraph: its `<w:t>` pieces joined. */
export const docxText = (s: string): string => [...s.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');

/** The tables of a .docx: each a list of rows, each a list of cell texts. */
export function docxTables(xml: string): string[][][] {
  const tables = xml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/g) ?? [];
  return tables.map((t) => (t.match(/<w:tr[\s>][\s\S]*?<\/w:tr>/g) ?? []).map((tr) => (tr.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map(docxText)));
}

/** How `docxOutline` shows a paragraph, and what it puts before a table row's cells and before a cell's text. */
export interface DocxOutlineView {
  paragraph: (p: string) => string;
  row?: (tr: string) => string[];
  cell?: (tc: string) => string;
}

/**
 * A .docx body in order, for comparing a whole document at once: paragraphs as `view.paragraph`
 * shows them, tables as rows of cells (`span=n` marks a merged cell; the view adds what else a
 * test looks at, such as a repeating header row or widths).
 */
export function docxOutline(xml: string, view: DocxOutlineView): unknown[] {
  const body = xml.slice(xml.indexOf('<w:body>'), xml.indexOf('<w:sectPr'));
  const paragraphs = (s: string) => (s.match(/<w:p>[\s\S]*?<\/w:p>/g) ?? []).map(view.paragraph).join(' / ');
  return (body.match(/<w:p>[\s\S]*?<\/w:p>|<w:tbl>[\s\S]*?<\/w:tbl>/g) ?? []).map((block) =>
    block.startsWith('<w:tbl>')
      ? (block.match(/<w:tr>[\s\S]*?<\/w:tr>/g) ?? []).map((tr) => [
          ...(view.row?.(tr) ?? []),
          ...(tr.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map((tc) => {
            const span = tc.match(/<w:gridSpan w:val="(\d+)"\/>/)?.[1];
            return `${view.cell?.(tc) ?? ''}${span ? `span=${span} ` : ''}${paragraphs(tc)}`;
          }),
        ])
      : view.paragraph(block),
  );
}
