import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';

/**
 * A spreadsheet that somebody sends the bot as a file, read as rows of text: .xlsx (through
 * exceljs, loaded only when a workbook arrives), or .csv as Excel or WPS saves it (UTF-8 with or
 * without a BOM, UTF-16, or GBK/GB18030 from Excel on Chinese Windows). What the rows mean is
 * the caller's business; the helpers at the end find a header row among them.
 */

/** A row as the sheet has it: its number and its cells' text, trimmed. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** A file that cannot be read as a sheet; the message is for the one who sent it. */
export class SheetFileProblem extends Error {}

export interface SheetReadOptions {
  /** Larger files are refused. */
  maxBytes: number;
  /** Whether these rows have the caller's header: of a workbook's sheets, the first that has is read. */
  hasHeader: (rows: readonly SheetRow[]) => boolean;
}

// ---------------------------------------------------------------------------------------------
// The file: which kind, and its rows as text.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Old .xls, and also an .xlsx with a password (Office encrypts into the same container). */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(file: Buffer, magic: readonly number[]): boolean {
  return file.length >= magic.length && magic.every((b, i) => file[i] === b);
}

/**
 * The rows of a sheet sent as a file, as text. Throws a SheetFileProblem, with a message for
 * the sender, for a file it cannot read: its type, its size, or its content.
 */
export async function readSheet(file: Buffer, fileName: string, opts: SheetReadOptions): Promise<SheetRow[]> {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  const saveAs = '请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 格式后再发送';
  if (ext === 'xls' || ext === 'et') throw new SheetFileProblem(`暂不支持旧版 .${ext} 格式，${saveAs}`);
  if (ext !== 'xlsx' && ext !== 'csv') {
    throw new SheetFileProblem(ext === '' ? `无法识别文件类型（文件名没有扩展名），${saveAs}` : `不支持 .${ext} 文件，${saveAs}`);
  }
  if (file.length === 0) throw new SheetFileProblem('文件是空的');
  if (file.length > opts.maxBytes) {
    throw new SheetFileProblem(`文件超过 ${opts.maxBytes / 1024 / 1024} MB，请删去无关内容或分批导入`);
  }
  if (startsWith(file, OLE_MAGIC)) {
    throw new SheetFileProblem(`无法读取该文件：它可能是旧版 .xls 格式或设置了打开密码，${saveAs}（不要设置密码）`);
  }
  // By content: a workbook renamed to .csv is still a workbook.
  if (startsWith(file, ZIP_MAGIC)) return readXlsx(file, opts.hasHeader);
  if (ext === 'xlsx') throw new SheetFileProblem(`该文件不是有效的 .xlsx 文件，${saveAs}`);
  return readCsv(file);
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030, a superset of GBK. */
export function decodeCsvText(file: Buffer): string {
  if (file.length >= 2 && file[0] === 0xff && file[1] === 0xfe) return new TextDecoder('utf-16le').decode(file);
  if (file.length >= 2 && file[0] === 0xfe && file[1] === 0xff) return new TextDecoder('utf-16be').decode(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    text = new TextDecoder('gb18030').decode(file);
  }
  return text.replace(/^\uFEFF/, '');
}

function readCsv(file: Buffer): SheetRow[] {
  const text = decodeCsvText(file);
  // Excel's "Unicode text" is tab-separated; everything else here is comma-separated.
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // csv-parse reports where it gave up (the end, for an unpaired quote), not where the
    // mistake is, so no line is named.
    throw new SheetFileProblem('CSV 文件格式有误，可能有未配对的引号，请用 Excel 或 WPS 重新另存为 .csv 后再发送');
  }
  // One record is one row of the sheet, even when a quoted cell holds a line break.
  return records.map((cells, i) => ({ row: i + 1, cells: cells.map(cleanCell) }));
}

async function readXlsx(file: Buffer, hasHeader: SheetReadOptions['hasHeader']): Promise<SheetRow[]> {
  // Loaded on first use: exceljs takes some 300 ms to load, which the bot's start need not wait for.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  try {
    // exceljs types its argument as an ArrayBuffer; it hands it to JSZip, which takes a Buffer.
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new SheetFileProblem('无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送');
  }
  const sheets = workbook.worksheets.map((ws) => {
    const rows: SheetRow[] = [];
    ws.eachRow((row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cleanCell(cellText(row.getCell(c).value)));
      rows.push({ row: rowNumber, cells });
    });
    return rows;
  });
  // The first sheet with a header; an instructions sheet in front of the list is common.
  return sheets.find((rows) => hasHeader(rows)) ?? sheets.find((rows) => rows.length > 0) ?? [];
}

/** A cell as the sheet shows it, as far as a list of names and contacts needs. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ('error' in value) return '';
  return '';
}

/** Trimmed, including the full-width and non-breaking spaces that Excel cells pick up. */
function cleanCell(text: string): string {
  return text.replace(/^[\s\u3000\u00a0\ufeff]+|[\s\u3000\u00a0\ufeff]+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Headers

/** A header cell compared without width, case, spaces, '*', ':' or notes in brackets. */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s*:：]/g, '');
}

export function isBlank(row: SheetRow): boolean {
  return row.cells.every((c) => c === '');
}

/** The index in `rows` of the first of the top `searchRows` rows whose cells make a header. */
export function findHeaderRow(rows: readonly SheetRow[], searchRows: number, isHeader: (cells: readonly string[]) => boolean): number | undefined {
  const limit = Math.min(rows.length, searchRows);
  for (let i = 0; i < limit; i++) {
    if (isHeader(rows[i].cells)) return i;
  }
  return undefined;
}
