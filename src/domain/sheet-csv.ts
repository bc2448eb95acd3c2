import { Readable } from 'node:stream';
import { CsvError } from 'csv-parse';
import { RowCollector, SHEET_LIMITS, SheetFileProblem, TOO_MANY_ROWS, type SheetRead } from './sheet-rows';

/** A .csv as Excel or WPS saves it: UTF-8 with or without a BOM, UTF-16, or GBK/GB18030. */

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030, a superset of GBK. */
export function decodeCsvText(file: Buffer): string {
  // A byte-order mark; past the end of a shorter file, file[1] is undefined.
  if (file[0] === 0xff && file[1] === 0xfe) return new TextDecoder('utf-16le').decode(file);
  if (file[0] === 0xfe && file[1] === 0xff) return new TextDecoder('utf-16be').decode(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    text = new TextDecoder('gb18030').decode(file);
  }
  return text.replace(/^\uFEFF/, '');
}

export async function readCsv(file: Buffer, maxRows: number): Promise<SheetRead> {
  const text = decodeCsvText(file);
  // Excel's "Unicode text" is tab-separated; everything else here is comma-separated.
  // Stryker disable next-line StringLiteral: split always gives at least one piece, so the fallback is never used.
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
  // Stryker disable next-line ArithmeticOperator: the piece size bounds only what the parser holds at once; any size feeds the same text in order.
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
    // Anything but the parser's own complaints (a SheetFileProblem from the row limits too) goes on as it is.
    if (!(err instanceof CsvError)) throw err;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new SheetFileProblem(`CSV 文件中有一行太长（超过 ${SHEET_LIMITS.maxRecordBytes / 1024} KB），请检查文件内容（可能有未配对的引号）`);
    }
    // csv-parse reports where it gave up (the end, for an unpaired quote), not where the
    // mistake is, so no line is named.
    // (A directive takes effect from the next node Stryker visits: a comment before `} finally {`
    // belongs to no node, so the finally block is disabled from here and restored inside it.)
    // Stryker disable BlockStatement: the finally block releases the streams when reading stops early; no row or message depends on it.
    throw new SheetFileProblem('CSV 文件格式有误，可能有未配对的引号，请用 Excel 或 WPS 重新另存为 .csv 后再发送');
  } finally {
    // Stryker restore BlockStatement
    source.destroy();
    parser.destroy();
  }
  return { rows: collected.rows, complete: true };
}

/** Pieces of `text` of about `size` code units, never splitting a surrogate pair (the stream would turn its halves into U+FFFD). */
function* chunksOf(text: string, size: number): Generator<string> {
  // Stryker disable next-line EqualityOperator: `<=` would only add an empty last piece, which the parser takes as nothing.
  for (let i = 0; i < text.length; ) {
    let end = i + size;
    // Stryker disable next-line AssignmentOperator: ending the piece one unit earlier, before the high surrogate, keeps the pair whole too.
    if (isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
    yield text.slice(i, end);
    i = end;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
