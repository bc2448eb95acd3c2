import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import yauzl from 'yauzl';
import { SHEET_LIMITS, type SheetReadOptions } from '../../src/domain/sheet-rows';
import { readXlsx } from '../../src/domain/sheet-xlsx';
import { buildZip, type ZipEntrySource } from '../helpers/zip-builder';

/**
 * readXlsx at the edges of SHEET_LIMITS (each limit reached exactly is still read, one more is
 * refused) and the text it makes of each kind of cell. The workbooks are generated here: exceljs
 * writes a real one, whose entries are then repacked with extra or replaced entries.
 */

const damaged = '无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送';
const tooBigUnpacked = '该 Excel 文件解压后超过 10 MB，内容太多，请删去无关的工作表、图片和多余的行后再发送';
const tooManyRows = `表格中的行太多（含空行超过 ${SHEET_LIMITS.maxScannedRows} 行），请删去多余的行后再发送`;
const tooManyCells = `表格中的单元格太多（超过 ${SHEET_LIMITS.maxCells} 个），请只保留需要导入的内容后再发送`;

const opts = (over: Partial<SheetReadOptions> = {}): SheetReadOptions => ({ maxBytes: 5 * 1024 * 1024, maxRows: 500, hasHeader: () => false, ...over });

async function bookBuffer(fill: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  fill(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The files of a workbook exceljs wrote, with one sheet holding `row`. */
async function bookEntries(row: unknown[] = ['姓名']): Promise<{ name: string; data: Buffer }[]> {
  const zip = await JSZip.loadAsync(await bookBuffer((b) => b.addWorksheet('名单').addRow(row)));
  const files = Object.values(zip.files).filter((f) => !f.dir);
  return Promise.all(files.map(async (f) => ({ name: f.name, data: await f.async('nodebuffer') })));
}

const entry = (name: string, data: Buffer | string, declaredSize?: number): ZipEntrySource => ({
  name,
  declaredSize,
  pieces: () => [Buffer.isBuffer(data) ? data : Buffer.from(data)],
});

/** The workbook's files repacked, `replace` swapping some by name, then `extra` after them. */
async function repacked(extra: ZipEntrySource[], replace: Record<string, string> = {}): Promise<Buffer> {
  const own = (await bookEntries()).map((e) => entry(e.name, replace[e.name] ?? e.data));
  return buildZip([...own, ...extra]);
}

const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>';
const SHEET_TAIL = '</sheetData></worksheet>';

/**
 * A sheet: its head and header row (1 row, 1 cell element), padded with spaces so that the body
 * starts at `offset` modulo `modulo`, then the body. Zlib hands the text over in 16 KB pieces, so
 * this puts the piece boundaries at a chosen place of the repeated body.
 */
function sheetXml(body: string, offset: number, modulo: number): string {
  const head = SHEET_HEAD + HEADER_ROW;
  const pad = (((offset - head.length) % modulo) + modulo) % modulo;
  return head + ' '.repeat(pad) + body + SHEET_TAIL;
}

describe('readXlsx: cells', () => {
  it('reads each kind of cell as the sheet shows it', async () => {
    const file = await bookBuffer((book) => {
      const sheet = book.addWorksheet('名单');
      sheet.addRow([
        '姓名',
        null,
        true,
        false,
        new Date(Date.UTC(2024, 2, 5, 15, 30)),
        { error: '#N/A' },
        { richText: [{ text: '稀' }, { text: '土', font: { bold: true } }] },
        { text: { richText: [{ text: '主' }, { text: '页' }] }, hyperlink: 'https://example.com/' },
        { text: '链接', hyperlink: 'https://example.com/a' },
        { formula: '1+1', result: 2 },
        3.5,
        42,
      ]);
    });
    const read = await readXlsx(file, opts());
    expect(read).toEqual({
      rows: [{ row: 1, cells: ['姓名', '', 'TRUE', 'FALSE', '2024-03-05', '', '稀土', '主页', '链接', '2', '3.5', '42'] }],
      complete: true,
    });
  });

  it('reads a row of 200 columns and refuses one of 201', async () => {
    const cols = (n: number) => Array.from({ length: n }, (_, i) => `列${i + 1}`);
    const ok = await readXlsx(await bookBuffer((b) => b.addWorksheet('a').addRow(cols(200))), opts());
    expect(ok.rows[0].cells).toHaveLength(200);
    expect(ok.rows[0].cells[199]).toBe('列200');
    await expect(readXlsx(await bookBuffer((b) => b.addWorksheet('a').addRow(cols(201))), opts())).rejects.toThrow(
      `第 1 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`,
    );
  });

  it('refuses a row whose content lies past column 200 behind empty cells, instead of dropping it', async () => {
    const file = await bookBuffer((b) => {
      const row = b.addWorksheet('a').addRow(['张三']);
      row.getCell(250).value = '漏掉的内容';
    });
    await expect(readXlsx(file, opts())).rejects.toThrow(`第 1 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`);
  });

  it('refuses 201 columns of content followed by a blank cell far to the right', async () => {
    const file = await bookBuffer((b) => {
      const row = b.addWorksheet('a').addRow(Array.from({ length: 201 }, (_, i) => `列${i + 1}`));
      row.getCell(300).value = ' ';
    });
    await expect(readXlsx(file, opts())).rejects.toThrow(`第 1 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`);
  });

  it('reads a row with only blank cells past column 200 as the columns it fills', async () => {
    const file = await bookBuffer((b) => {
      const row = b.addWorksheet('a').addRow(['张三', '', '李四']);
      row.getCell(250).value = '\u3000 ';
    });
    const read = await readXlsx(file, opts());
    expect(read.rows[0].cells).toEqual(['张三', '', '李四']);
  });

  it('stops at the row after maxRows and reads no further', async () => {
    const file = await bookBuffer((book) => {
      const sheet = book.addWorksheet('名单');
      for (let i = 1; i <= 6; i += 1) sheet.addRow([`专家${i}`]);
    });
    const read = await readXlsx(file, opts({ maxRows: 2 }));
    expect(read).toEqual({ rows: [1, 2, 3].map((n) => ({ row: n, cells: [`专家${n}`] })), complete: false });
  });
});

describe('readXlsx: which sheet', () => {
  it('without a header anywhere, reads the first sheet that has rows', async () => {
    const file = await bookBuffer((book) => {
      book.addWorksheet('说明');
      book.addWorksheet('名单').addRow(['张三']);
    });
    expect(await readXlsx(file, opts())).toEqual({ rows: [{ row: 1, cells: ['张三'] }], complete: true });
  });

  it('prefers the sheet with the header to an earlier one with rows', async () => {
    const file = await bookBuffer((book) => {
      book.addWorksheet('说明').addRow(['请填写下一页']);
      book.addWorksheet('名单').addRow(['姓名']);
    });
    const read = await readXlsx(file, opts({ hasHeader: (rows) => rows[0]?.cells[0] === '姓名' }));
    expect(read.rows).toEqual([{ row: 1, cells: ['姓名'] }]);
  });

  it('answers no rows, complete, for a workbook whose sheets are all empty', async () => {
    const file = await bookBuffer((book) => {
      book.addWorksheet('一');
      book.addWorksheet('二');
    });
    expect(await readXlsx(file, opts())).toEqual({ rows: [], complete: true });
  });
});

describe('readXlsx: the zip', () => {
  it('reads a workbook of 1000 entries and refuses one of 1001', async () => {
    const own = (await bookEntries()).map((e) => entry(e.name, e.data));
    const filler = (n: number) => Array.from({ length: n }, (_, i) => entry(`customXml/item${i}.xml`, '<a/>'));
    const at = buildZip([...own, ...filler(SHEET_LIMITS.maxZipEntries - own.length)]);
    expect((await readXlsx(at, opts())).rows).toEqual([{ row: 1, cells: ['姓名'] }]);
    const over = buildZip([...own, ...filler(SHEET_LIMITS.maxZipEntries + 1 - own.length)]);
    await expect(readXlsx(over, opts())).rejects.toThrow(tooBigUnpacked);
  });

  it('reads a workbook of exactly 10 MB unpacked and refuses one byte more', async () => {
    const own = (await bookEntries()).map((e) => entry(e.name, e.data));
    const ownBytes = (await bookEntries()).reduce((n, e) => n + e.data.length, 0);
    const padded = (bytes: number) => buildZip([...own, entry('xl/media/image1.png', Buffer.alloc(bytes, 0x41))]);
    const room = SHEET_LIMITS.maxUnpackedBytes - ownBytes;
    expect((await readXlsx(padded(room), opts())).rows).toEqual([{ row: 1, cells: ['姓名'] }]);
    await expect(readXlsx(padded(room + 1), opts())).rejects.toThrow(tooBigUnpacked);
  });

  it('accepts entry names written with backslashes, as some zip tools do', async () => {
    const file = await repacked([entry('xl\\media\\image1.png', 'png')]);
    expect((await readXlsx(file, opts())).rows).toEqual([{ row: 1, cells: ['姓名'] }]);
  });

  it('does not unpack directory entries', async () => {
    // A directory entry that declares nothing but carries bytes: unpacking it would fail.
    const file = await repacked([entry('xl/media/', 'x'.repeat(100), 0)]);
    expect((await readXlsx(file, opts())).rows).toEqual([{ row: 1, cells: ['姓名'] }]);
  });

  it('refuses a zip whose entry names climb out of it', async () => {
    const file = await repacked([entry('../evil.xml', '<a/>')]);
    await expect(readXlsx(file, opts())).rejects.toThrow(damaged);
  }, 5000);

  it('refuses a zip exceljs cannot read as a workbook', async () => {
    const file = await repacked([], { 'xl/workbook.xml': '<workbook><sheets><sheet' });
    await expect(readXlsx(file, opts())).rejects.toThrow(damaged);
  });

  it('leaves no listeners on the zip after walking its entries', async () => {
    const readEntry = jest.spyOn(yauzl.ZipFile.prototype, 'readEntry');
    try {
      const file = await repacked(Array.from({ length: 20 }, (_, i) => entry(`customXml/item${i}.xml`, '<a/>')));
      await readXlsx(file, opts());
      const zips = new Set(readEntry.mock.contexts as yauzl.ZipFile[]);
      expect(zips.size).toBe(1);
      for (const zip of zips) expect(['entry', 'end', 'error'].map((e) => zip.listenerCount(e))).toEqual([0, 0, 0]);
    } finally {
      readEntry.mockRestore();
    }
  });
});

describe('readXlsx: rows and cells of the sheets', () => {
  it('reads exactly 10,000 row elements, each counted once across unpacked pieces, and refuses one more', async () => {
    // Rows of 16 characters over several 16 KB unpacked pieces (a tag cut by a boundary is counted once).
    const body = (rows: number) => Array.from({ length: rows }, (_, i) => `<row r="${String(i + 2).padStart(5, '0')}"/>`).join('');
    const sheet = (rows: number) => sheetXml(body(rows - 1), -5, 16);
    const at = await repacked([], { 'xl/worksheets/sheet1.xml': sheet(SHEET_LIMITS.maxScannedRows) });
    expect((await readXlsx(at, opts())).rows).toEqual([{ row: 1, cells: ['姓名'] }]);
    const over = await repacked([], { 'xl/worksheets/sheet1.xml': sheet(SHEET_LIMITS.maxScannedRows + 1) });
    await expect(readXlsx(over, opts())).rejects.toThrow(tooManyRows);
  });

  it('reads exactly 30,000 cell elements, each counted once across unpacked pieces, and refuses one more', async () => {
    // Rows of up to 1,000 `<c/>`, all in 4-character units, so that the 16 KB piece boundaries fall right after
    // a tag `<c/` (a tag ending exactly at the carried-over text must not be counted again).
    const row = (r: number, n: number) => `<row r="${String(r).padStart(5, '0')}"> ${'<c/>'.repeat(n)}</row>  `;
    const body = (cells: number) => Array.from({ length: Math.ceil(cells / 1000) }, (_, i) => row(i + 2, Math.min(1000, cells - i * 1000))).join('');
    const sheet = (cells: number) => sheetXml(body(cells - 1), -3, 4);
    const at = await repacked([], { 'xl/worksheets/sheet1.xml': sheet(SHEET_LIMITS.maxCells) });
    expect((await readXlsx(at, opts())).rows[0]).toEqual({ row: 1, cells: ['姓名'] });
    const over = await repacked([], { 'xl/worksheets/sheet1.xml': sheet(SHEET_LIMITS.maxCells + 1) });
    await expect(readXlsx(over, opts())).rejects.toThrow(tooManyCells);
  });

  it('counts rows in every entry exceljs could read as a sheet, and only there', async () => {
    const rows = SHEET_LIMITS.maxScannedRows + 1;
    for (const name of ['xl/comments.xml', 'xl/worksheets/_rels/notes.rels', 'custom/rows.xml']) {
      const file = await repacked([entry(name, sheetXml('<row/>'.repeat(rows), 0, 1))]);
      expect({ name, rows: (await readXlsx(file, opts())).rows }).toEqual({ name, rows: [{ row: 1, cells: ['姓名'] }] });
    }
    // exceljs takes `xl/worksheets/sheetN.xml` anywhere in a name for a sheet, so these are counted too.
    for (const name of ['xl/worksheets/notes.xml', 'XL/Worksheets/sheet9.xml', 'backup/xl/worksheets/sheet9.xml', 'xl/worksheets/sheet9.xml.bak']) {
      const sheet = await repacked([entry(name, sheetXml('<row/>'.repeat(rows), 0, 1))]);
      await expect(readXlsx(sheet, opts())).rejects.toThrow(tooManyRows);
    }
  });
});
