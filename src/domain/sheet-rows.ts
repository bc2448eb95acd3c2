/** What every sheet reader shares: a row, the result, the problem, the limits and the row collector. */

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

/** A file with more rows than SHEET_LIMITS allows. */
export const TOO_MANY_ROWS = `表格中的行太多（含空行超过 ${SHEET_LIMITS.maxScannedRows} 行），请删去多余的行后再发送`;

/** Collects rows, blank ones included, until one more than `maxRows` rows with content. */
export class RowCollector {
  readonly rows: SheetRow[] = [];
  private withContent = 0;

  constructor(private readonly maxRows: number) {}

  /** Adds a row; false once the limit is passed (the row that passed it is kept). */
  add(row: number, rawCells: string[]): boolean {
    const cells = rawCells.map((c) => cleanCell(c.slice(0, SHEET_LIMITS.maxCellChars)));
    while (cells.at(-1) === '') cells.pop();
    if (cells.length > SHEET_LIMITS.maxColumns) {
      throw new SheetFileProblem(`第 ${row} 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`);
    }
    this.rows.push({ row, cells });
    if (cells.length > 0) this.withContent += 1;
    return this.withContent <= this.maxRows;
  }
}

/** Trimmed, including the full-width and non-breaking spaces that Excel cells pick up. */
function cleanCell(text: string): string {
  return text.replace(/^[\s\u3000\u00a0\ufeff]+|[\s\u3000\u00a0\ufeff]+$/g, '');
}

