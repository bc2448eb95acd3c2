import { decodeCsvText, isBlank, readSheet, SHEET_LIMITS, SheetFileProblem, type SheetReadOptions } from '../../src/domain/sheet-reading';

/**
 * How a sent .csv becomes rows (sheet-csv.ts, sheet-reading.ts, sheet-rows.ts): its encoding,
 * its delimiter and line ends, its name, and the limits that are not refusals of hostile files
 * (those are in sheet-limits.test.ts). Every file is built here.
 */

const opts = (over: Partial<SheetReadOptions> = {}): SheetReadOptions => ({ maxBytes: 5 * 1024 * 1024, maxRows: 100_000, hasHeader: () => true, ...over });
const cellsOf = async (file: Buffer, name = '名单.csv', over: Partial<SheetReadOptions> = {}) => (await readSheet(file, name, opts(over))).rows.map((r) => r.cells);
const problemOf = async (file: Buffer, name: string, over: Partial<SheetReadOptions> = {}): Promise<string> => {
  try {
    await readSheet(file, name, opts(over));
  } catch (err) {
    if (err instanceof SheetFileProblem) return err.message;
    throw err;
  }
  throw new Error('the file was read');
};

/** `text` in UTF-16 big-endian, as Buffer has no such encoding. */
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

describe('CSV encodings', () => {
  it('reads UTF-16 LE with its byte-order mark', async () => {
    const file = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名,单位\n张三,甲公司\n', 'utf16le')]);
    expect(await cellsOf(file)).toEqual([['姓名', '单位'], ['张三', '甲公司']]);
  });

  it('reads UTF-16 BE with its byte-order mark', async () => {
    const file = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('姓名,单位\n张三,甲公司\n')]);
    expect(await cellsOf(file)).toEqual([['姓名', '单位'], ['张三', '甲公司']]);
  });

  it('decodes a file of only a UTF-16 byte-order mark as empty text', () => {
    expect(decodeCsvText(Buffer.from([0xff, 0xfe]))).toBe('');
    expect(decodeCsvText(Buffer.from([0xfe, 0xff]))).toBe('');
  });

  it('reads GBK whose first character ends in byte 0xFE, or starts with 0xFE, as GBK, not UTF-16', async () => {
    // 剥 is B0 FE in GBK, ⺁ is FE 50: neither pair is a byte-order mark.
    const gbk = (first: number[]) => Buffer.concat([Buffer.from(first), Buffer.from(',a\n', 'latin1')]);
    expect(await cellsOf(gbk([0xb0, 0xfe]))).toEqual([['剥', 'a']]);
    expect(await cellsOf(gbk([0xfe, 0x50]))).toEqual([['⺁', 'a']]);
  });

  it('takes only FF FE and FE FF as byte-order marks, byte by byte', () => {
    const asGb18030 = (bytes: number[]) => new TextDecoder('gb18030').decode(Buffer.from(bytes));
    for (const bytes of [[0xff, 0x41], [0x41, 0xff], [0xfe, 0x41], [0x41, 0xfe], [0xff], [0xfe]]) {
      expect(decodeCsvText(Buffer.from(bytes))).toBe(asGb18030(bytes));
    }
  });

  it('drops a UTF-8 byte-order mark at the start only', () => {
    expect(decodeCsvText(Buffer.from('\ufeff姓名,单位'))).toBe('姓名,单位');
    expect(decodeCsvText(Buffer.from('姓\ufeff名'))).toBe('姓\ufeff名');
    // The UTF-8 decoder drops one itself; a second one, or GB18030's (84 31 95 33), is left to decodeCsvText.
    expect(decodeCsvText(Buffer.from('\ufeff\ufeff姓名'))).toBe('姓名');
    expect(decodeCsvText(Buffer.from([0x84, 0x31, 0x95, 0x33, 0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
  });
});

describe('CSV delimiter and line ends', () => {
  it('reads Excel\'s tab-separated text when only a later line has a comma, with LF or CRLF line ends', async () => {
    for (const eol of ['\n', '\r\n']) {
      const file = Buffer.from(['姓名\t单位', '张三\t甲,乙'].join(eol) + eol);
      expect(await cellsOf(file)).toEqual([['姓名', '单位'], ['张三', '甲,乙']]);
    }
  });

  it('chooses the delimiter from the first 64 KB of the first line', async () => {
    // Tabs in the first 64 KB and a comma after it: tab-separated, so far too many columns.
    const file = Buffer.from(`a${'\t'.repeat(SHEET_LIMITS.maxRecordBytes + 10)},b\n`);
    expect(await problemOf(file, '名单.csv')).toBe(`第 1 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`);
  });

  it('reads a file of exactly the scanned-row limit of lines, and refuses one more', async () => {
    const lines = (n: number) => Buffer.from('a\n'.repeat(n));
    const rows = await cellsOf(lines(SHEET_LIMITS.maxScannedRows));
    expect(rows).toHaveLength(SHEET_LIMITS.maxScannedRows);
    expect(await problemOf(lines(SHEET_LIMITS.maxScannedRows + 1), '名单.csv')).toBe(`表格中的行太多（含空行超过 ${SHEET_LIMITS.maxScannedRows} 行），请删去多余的行后再发送`);
  });

  it('reads a file larger than the pieces it is fed in, each row once and whole', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => [`专家${i}`, `单位${i}`, 'x'.repeat(40)]);
    const text = rows.map((r) => r.join(',')).join('\n') + '\n';
    expect(text.length).toBeGreaterThan(2 * 64 * 1024);
    expect(await cellsOf(Buffer.from(text))).toEqual(rows);
  });

  // The first and last high surrogates (U+10000, U+10FFFF) pin both ends of the range, and an emoji the middle.
  it.each(['😀', '\u{10000}', '\u{10FFFF}'])('keeps a character outside the BMP (%s) whole where the pieces meet', async (ch) => {
    // The character is two UTF-16 code units; here they fall either side of the first 64 K.
    const text = `${`${'a'.repeat(49)}\n`.repeat(1310)}${'b'.repeat(35)}${ch}\n`;
    expect(text.indexOf(ch)).toBe(64 * 1024 - 1);
    const rows = await cellsOf(Buffer.from(text));
    expect(rows).toHaveLength(1311);
    expect(rows[1310]).toEqual([`${'b'.repeat(35)}${ch}`]);
  });

  // A piece is lengthened only for a high surrogate: lengthening it for any other last unit would
  // cut the pair that starts right after it.
  it.each([
    ['an ordinary character', 'b'],
    ['a whole pair', '😀'],
  ])('keeps a pair whole when the first piece ends on %s just before it', async (_what, last) => {
    const text = `${`${'a'.repeat(49)}\n`.repeat(1310)}${'b'.repeat(36 - last.length)}${last}😀\n`;
    expect(text.lastIndexOf('😀')).toBe(64 * 1024);
    const rows = await cellsOf(Buffer.from(text));
    expect(rows).toHaveLength(1311);
    expect(rows[1310]).toEqual([`${'b'.repeat(36 - last.length)}${last}😀`]);
  });
});

describe('cells and rows', () => {
  it('cuts cell text at the cell limit and keeps shorter text whole', async () => {
    const file = Buffer.from(`${'张'.repeat(SHEET_LIMITS.maxCellChars + 5)},${'李'.repeat(SHEET_LIMITS.maxCellChars)}\n`);
    expect(await cellsOf(file)).toEqual([['张'.repeat(SHEET_LIMITS.maxCellChars), '李'.repeat(SHEET_LIMITS.maxCellChars)]]);
  });

  it('trims runs of spaces, full-width spaces, non-breaking spaces and BOMs at both ends, not inside', async () => {
    const file = Buffer.from(' \u3000\u00a0张\u3000三\u00a0\u3000 ,\ufeff\ufeff甲\t\t\n');
    expect(await cellsOf(file)).toEqual([['张\u3000三', '甲']]);
  });

  it('reads a row of exactly the column limit', async () => {
    const cells = Array.from({ length: SHEET_LIMITS.maxColumns }, (_, i) => `c${i}`);
    expect(await cellsOf(Buffer.from(cells.join(',') + ',,\n'))).toEqual([cells]);
  });

  it('is complete with exactly maxRows rows with content, blank rows not counted', async () => {
    const file = Buffer.from('a\n\nb\n,,\nc\n');
    expect(await readSheet(file, '名单.csv', opts({ maxRows: 3 }))).toEqual({
      rows: [{ row: 1, cells: ['a'] }, { row: 2, cells: [] }, { row: 3, cells: ['b'] }, { row: 4, cells: [] }, { row: 5, cells: ['c'] }],
      complete: true,
    });
    expect((await readSheet(file, '名单.csv', opts({ maxRows: 2 }))).complete).toBe(false);
  });

  it('takes a row as blank only when every cell is empty', () => {
    expect(isBlank({ row: 1, cells: ['', ''] })).toBe(true);
    expect(isBlank({ row: 1, cells: [] })).toBe(true);
    expect(isBlank({ row: 1, cells: ['', '张三'] })).toBe(false);
  });
});

describe('the file as sent', () => {
  const csv = Buffer.from('姓名\n张三\n');

  it('reads the extension after trailing spaces in the name, in any case', async () => {
    expect(await cellsOf(csv, '名单.CSV  ')).toEqual([['姓名'], ['张三']]);
  });

  it('takes the last extension of the name, and none from a folder in it', async () => {
    const saveAs = '请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 格式后再发送';
    expect(await problemOf(csv, '名单.csv.txt')).toBe(`不支持 .txt 文件，${saveAs}`);
    expect(await problemOf(csv, 'a.csv/名单')).toBe(`无法识别文件类型（文件名没有扩展名），${saveAs}`);
  });

  it('reads a file of exactly the size limit', async () => {
    expect(await cellsOf(csv, '名单.csv', { maxBytes: csv.length })).toEqual([['姓名'], ['张三']]);
    expect(await problemOf(csv, '名单.csv', { maxBytes: csv.length - 1 })).toMatch(/^文件超过 /);
  });

  it('takes a .csv of just the four zip signature bytes for a workbook', async () => {
    const message = await problemOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), '名单.csv');
    expect(message).toContain('Excel');
  });
});
