import ExcelJS from 'exceljs';
import { parseExpertSheet } from '../../src/domain/expert-import';
import { SHEET_LIMITS } from '../../src/domain/sheet-reading';
import { buildZip, ZipEntrySource } from '../helpers/zip-builder';

/**
 * Hostile spreadsheets (issue 14): each is refused with a Chinese message after reading a bounded
 * part of it, never unpacked or parsed whole. The files are generated here.
 */

const HEADER = ['姓名', '单位', '领域', '联系方式'];

const errorsOf = async (file: Buffer, name: string) => (await parseExpertSheet(file, name)).errors.map((e) => e.message);

/** `count` copies of `piece`, produced a megabyte at a time. */
function* repeated(piece: string, count: number): Generator<Buffer> {
  const perChunk = Math.max(1, Math.floor((1024 * 1024) / piece.length));
  const chunk = Buffer.from(piece.repeat(perChunk));
  let left = count;
  while (left >= perChunk) {
    yield chunk;
    left -= perChunk;
  }
  if (left > 0) yield Buffer.from(piece.repeat(left));
}

/** A workbook whose sheet has a header row and then `emptyRows` empty row elements. */
function sheetWithEmptyRows(emptyRows: number, declaredSize?: number): ZipEntrySource {
  const head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  return {
    name: 'xl/worksheets/sheet1.xml',
    declaredSize,
    *pieces() {
      yield Buffer.from(head + '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>');
      yield* repeated('<row/>', emptyRows);
      yield Buffer.from('</sheetData></worksheet>');
    },
  };
}

const tooManyRows = `表格中的行太多（含空行超过 ${SHEET_LIMITS.maxScannedRows} 行），请删去多余的行后再发送`;
const tooBigUnpacked = `该 Excel 文件解压后超过 10 MB，内容太多，请删去无关的工作表、图片和多余的行后再发送`;
const damaged = '无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送';

describe('.xlsx bombs', () => {
  it('refuses a sheet of 10 million empty rows by its declared unpacked size, unpacking nothing', async () => {
    const file = buildZip([sheetWithEmptyRows(10_000_000)]);
    expect(file.length).toBeLessThan(1024 * 1024); // well under the 5 MB download limit
    expect(await errorsOf(file, '专家名单.xlsx')).toEqual([tooBigUnpacked]);
  });

  it('refuses the same sheet when its headers lie about its size, while unpacking it', async () => {
    const file = buildZip([sheetWithEmptyRows(10_000_000, 2048)]);
    expect(await errorsOf(file, '专家名单.xlsx')).toEqual([damaged]);
  });

  it('refuses a sheet small when unpacked but with too many row elements, before exceljs parses it', async () => {
    const file = buildZip([sheetWithEmptyRows(SHEET_LIMITS.maxScannedRows + 1)]);
    expect(await errorsOf(file, '专家名单.xlsx')).toEqual([tooManyRows]);
  });

  it('refuses too many cells, and counts tags with a namespace prefix', async () => {
    const cells = { name: 'xl/worksheets/sheet1.xml', pieces: () => repeated('<x:row><x:c/><x:c/><x:c/><x:c/><x:c/></x:row>', 7_000) };
    expect(await errorsOf(buildZip([cells]), '专家名单.xlsx')).toEqual([`表格中的单元格太多（超过 ${SHEET_LIMITS.maxCells} 个），请只保留需要导入的内容后再发送`]);
  });

  it('refuses a zip of many entries that add up', async () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `xl/media/image${i}.png`, pieces: () => repeated('A', 1024 * 1024) }));
    expect(await errorsOf(buildZip(entries), '专家名单.xlsx')).toEqual([tooBigUnpacked]);
  });

  it('stops reading a real workbook at 500 experts and says so', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('专家');
    sheet.addRow(HEADER);
    for (let i = 0; i < 1500; i += 1) sheet.addRow([`专家${i}`, '单位', '稀土', `138${String(i).padStart(8, '0')}`]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    expect(await errorsOf(file, '专家名单.xlsx')).toEqual(['一次最多导入 500 位专家，文件中超过 500 行，请分批导入']);
  });
});

describe('.csv bombs', () => {
  it('refuses millions of empty lines after the row limit', async () => {
    const file = Buffer.concat([Buffer.from(HEADER.join(',') + '\n'), ...repeated('\n', 4_000_000)]);
    expect(await errorsOf(file, '专家名单.csv')).toEqual([tooManyRows]);
  });

  it('refuses one endless line', async () => {
    const file = Buffer.concat([Buffer.from(HEADER.join(',') + '\n"'), ...repeated('x', 4_000_000)]);
    expect(await errorsOf(file, '专家名单.csv')).toEqual([`CSV 文件中有一行太长（超过 64 KB），请检查文件内容（可能有未配对的引号）`]);
  });

  it('refuses a row of too many columns', async () => {
    const file = Buffer.from(`${HEADER.join(',')}\n${Array.from({ length: 300 }, (_, i) => `x${i}`).join(',')}\n`);
    expect(await errorsOf(file, '专家名单.csv')).toEqual([`第 2 行超过 ${SHEET_LIMITS.maxColumns} 列，请只保留需要导入的列后再发送`]);
  });

  it('stops at 500 experts among thousands of rows and says so', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `专家${i},单位,稀土,138${String(i).padStart(8, '0')}`);
    const file = Buffer.from([HEADER.join(','), ...rows].join('\n'));
    expect(await errorsOf(file, '专家名单.csv')).toEqual(['一次最多导入 500 位专家，文件中超过 500 行，请分批导入']);
  });

  it('cuts an overlong cell, which the row check then reports', async () => {
    const file = Buffer.from(`${HEADER.join(',')}\n${'张'.repeat(20_000)},单位,稀土,13800138000\n`);
    expect(await errorsOf(file, '专家名单.csv')).toEqual(['第 2 行：姓名不能超过 50 字']);
  });
});
