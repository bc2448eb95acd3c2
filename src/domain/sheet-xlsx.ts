import type ExcelJS from 'exceljs';
import { RowCollector, SHEET_LIMITS, SheetFileProblem, TOO_MANY_ROWS, type SheetRead, type SheetReadOptions } from './sheet-rows';

/**
 * An .xlsx: its zip checked against SHEET_LIMITS first (a zip bomb is refused before anything
 * unpacks it), then read by exceljs (loaded only when a workbook arrives).
 */

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
    // Stryker disable next-line ObjectLiteral: equivalent, fromBufferPromise sets lazyEntries itself and yauzl's defaults are the other two below; they are spelled out for the reader
    zip = await yauzl.fromBufferPromise(file, {
      // Stryker disable next-line BooleanLiteral: equivalent, fromBufferPromise overrides it with lazyEntries: true
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
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
    // Stryker disable BlockStatement: the finally block is equivalent, a zip read from a Buffer holds no file descriptor; close() only marks it closed
    throw new SheetFileProblem(BAD_WORKBOOK);
  } finally {
    // Stryker restore BlockStatement
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
  // Unanchored, like exceljs's own test (`/xl\/worksheets\/sheet(\d+)[.]xml/`, anywhere in the
  // name): an entry exceljs would read as a sheet is always counted here.
  const isSheet = /xl\/worksheets\/[^/]+\.xml/i.test(entry.fileName);
  const stream = await zip.openReadStreamPromise(entry);
  // Stryker disable next-line StringLiteral: equivalent, any first carry without a '<' only shifts the text, and `from` with it
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // Stryker disable next-line AssignmentOperator: equivalent to dropping the check below, see there
      counter.unpacked += chunk.length;
      // Stryker disable next-line ConditionalExpression: defence in depth; yauzl (validateEntrySizes) ends an entry at its declared size, and the declared sizes were checked above
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
      // Stryker disable BlockStatement: the finally block below is equivalent, leaving `for await` by a throw already destroys the stream; it only makes that explicit
      // Stryker disable next-line MethodExpression,UnaryOperator: equivalent in results; a longer carry is only rescanned (`from` skips what it counted), costing time; zlib's pieces are 16 KB
      carry = text.slice(-TAG_CARRY);
    }
  } finally {
    // Stryker restore BlockStatement
    stream.destroy();
  }
}

/** Matches that end after `from` (those ending inside the carried-over text were counted before). */
function countTags(text: string, tag: RegExp, from: number): number {
  let n = 0;
  for (const m of text.matchAll(tag)) if (m.index + m[0].length > from) n += 1;
  return n;
}

export async function readXlsx(file: Buffer, opts: SheetReadOptions): Promise<SheetRead> {
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
      // A row is read up to one column past the limit, plus its last cell however far right that
      // is (exceljs holds only the cells the file has): content past the limit is refused, not
      // dropped, and blank cells at the end are dropped by the collector.
      const width = row.cellCount;
      const cells: string[] = [];
      // Stryker disable next-line MethodExpression: Math.max reads every cell up to the last one, the same cells once the collector drops blank ones at the end, only slower (the min bounds what a hostile sheet costs)
      for (let c = 1; c <= Math.min(width, SHEET_LIMITS.maxColumns + 1); c++) cells.push(cellText(row.getCell(c).value));
      if (width > cells.length) cells.push(cellText(row.getCell(width).value));
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
  // An error value (#N/A, #DIV/0!) and anything else shows as nothing.
  return '';
}
