import type ExcelJS from 'exceljs';
import { addSafeRow, buildWorkbook, localDateTime, newWorkbook, workbookBuffer, type SheetSpec } from '../../src/services/sheet-writing';
import { readWorkbook } from '../helpers/uploads';

/**
 * The spreadsheets every export is written with (sheet-writing.ts), read back with exceljs as a
 * spreadsheet program would: each column kind's cells (text, number, percent, date, datetime),
 * blanks, formula-like text in every kind, the header row's look, widths, the frozen pane, the
 * workbook's author, and localDateTime's wall-clock times.
 */

async function sheetOf(spec: Omit<SheetSpec, 'name'>): Promise<ExcelJS.Worksheet> {
  const book = await readWorkbook(await buildWorkbook([{ name: '表', ...spec }]));
  return book.getWorksheet('表')!;
}

/** One data row (below the header) of a sheet with one column of `kind`. */
async function cellsOf(kind: SheetSpec['columns'][number]['kind'], values: SheetSpec['rows'][number]): Promise<ExcelJS.Cell[]> {
  const sheet = await sheetOf({ columns: values.map((_, i) => ({ header: `列${i + 1}`, width: 10, kind })), rows: [values] });
  return values.map((_, i) => sheet.getRow(2).getCell(i + 1));
}

describe('text columns', () => {
  it('write numbers and date-like text as text, exactly as given', async () => {
    const [n, d, t] = await cellsOf('text', [5, '2027-06-10', '包头市']);
    expect(n.value).toBe('5');
    expect(d.value).toBe('2027-06-10');
    expect(t.value).toBe('包头市');
    expect([n.numFmt, d.numFmt, t.numFmt]).not.toContain('@');
  });

  it('leave null, undefined and empty text blank', async () => {
    const sheet = await sheetOf({
      columns: [{ header: 'a', width: 5 }, { header: 'b', width: 5 }, { header: 'c', width: 5 }, { header: 'd', width: 5 }],
      rows: [[null, undefined, '', '末']],
    });
    expect(sheet.getRow(2).values).toEqual([undefined, undefined, undefined, undefined, '末']);
  });

  it('set empty text to no value at all in the sheet being built', async () => {
    const book = await newWorkbook();
    const row = addSafeRow(book.addWorksheet('t'), ['', null, 'x']);
    expect(row.getCell(1).value).toBeNull();
    expect(row.getCell(2).value).toBeNull();
    expect(row.getCell(3).value).toBe('x');
  });
});

describe('number and percent columns', () => {
  it('write numbers as numbers, percentages with one decimal', async () => {
    const sheet = await sheetOf({
      columns: [{ header: '数', width: 8, kind: 'number' }, { header: '比', width: 8, kind: 'percent' }],
      rows: [[12, 0.375]],
    });
    const [n, p] = [sheet.getCell('A2'), sheet.getCell('B2')];
    expect(n.value).toBe(12);
    expect(p.value).toBe(0.375);
    expect(p.numFmt).toBe('0.0%');
  });

  it('leave a plain number column without the percent format', async () => {
    const [n] = await cellsOf('number', [3]);
    expect(n.value).toBe(3);
    expect(n.numFmt).not.toBe('0.0%');
  });

  it('write what is not a finite number as text', async () => {
    const [text, nan, formula] = await cellsOf('number', ['约 12', Number.NaN, '=1+1']);
    expect(text.value).toBe('约 12');
    expect(nan.value).toBe('NaN');
    expect(formula.value).toBe('=1+1');
    expect(formula.numFmt).toBe('@');
  });
});

describe('date columns', () => {
  it('turn YYYY-MM-DD into real dates shown as yyyy-mm-dd', async () => {
    const [d] = await cellsOf('date', ['2027-06-10']);
    expect(d.value).toEqual(new Date(Date.UTC(2027, 5, 10)));
    expect(d.numFmt).toBe('yyyy-mm-dd');
  });

  it('keep text that only contains a date as text', async () => {
    const [after, before, plain] = await cellsOf('date', ['2027-06-10 上午', '约2027-06-10', '待定']);
    expect(after.value).toBe('2027-06-10 上午');
    expect(before.value).toBe('约2027-06-10');
    expect(plain.value).toBe('待定');
    expect([after.numFmt, before.numFmt, plain.numFmt]).not.toContain('@');
  });

  it('keep formula-like text as text with the Text format', async () => {
    const [f] = await cellsOf('date', ['=NOW()']);
    expect(f.value).toBe('=NOW()');
    expect(f.formula).toBeUndefined();
    expect(f.numFmt).toBe('@');
  });

  it('write a Date as a date, and a datetime with hours and minutes', async () => {
    const at = new Date(Date.UTC(2027, 5, 10, 14, 5));
    const [d] = await cellsOf('date', [at]);
    const [dt] = await cellsOf('datetime', [at]);
    const [t] = await cellsOf('text', [at]);
    expect(d.value).toEqual(at);
    expect(d.numFmt).toBe('yyyy-mm-dd');
    expect(dt.value).toEqual(at);
    expect(dt.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(t.numFmt).toBe('yyyy-mm-dd');
  });
});

describe('localDateTime', () => {
  it('is the wall-clock time in the time zone, as a UTC serial', () => {
    // 2027-01-31 16:30 UTC is 2027-02-01 00:30 in Beijing.
    expect(localDateTime(Date.UTC(2027, 0, 31, 16, 30), 'Asia/Shanghai')).toEqual(new Date(Date.UTC(2027, 1, 1, 0, 30)));
    expect(localDateTime(Date.UTC(2027, 11, 31, 23, 59), 'UTC')).toEqual(new Date(Date.UTC(2027, 11, 31, 23, 59)));
  });
});

describe('the sheet', () => {
  it('has a bold, wrapped, vertically centred header, frozen below it, and the columns widths', async () => {
    const sheet = await sheetOf({
      columns: [{ header: '项目名称', width: 30 }, { header: '=盟市', width: 12, kind: 'number' }],
      rows: [['甲', 1]],
    });
    const header = sheet.getRow(1);
    expect(header.values).toEqual([undefined, '项目名称', '=盟市']);
    expect(header.getCell(2).numFmt).toBe('@');
    for (const c of [header.getCell(1), header.getCell(2)]) {
      expect(c.font).toMatchObject({ bold: true });
      expect(c.alignment).toEqual({ vertical: 'middle', wrapText: true });
    }
    expect(sheet.getCell('A2').font?.bold).toBeFalsy();
    expect(sheet.getCell('A2').alignment).toBeUndefined();
    expect(sheet.columns.map((c) => c.width)).toEqual([30, 12]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 0, ySplit: 1 });
  });

  it('adds an empty row as a blank row', async () => {
    const book = await newWorkbook();
    const sheet = book.addWorksheet('t');
    addSafeRow(sheet, []);
    addSafeRow(sheet, ['下一行']);
    const back = (await readWorkbook(await workbookBuffer(book))).getWorksheet('t')!;
    expect(back.getRow(1).values).toEqual([]);
    expect(back.getRow(2).values).toEqual([undefined, '下一行']);
  });

  it('is written by 企业创新助手', async () => {
    const book = await readWorkbook(await buildWorkbook([{ name: '表', columns: [], rows: [] }]));
    expect(book.creator).toBe('企业创新助手');
  });
});
