import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { mobileError, normaliseMobile } from './contact';
import { INDUSTRIES, parseIndustry, type Industry } from './industries';

/**
 * An expert list (专家名单) that an admin sends the bot as a file: .xlsx, or .csv as Excel or
 * WPS saves it (UTF-8 with or without a BOM, or GBK/GB18030 from Excel on Chinese Windows).
 *
 * The sheet's header row names the columns, in Chinese or English, in any order; a title row
 * above it is fine. Every problem is reported with the row number the admin sees in the sheet,
 * and a row with a problem is left out of `rows`: the caller decides whether to import the rest.
 * Problems with the file as a whole (type, size, header, too many rows) have row 0.
 */

export interface ExpertRow {
  /** Spaces that pad a Chinese name ('张  三') are dropped; other runs of spaces become one. */
  name: string;
  organisation: string;
  /** Industry values, without duplicates, in the industry list's order. */
  fields: string[];
  /**
   * As written, except that a mobile number is stored as 11 digits; several contact columns
   * (手机, 邮箱) are joined with '；'.
   */
  contact: string;
  openId: string | null;
}

export interface ExpertImportError {
  /** The row as numbered in the sheet (the header is usually row 1); 0 for the file as a whole. */
  row: number;
  /** Chinese, for the admin, with the row: '第 3 行：领域「航天」不在产业列表中'. */
  message: string;
}

export interface ExpertSheet {
  rows: ExpertRow[];
  errors: ExpertImportError[];
}

export interface ExpertImportOptions {
  /** The configured industry list (`resolveIndustries`); the default list otherwise. */
  industries?: readonly Industry[];
}

export const EXPERT_IMPORT_LIMITS = Object.freeze({
  /** Expert rows in one file. */
  maxRows: 500,
  /** Far above what 500 rows take (an .xlsx of 500 experts is some 30 KB). */
  maxBytes: 5 * 1024 * 1024,
  /** The title row, if any, and notes above the header. */
  headerSearchRows: 10,
  name: 50,
  organisation: 100,
  contact: 100,
  openId: 128,
});

type Column = 'name' | 'organisation' | 'fields' | 'contact' | 'openId';

const COLUMN_LABELS: Readonly<Record<Column, string>> = {
  name: '姓名',
  organisation: '单位',
  fields: '领域',
  contact: '联系方式',
  openId: '飞书ID',
};

const REQUIRED_COLUMNS: readonly Column[] = ['name', 'organisation', 'fields', 'contact'];

/** Header names, compared after `headerKey` (no width, case, spaces, '*' or notes in brackets). */
const HEADER_NAMES: Readonly<Record<Column, readonly string[]>> = {
  name: ['姓名', '专家姓名', '名字', 'name', 'expertname'],
  organisation: ['单位', '工作单位', '所在单位', '单位名称', '工作机构', '机构', 'organisation', 'organization', 'org', 'affiliation', 'company'],
  fields: ['领域', '专业领域', '擅长领域', '研究领域', '产业领域', '所属产业', '产业', 'fields', 'field', 'industries', 'industry'],
  contact: ['联系方式', '电话', '联系电话', '手机', '手机号', '手机号码', '邮箱', '电子邮箱', '电子邮件', 'contact', 'phone', 'mobile', 'tel', 'email', 'e-mail'],
  openId: ['open_id', 'openid', '飞书id', '飞书openid', '飞书open_id', 'feishuid', 'feishu_open_id', 'feishuopenid', 'larkid'],
};

const COLUMN_BY_HEADER: ReadonlyMap<string, Column> = new Map(
  (Object.entries(HEADER_NAMES) as [Column, readonly string[]][]).flatMap(([column, names]) => names.map((n) => [headerKey(n), column] as const)),
);

const HEADER_HINT = '表头应包含：姓名、单位、领域、联系方式，可选 飞书ID（open_id）';

/** A row as the sheet has it: its number and its cells' text, trimmed. */
interface SheetRow {
  row: number;
  cells: string[];
}

class FileProblem extends Error {}

/**
 * Reads an expert list. Never throws for what is in the file: every problem, the file's or a
 * row's, is in `errors`.
 */
export async function parseExpertSheet(file: Buffer, fileName: string, opts: ExpertImportOptions = {}): Promise<ExpertSheet> {
  const industries = opts.industries ?? INDUSTRIES;
  let sheet: SheetRow[];
  try {
    sheet = await readSheet(file, fileName);
  } catch (err) {
    if (err instanceof FileProblem) return fileError(err.message);
    throw err;
  }
  return readExperts(sheet, industries);
}

function fileError(message: string): ExpertSheet {
  return { rows: [], errors: [{ row: 0, message }] };
}

// ---------------------------------------------------------------------------------------------
// The file: which kind, and its rows as text.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Old .xls, and also an .xlsx with a password (Office encrypts into the same container). */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(file: Buffer, magic: readonly number[]): boolean {
  return file.length >= magic.length && magic.every((b, i) => file[i] === b);
}

async function readSheet(file: Buffer, fileName: string): Promise<SheetRow[]> {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  const saveAs = '请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 格式后再发送';
  if (ext === 'xls' || ext === 'et') throw new FileProblem(`暂不支持旧版 .${ext} 格式，${saveAs}`);
  if (ext !== 'xlsx' && ext !== 'csv') {
    throw new FileProblem(ext === '' ? `无法识别文件类型（文件名没有扩展名），${saveAs}` : `不支持 .${ext} 文件，${saveAs}`);
  }
  if (file.length === 0) throw new FileProblem('文件是空的');
  if (file.length > EXPERT_IMPORT_LIMITS.maxBytes) {
    throw new FileProblem(`文件超过 ${EXPERT_IMPORT_LIMITS.maxBytes / 1024 / 1024} MB，请删去无关内容或分批导入`);
  }
  if (startsWith(file, OLE_MAGIC)) {
    throw new FileProblem(`无法读取该文件：它可能是旧版 .xls 格式或设置了打开密码，${saveAs}（不要设置密码）`);
  }
  // By content: a workbook renamed to .csv is still a workbook.
  if (startsWith(file, ZIP_MAGIC)) return readXlsx(file);
  if (ext === 'xlsx') throw new FileProblem(`该文件不是有效的 .xlsx 文件，${saveAs}`);
  return readCsv(file);
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

function readCsv(file: Buffer): SheetRow[] {
  const text = decodeCsvText(file);
  // Excel's "Unicode text" is tab-separated; everything else here is comma-separated.
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // csv-parse reports where it gave up (the end, for an unpaired quote), not where the
    // mistake is, so no line is named.
    throw new FileProblem('CSV 文件格式有误，可能有未配对的引号，请用 Excel 或 WPS 重新另存为 .csv 后再发送');
  }
  // One record is one row of the sheet, even when a quoted cell holds a line break.
  return records.map((cells, i) => ({ row: i + 1, cells: cells.map(cleanCell) }));
}

async function readXlsx(file: Buffer): Promise<SheetRow[]> {
  // Loaded on first use: exceljs takes some 300 ms to load, which the bot's start need not wait for.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  try {
    // exceljs types its argument as an ArrayBuffer; it hands it to JSZip, which takes a Buffer.
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new FileProblem('无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送');
  }
  const sheets = workbook.worksheets.map((ws) => {
    const rows: SheetRow[] = [];
    ws.eachRow((row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cleanCell(cellText(row.getCell(c).value)));
      rows.push({ row: rowNumber, cells });
    });
    return rows;
  });
  // The first sheet with a header; an instructions sheet in front of the list is common.
  return sheets.find((rows) => findHeader(rows) !== undefined) ?? sheets.find((rows) => rows.length > 0) ?? [];
}

/** A cell as the sheet shows it, as far as a list of experts needs. */
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
// The rows: header, then experts.

function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s*:：]/g, '');
}

function columnsOf(cells: readonly string[]): Map<Column, number[]> {
  const columns = new Map<Column, number[]>();
  cells.forEach((cell, i) => {
    const column = COLUMN_BY_HEADER.get(headerKey(cell));
    if (column) columns.set(column, [...(columns.get(column) ?? []), i]);
  });
  return columns;
}

function isBlank(row: SheetRow): boolean {
  return row.cells.every((c) => c === '');
}

/** The index in `rows` of the header: the first row near the top naming 姓名 and another column. */
function findHeader(rows: readonly SheetRow[]): number | undefined {
  const limit = Math.min(rows.length, EXPERT_IMPORT_LIMITS.headerSearchRows);
  for (let i = 0; i < limit; i++) {
    const columns = columnsOf(rows[i].cells);
    if (columns.has('name') && columns.size >= 2) return i;
  }
  return undefined;
}

function readExperts(sheet: readonly SheetRow[], industries: readonly Industry[]): ExpertSheet {
  const nonBlank = sheet.filter((r) => !isBlank(r));
  if (nonBlank.length === 0) return fileError(`文件中没有内容（${HEADER_HINT}）`);

  const headerAt = findHeader(nonBlank);
  const header = nonBlank[headerAt ?? 0];
  const columns = columnsOf(header.cells);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    return fileError(`表头缺少${missing.map((c) => `「${COLUMN_LABELS[c]}」`).join('')}列（${HEADER_HINT}）`);
  }

  const data = nonBlank.slice((headerAt ?? 0) + 1);
  if (data.length === 0) return fileError('表头下面没有专家数据');
  if (data.length > EXPERT_IMPORT_LIMITS.maxRows) {
    return fileError(`一次最多导入 ${EXPERT_IMPORT_LIMITS.maxRows} 位专家，文件中有 ${data.length} 行，请分批导入`);
  }

  const at = (row: SheetRow, column: Column): string => row.cells[(columns.get(column) ?? [])[0]] ?? '';
  const rows: ExpertRow[] = [];
  const errors: ExpertImportError[] = [];
  const firstRowOf = new Map<string, number>();
  const firstOpenIdRow = new Map<string, number>();

  for (const sheetRow of data) {
    const problems: string[] = [];
    const limits = EXPERT_IMPORT_LIMITS;

    const name = tidyName(at(sheetRow, 'name'));
    if (name === '') problems.push('请填写姓名');
    else if ([...name].length > limits.name) problems.push(`姓名不能超过 ${limits.name} 字`);

    const organisation = collapseSpaces(at(sheetRow, 'organisation'));
    if (organisation === '') problems.push('请填写单位');
    else if ([...organisation].length > limits.organisation) problems.push(`单位不能超过 ${limits.organisation} 字`);

    const fieldWords = splitFields(at(sheetRow, 'fields'));
    const chosen = new Set<string>();
    if (fieldWords.length === 0) problems.push('请填写领域');
    for (const word of fieldWords) {
      const industry = parseIndustry(word, industries);
      if (industry) chosen.add(industry.value);
      else problems.push(`领域「${word}」不在产业列表中`);
    }

    const contacts: string[] = [];
    for (const index of columns.get('contact') ?? []) {
      const raw = sheetRow.cells[index] ?? '';
      if (raw === '') continue;
      const checked = checkContact(raw);
      if ('problem' in checked) problems.push(checked.problem);
      else if (!contacts.includes(checked.contact)) contacts.push(checked.contact);
    }
    const contact = contacts.join('；');
    if (contacts.length === 0 && !problems.some((p) => p.startsWith('联系方式'))) problems.push('请填写联系方式');
    else if ([...contact].length > limits.contact) problems.push(`联系方式不能超过 ${limits.contact} 字`);

    const openIdText = at(sheetRow, 'openId');
    let openId: string | null = null;
    if (openIdText !== '') {
      if (!openIdText.startsWith('ou_')) problems.push(`飞书ID「${openIdText}」格式不正确（应为 ou_ 开头的 open_id）`);
      else if (openIdText.length > limits.openId || !/^ou_[A-Za-z0-9_-]+$/.test(openIdText)) {
        problems.push(`飞书ID「${openIdText}」格式不正确（只能包含字母、数字、下划线和短横线）`);
      } else {
        const earlier = firstOpenIdRow.get(openIdText);
        if (earlier !== undefined) problems.push(`飞书ID与第 ${earlier} 行重复`);
        else firstOpenIdRow.set(openIdText, sheetRow.row);
        openId = openIdText;
      }
    }

    // The same person twice: the later row is the mistake. Compared as stored (see tidyName).
    if (name !== '' && organisation !== '') {
      const key = `${name}\u0000${organisation}`;
      const earlier = firstRowOf.get(key);
      if (earlier !== undefined) problems.unshift(`与第 ${earlier} 行重复（姓名和单位相同）`);
      else firstRowOf.set(key, sheetRow.row);
    }

    if (problems.length > 0) {
      for (const problem of problems) errors.push({ row: sheetRow.row, message: `第 ${sheetRow.row} 行：${problem}` });
      continue;
    }
    rows.push({
      name,
      organisation,
      fields: industries.filter((i) => chosen.has(i.value)).map((i) => i.value),
      contact,
      openId,
    });
  }
  return { rows, errors };
}

export function collapseSpaces(text: string): string {
  return text.replace(/[\s\u3000\u00a0]+/g, ' ').trim();
}

/** '张  三' and '王　五' are padded to line up with three-character names; 'Li Wei' is not. */
export function tidyName(text: string): string {
  return collapseSpaces(text).replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');
}

/**
 * '稀土、新能源；数字经济' → three words. Separators inside brackets belong to the word, so a
 * full label such as '数字经济（大数据、云计算、人工智能）' stays whole.
 */
function splitFields(text: string): string[] {
  const words: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of text) {
    if (ch === '(' || ch === '（') depth++;
    else if ((ch === ')' || ch === '）') && depth > 0) depth--;
    if (depth === 0 && /[、，,;；/／|｜\s\u3000]/.test(ch)) {
      if (word.trim() !== '') words.push(word.trim());
      word = '';
    } else word += ch;
  }
  if (word.trim() !== '') words.push(word.trim());
  return [...new Set(words)];
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * One contact cell. A mobile number (digits that start with 1 once +86 is gone) is checked like
 * the forms check it and stored as 11 digits; a landline (0471-…) and an e-mail address are
 * kept as written; an e-mail must look like one.
 */
export function checkContact(raw: string): { contact: string } | { problem: string } {
  if (/^[+\d０-９\s\u3000()（）-]+$/.test(raw)) {
    const mobile = normaliseMobile(raw.replace(/[()（）\u3000]/g, ' '));
    if (mobile.startsWith('1')) {
      const error = mobileError(mobile);
      return error === undefined ? { contact: mobile } : { problem: `联系方式「${raw}」有误：${error}` };
    }
    return { contact: collapseSpaces(raw) };
  }
  if (raw.includes('@') && !EMAIL_RE.test(raw)) return { problem: `联系方式「${raw}」有误：邮箱格式不正确` };
  return { contact: collapseSpaces(raw) };
}
