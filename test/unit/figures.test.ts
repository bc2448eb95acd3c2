import { ConfigError, loadConfig } from '../../src/config';
import { firstWorkingDay, isWorkingDay } from '../../src/jobs/circular';
import { REGIONS } from '../../src/domain/regions';
import { circularRanks, type CircularRow } from '../../src/services/figures-circular';
import { cellText } from '../../src/services/figures-docx';
import { parseExportArgs } from '../../handlers/export-command';
import { addSafeRow, looksLikeFormula, newWorkbook, workbookBuffer } from '../../src/services/sheet-writing';
import { readWorkbook } from '../helpers/uploads';

/** The figures' pure parts: formula-safe cells, the circular's ranking and day, the 导出 words, the settings. */

describe('formula-safe cells', () => {
  it.each(['=HYPERLINK("http://x","y")', '+86 138', '-1+2', '@SUM(A1)', '\t=1', '\r=1'])('treats %j as formula-like', (text) => {
    expect(looksLikeFormula(text)).toBe(true);
  });
  it.each(['包头市', '13812345678', ' =not at start', ''])('leaves %j alone', (text) => {
    expect(looksLikeFormula(text)).toBe(false);
  });

  it('writes formula-like text as a text cell, never a formula, and reads back as typed', async () => {
    const book = await newWorkbook();
    const sheet = book.addWorksheet('t');
    addSafeRow(sheet, ['=1+1', '\t=cmd', '普通文字', 5, '2027-06-10'], ['text', 'text', 'text', 'number', 'date']);
    const back = (await readWorkbook(await workbookBuffer(book))).worksheets[0].getRow(1);
    expect(back.getCell(1).value).toBe('=1+1');
    expect(back.getCell(1).formula).toBeUndefined();
    expect(back.getCell(1).numFmt).toBe('@');
    expect(back.getCell(2).value).toBe('\t=cmd');
    expect(back.getCell(3).numFmt).not.toBe('@');
    expect(back.getCell(4).value).toBe(5);
    expect(back.getCell(5).value).toEqual(new Date(Date.UTC(2027, 5, 10)));
  });
});

describe('the circular', () => {
  it('falls due on the first working day of the month', () => {
    expect(firstWorkingDay('2027-08')).toBe('2027-08-02'); // the 1st is a Sunday
    expect(firstWorkingDay('2027-06')).toBe('2027-06-01');
    expect(isWorkingDay('2027-08-07')).toBe(false);
  });

  it('counts working days as China does: after the National Day week, and a 调休 Sunday', () => {
    expect(firstWorkingDay('2026-10')).toBe('2026-10-08'); // 10-01…10-07 are holidays
    expect(firstWorkingDay('2026-01')).toBe('2026-01-04'); // 01-01…01-03 holidays, Sunday 01-04 worked
  });

  it('ranks by held, then summarised, approved, filed; equal figures share a place', () => {
    const row = (region: (typeof REGIONS)[number], held: number, summarised: number, approved: number, filed: number): CircularRow => ({
      region, held, summarised, approved, filed, participants: 0, coreMet: 0, keyIndustryMet: 0, needsFiled: 0, needsMatched: 0, needsSolved: 0, reportsOnTime: 0, reportsLate: 0, reportsMissing: 0,
    });
    const ranks = circularRanks([row('包头市', 2, 1, 3, 3), row('赤峰市', 2, 2, 2, 2), row('通辽市', 2, 1, 3, 3), row('乌海市', 0, 0, 0, 1)]);
    expect([...ranks]).toEqual([['包头市', 2], ['赤峰市', 1], ['通辽市', 2], ['乌海市', 4]]);
  });
});

describe('导出 words', () => {
  it('reads a year, a 盟市 and a status in any order', () => {
    expect(parseExportArgs('申请 已通过 包头 2026年', 2027)).toEqual({ what: '申请', year: 2026, region: '包头市', status: '已通过' });
    expect(parseExportArgs('需求', 2027)).toEqual({ what: '需求', year: 2027 });
    expect(parseExportArgs('需求 已解决', 2027)).toEqual({ what: '需求', year: 2027, status: '已解决' });
  });
  it('refuses what it does not understand, and drafts', () => {
    expect(parseExportArgs('申请 草稿', 2027)).toHaveProperty('error');
    expect(parseExportArgs('需求 已通过', 2027)).toHaveProperty('error');
    expect(parseExportArgs('报表', 2027)).toHaveProperty('error');
  });
});

describe('.docx cell text', () => {
  it('shows ratios rounded down, dates as written, blanks as a dash', () => {
    expect(cellText(79.96 / 100, 'percent')).toBe('79.9%');
    expect(cellText(0.75, 'percent')).toBe('75%');
    expect(cellText(80 / 90, 'percent')).toBe('88.8%');
    expect(cellText(null)).toBe('—');
    expect(cellText('2027-06-10', 'date')).toBe('2027-06-10');
  });
});

describe('settings', () => {
  it('defaults to no regional circular and 12-01', () => {
    const c = loadConfig({});
    expect(c.circularToRegions).toBe(false);
    expect(c.yearEndFiguresDate).toBe('12-01');
  });
  it('reads CIRCULAR_TO_REGIONS and YEAR_END_FIGURES_DATE', () => {
    const c = loadConfig({ CIRCULAR_TO_REGIONS: '1', YEAR_END_FIGURES_DATE: '11-25' });
    expect(c.circularToRegions).toBe(true);
    expect(c.yearEndFiguresDate).toBe('11-25');
  });
  it.each([
    [{ CIRCULAR_TO_REGIONS: 'yes' }, 'CIRCULAR_TO_REGIONS'],
    [{ YEAR_END_FIGURES_DATE: '12/01' }, 'YEAR_END_FIGURES_DATE'],
    [{ YEAR_END_FIGURES_DATE: '02-30' }, 'YEAR_END_FIGURES_DATE'],
    [{ YEAR_END_FIGURES_DATE: '02-29' }, 'YEAR_END_FIGURES_DATE'],
  ])('refuses %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
    }
  });
});

describe('the circular card', () => {
  it('stays a shared JSON 2.0 card far below 30 KB with every 盟市 at large figures, its chart plain data', async () => {
    const { circularCard, circularChart } = await import('../../cards/circular-card');
    const { circularTotals } = await import('../../src/services/figures-circular');
    const rows: CircularRow[] = REGIONS.map((region) => ({
      region, filed: 999, approved: 999, held: 999, summarised: 999, participants: 99999, coreMet: 999, keyIndustryMet: 999, needsFiled: 999, needsMatched: 999, needsSolved: 999, reportsOnTime: 99, reportsLate: 99, reportsMissing: 99,
    }));
    const card = circularCard({ year: 2027, asOf: '2027-08-02', rows, totals: circularTotals(rows), chart: circularChart(rows) });
    const json = JSON.stringify(card);
    expect(card.schema).toBe('2.0');
    expect(Buffer.byteLength(json)).toBeLessThan(20 * 1024);
    expect(json).not.toMatch(/function|=>/);
    expect(() => circularChart([{ ...rows[0], held: -1 }])).toThrow('not a count');
  });
});
