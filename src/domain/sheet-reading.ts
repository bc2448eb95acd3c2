import { Readable } from 'node:stream';
import { CsvError } from 'csv-parse';
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

/**
 * The rows read, blank ones included. `complete` is false when reading stopped because the sheet
 * has more than `maxRows` rows with content: then `rows` holds the first `maxRows + 1` of them.
 */
export interface SheetRead {
  rows: SheetRow[];
  complete: boolean;
}

/** A file that cannot be read as a sheet; the message is for the one who sent it. */
export class SheetFileProblem extends Error {}

export interface SheetReadOptions {
  /** Larger files are refused. */
  maxBytes: number;
  /** Rows with content to read at most: reading stops at the next one (`complete: false`). */
  maxRows: number;
  /** Whether these rows have the caller's header: of a workbook's sheets, the first that has is read. */
  hasHeader: (rows: readonly SheetRow[]) => boolean;
}

/**
 * Hard limits, checked while reading, so that a hostile file (a zip bomb, a sheet of ten million
 * empty rows, a CSV of one endless line) costs at most a few seconds and a few tens of MB before
 * it is refused with a message. A list of 500 experts is some 30 KB packed and 300 KB unpacked.
 */
export const SHEET_LIMITS = Object.freeze({
  /** Everything in an .xlsx, unpacked: declared sizes are checked first, then the actual bytes. */
  maxUnpackedBytes: 10 * 1024 * 1024,
  maxZipEntries: 1000,
  /** Row elements in a workbook's sheets, or records of a CSV, blank ones included. */
  maxScannedRows: 10_000,
  /** Cell elements in a workbook's sheets. */
  maxCells: 30_000,
  /** Columns of one row (after dropping trailing empty cells). */
  maxColumns: 200,
  /** One CSV record, in bytes (csv-parse counts its buffer). */
  maxRecordBytes: 64 * 1024,
  /** Longer cell text is cut here (the caller's own limits are far below it, so it still reports it). */
  maxCellChars: 2000,
});

// ---------------------------------------------------------------------------------------------
// The file: which kind, and its rows as text.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Old .xls, and also an .xlsx with a password (Office encrypts into the same container). */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(file: Buffer, magic: readonly number[]): boolean {
  return file.length >= magic.length && magic.every((b, i) => file[i] === b);
}

const TOO_MANY_ROWS = `表格中的行太多（含空行超过 ${SHEET_LIMITS.maxScannedRows} 行），请删去多余的行后再发送`;

/**
 * The rows of a sheet sent as a file, as text. Throws a SheetFileProblem, with a message for
 * the sender, for a file it cannot read: its type, its size, or its content.
 */
export async function readSheet(file: Buffer, fileName: string, opts: SheetReadOptions): Promise<SheetRead> {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
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

/** Collects rows, blank ones included, until one more than `maxRows` rows with content. */
class RowCollector {
  readonly rows: SheetRow[] = [];
  private withContent = 0;

  constructor(private readonly maxRows: number) {}

  /** Adds a row; false once the limit is passed (the row that passed it is kept). */
  add(row: number, rawCells: string[]): boolean {
    const cells = rawCells.map((c) => cleanCell(c.length > SHEET_LIMITS.maxCellChars ? c.slice(0, SHEET_LIMITS.maxCellChars) : c));
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    if (cells.length > SHEET_LIMITS.maxColumns) {
      throw new SheetFileProblem(`第 ${row} 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`);
    }
    this.rows.push({ row, cells });
    if (cells.length > 0) this.withContent += 1;
    return this.withContent <= this.maxRows;
  }
}

async function readCsv(file: Buffer, maxRows: number): Promise<SheetRead> {
  const text = decodeCsvText(file);
  // Excel's "Unicode text" is tab-separated; everything else here is comma-separated.
  const firstLine = text.slice(0, SHEET_LIMITS.maxRecordBytes).split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  // Every record takes at least a line: counting lines first is cheap, and bounds what the
  // parser can be made to do (it builds an error object for each short record, then relaxes it).
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (++lines > SHEET_LIMITS.maxScannedRows) throw new SheetFileProblem(TOO_MANY_ROWS);
  }
  const { parse } = await import('csv-parse');
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: SHEET_LIMITS.maxRecordBytes,
  });
  // Fed in pieces, so that the parser holds a few records at a time, not the whole file's.
  const source = Readable.from(chunksOf(text, 64 * 1024));
  source.pipe(parser);
  const collected = new RowCollector(maxRows);
  let record = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      // One record is one row of the sheet, even when a quoted cell holds a line break.
      record += 1;
      if (!collected.add(record, cells)) return { rows: collected.rows, complete: false };
    }
  } catch (err) {
    if (err instanceof SheetFileProblem) throw err;
    if (!(err instanceof CsvError)) throw err;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new SheetFileProblem(`CSV 文件中有一行太长（超过 ${SHEET_LIMITS.maxRecordBytes / 1024} KB），请检查文件内容（可能有未配对的引号）`);
    }
    // csv-parse reports where it gave up (the end, for an unpaired quote), not where the
    // mistake is, so no line is named.
    throw new SheetFileProblem('CSV 文件格式有误，可能有未配对的引号，请用 Excel 或 WPS 重新另存为 .csv 后再发送');
  } finally {
    source.destroy();
    parser.destroy();
  }
  return { rows: collected.rows, complete: true };
}

function* chunksOf(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const BAD_WORKBOOK = '无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送';
const TOO_BIG_UNPACKED = `该 Excel 文件解压后超过 ${SHEET_LIMITS.maxUnpackedBytes / 1024 / 1024} MB，内容太多，请删去无关的工作表、图片和多余的行后再发送`;

/**
 * Checks a workbook's zip before anything parses it: the number of entries and their declared
 * unpacked sizes (the central directory), then the bytes each entry really unpacks to, stopping
 * at the limit (yauzl also refuses an entry larger than it declared), and the row and cell
 * elements of its sheets. Only a workbook within every limit is handed to exceljs.
 */
async function checkWorkbookZip(file: Buffer): Promise<void> {
  const yauzl = await import('yauzl');
  let zip: import('yauzl').ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new SheetFileProblem(BAD_WORKBOOK);
  }
  try {
    if (zip.entryCount > SHEET_LIMITS.maxZipEntries) throw new SheetFileProblem(TOO_BIG_UNPACKED);
    const entries: import('yauzl').Entry[] = [];
    let declared = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      declared += entry.uncompressedSize;
      if (declared > SHEET_LIMITS.maxUnpackedBytes) throw new SheetFileProblem(TOO_BIG_UNPACKED);
      entries.push(entry);
    }
    const counter = { unpacked: 0, rows: 0, cells: 0 };
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      await unpackCounting(zip, entry, counter);
    }
  } catch (err) {
    if (err instanceof SheetFileProblem) throw err;
    throw new SheetFileProblem(BAD_WORKBOOK);
  } finally {
    zip.close();
  }
}

function nextEntry(zip: import('yauzl').ZipFile): Promise<import('yauzl').Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: import('yauzl').Entry) => (done(), resolve(entry));
    const onEnd = () => (done(), resolve(undefined));
    const onError = (err: Error) => (done(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Matches a row or cell start tag, with or without a namespace prefix (`<row `, `<x:c>`). */
const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row[\s/>]/g;
const CELL_TAG = /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g;
const TAG_CARRY = 40;

async function unpackCounting(
  zip: import('yauzl').ZipFile,
  entry: import('yauzl').Entry,
  counter: { unpacked: number; rows: number; cells: number },
): Promise<void> {
  const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.fileName);
  const stream = await zip.openReadStreamPromise(entry);
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      counter.unpacked += chunk.length;
      if (counter.unpacked > SHEET_LIMITS.maxUnpackedBytes) throw new SheetFileProblem(TOO_BIG_UNPACKED);
      if (!isSheet) continue;
      // Tags are ASCII, and no byte of a multi-byte UTF-8 character is '<': latin1 is enough.
      const text = carry + chunk.toString('latin1');
      // A tag cut in two by the chunk boundary is counted with the next chunk, never twice.
      counter.rows += countTags(text, ROW_TAG, carry.length);
      counter.cells += countTags(text, CELL_TAG, carry.length);
      if (counter.rows > SHEET_LIMITS.maxScannedRows) throw new SheetFileProblem(TOO_MANY_ROWS);
      if (counter.cells > SHEET_LIMITS.maxCells) {
        throw new SheetFileProblem(`表格中的单元格太多（超过 ${SHEET_LIMITS.maxCells} 个），请只保留需要导入的内容后再发送`);
      }
      carry = text.slice(-TAG_CARRY);
    }
  } finally {
    stream.destroy();
  }
}

/** Matches that end after `from` (those ending inside the carried-over text were counted before). */
function countTags(text: string, tag: RegExp, from: number): number {
  let n = 0;
  for (const m of text.matchAll(tag)) if (m.index + m[0].length > from) n += 1;
  return n;
}

async function readXlsx(file: Buffer, opts: SheetReadOptions): Promise<SheetRead> {
  await checkWorkbookZip(file);
  // Loaded on first use: exceljs takes some 300 ms to load, which the bot's start need not wait for.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  try {
    // exceljs types its argument as an ArrayBuffer; it hands it to JSZip, which takes a Buffer.
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new SheetFileProblem(BAD_WORKBOOK);
  }
  const sheets = workbook.worksheets.map((ws): SheetRead => {
    const collected = new RowCollector(opts.maxRows);
    let complete = true;
    ws.eachRow((row, rowNumber) => {
      if (!complete) return;
      const cells: string[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, SHEET_LIMITS.maxColumns + 1); c++) cells.push(cellText(row.getCell(c).value));
      complete = collected.add(rowNumber, cells);
    });
    return { rows: collected.rows, complete };
  });
  // The first sheet with a header; an instructions sheet in front of the list is common.
  return sheets.find((s) => opts.hasHeader(s.rows)) ?? sheets.find((s) => s.rows.length > 0) ?? { rows: [], complete: true };
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
