import type ExcelJS from 'exceljs';

/**
 * Every spreadsheet the bot sends is written here (the report export, the 导出 exports, the
 * 通报 table, the year-end figures), so that two rules hold for all of them:
 *
 * - **No formula injection.** Text typed into a form that starts with `=`, `+`, `-`, `@`, a tab
 *   or a carriage return could be read as a formula by a spreadsheet program (e.g.
 *   `=HYPERLINK("http://evil","点击")`). Such text is written as a plain string cell with the
 *   Text number format (`@`), so it is shown as typed and stays text even when someone edits
 *   the cell; a formula is never written (values are never `{ formula }` objects here).
 * - **A readable sheet.** A bold header row, frozen below the header, column widths, dates as
 *   real dates (so they sort and filter as dates), ratios as percentages.
 *
 * exceljs is loaded on first use (it takes some 300 ms to load, which the acknowledging
 * process need not carry until somebody asks for a file).
 */

/** Text a spreadsheet program could take for a formula (OWASP "CSV injection" leading characters). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function looksLikeFormula(value: string): boolean {
  return FORMULA_START.test(value);
}

export type ColumnKind = 'text' | 'number' | 'date' | 'percent' | 'datetime';

export interface SheetColumn {
  header: string;
  /** Width in characters (CJK characters count about two). */
  width: number;
  kind?: ColumnKind;
}

/** A cell's value as the builders hand it over: 'YYYY-MM-DD' or a Date for a date, a Date for a datetime, 0…1 for a percent. */
export type CellInput = string | number | Date | null | undefined;

export interface SheetSpec {
  name: string;
  columns: readonly SheetColumn[];
  rows: ReadonlyArray<readonly CellInput[]>;
}

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
  percent: '0.0%',
  number: '0',
};

/** A 'YYYY-MM-DD' calendar date as the spreadsheet's date (midnight UTC: exceljs writes UTC serials). */
function dateCell(value: string): Date | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : value;
}

/**
 * An instant as the wall-clock time in `timezone`, as a date the spreadsheet shows as is
 * (spreadsheets have no time zones: the serial is the local time people read).
 */
export function localDateTime(ms: number, timezone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)));
}

/** A number that is neither NaN nor infinite (Number.isFinite, as a type guard). */
function isFiniteNumber(value: unknown): value is number {
  return Number.isFinite(value);
}

/** Writes one value into a cell by the column's kind; text that looks like a formula stays text. */
export function setSafeCell(cell: ExcelJS.Cell, value: CellInput, kind: ColumnKind = 'text'): void {
  if (value === null || value === undefined || value === '') {
    cell.value = null;
    return;
  }
  if (value instanceof Date) {
    cell.value = value;
    cell.numFmt = NUMBER_FORMATS[kind] ?? NUMBER_FORMATS.date!;
    return;
  }
  if (kind === 'date' && typeof value === 'string') {
    const d = dateCell(value);
    cell.value = d;
    if (d instanceof Date) cell.numFmt = NUMBER_FORMATS.date!;
    else if (looksLikeFormula(d)) cell.numFmt = '@';
    return;
  }
  if ((kind === 'number' || kind === 'percent') && isFiniteNumber(value)) {
    cell.value = value;
    if (kind === 'percent') cell.numFmt = NUMBER_FORMATS.percent!;
    return;
  }
  const text = String(value);
  cell.value = text;
  // A string cell is never evaluated on opening; the Text format keeps it text when edited too.
  if (looksLikeFormula(text)) cell.numFmt = '@';
}

/** Adds a row of values by position, each through setSafeCell. */
export function addSafeRow(sheet: ExcelJS.Worksheet, values: ReadonlyArray<CellInput>, kinds: readonly (ColumnKind | undefined)[] = []): ExcelJS.Row {
  const row = sheet.addRow([]);
  values.forEach((v, i) => setSafeCell(row.getCell(i + 1), v, kinds[i] ?? 'text'));
  // Stryker disable next-line OptionalChaining: every exceljs Row has commit() (a no-op on an in-memory worksheet), so the call never meets undefined
  row.commit?.();
  return row;
}

/** A worksheet with a bold, frozen header row and the columns' widths and formats. */
export function addSheet(book: ExcelJS.Workbook, spec: SheetSpec): ExcelJS.Worksheet {
  const sheet = book.addWorksheet(spec.name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = spec.columns.map((c) => ({ width: c.width }));
  const header = addSafeRow(sheet, spec.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  const kinds = spec.columns.map((c) => c.kind);
  for (const values of spec.rows) addSafeRow(sheet, values, kinds);
  return sheet;
}

/** A new workbook, loading exceljs on first use. */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: excel } = await import('exceljs');
  const book = new excel.Workbook();
  book.creator = '企业创新助手';
  return book;
}

export async function workbookBuffer(book: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A whole workbook from sheet specs, as the bytes of an .xlsx file. */
export async function buildWorkbook(sheets: readonly SheetSpec[]): Promise<Buffer> {
  const book = await newWorkbook();
  for (const spec of sheets) addSheet(book, spec);
  return workbookBuffer(book);
}
