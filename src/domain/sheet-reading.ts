import { readCsv } from './sheet-csv';
import { SheetFileProblem, type SheetRead, type SheetReadOptions, type SheetRow } from './sheet-rows';
import { readXlsx } from './sheet-xlsx';

/**
 * A spreadsheet that somebody sends the bot as a file, read as rows of text: .xlsx (through
 * exceljs, loaded only when a workbook arrives), or .csv as Excel or WPS saves it (UTF-8 with or
 * without a BOM, UTF-16, or GBK/GB18030 from Excel on Chinese Windows). What the rows mean is
 * the caller's business; the helpers at the end find a header row among them. The readers are
 * sheet-csv.ts and sheet-xlsx.ts; what they share (rows, limits, SheetFileProblem) sheet-rows.ts.
 */

export { decodeCsvText } from './sheet-csv';
export { SHEET_LIMITS, SheetFileProblem, type SheetRead, type SheetReadOptions, type SheetRow } from './sheet-rows';

// ---------------------------------------------------------------------------------------------
// The file: which kind, and its rows as text.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Old .xls, and also an .xlsx with a password (Office encrypts into the same container). */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(file: Buffer, magic: readonly number[]): boolean {
  // Past the end of a shorter file, file[i] is undefined.
  return magic.every((b, i) => file[i] === b);
}

/**
 * The rows of a sheet sent as a file, as text. Throws a SheetFileProblem, with a message for
 * the sender, for a file it cannot read: its type, its size, or its content.
 */
export async function readSheet(file: Buffer, fileName: string, opts: SheetReadOptions): Promise<SheetRead> {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1].toLowerCase() ?? '';
  const saveAs = '请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 格式后再发送';
  if (ext === 'xls' || ext === 'et') throw new SheetFileProblem(`暂不支持旧版 .${ext} 格式，${saveAs}`);
  if (ext !== 'xlsx' && ext !== 'csv') {
    throw new SheetFileProblem(ext === '' ? `无法识别文件类型（文件名没有扩展名），${saveAs}` : `不支持 .${ext} 文件，${saveAs}`);
  }
  if (file.length === 0) throw new SheetFileProblem('文件是空的');
  if (file.length > opts.maxBytes) throw new SheetFileProblem(tooLargeMessage(opts.maxBytes));
  if (startsWith(file, OLE_MAGIC)) {
    throw new SheetFileProblem(`无法读取该文件：它可能是旧版 .xls 格式或设置了打开密码，${saveAs}（不要设置密码）`);
  }
  // By content: a workbook renamed to .csv is still a workbook.
  if (startsWith(file, ZIP_MAGIC)) return readXlsx(file, opts);
  if (ext === 'xlsx') throw new SheetFileProblem(`该文件不是有效的 .xlsx 文件，${saveAs}`);
  return readCsv(file, opts.maxRows);
}

/** For a file refused by its size, before or while downloading it. */
export function tooLargeMessage(maxBytes: number): string {
  return `文件超过 ${maxBytes / 1024 / 1024} MB，请删去无关内容或分批导入`;
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
