import { mobileError, normaliseMobile } from './contact';
import { INDUSTRIES, parseIndustry, type Industry } from './industries';
import { findHeaderRow, headerKey, isBlank, readSheet, SheetFileProblem, type SheetRead, type SheetRow } from './sheet-reading';

/**
 * An expert list (专家名单) that an admin sends the bot as a file: .xlsx, or .csv as Excel or
 * WPS saves it (UTF-8 with or without a BOM, or GBK/GB18030 from Excel on Chinese Windows);
 * sheet-reading.ts turns the file into rows of text, and this module reads experts from them.
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

/**
 * Reads an expert list. Never throws for what is in the file: every problem, the file's or a
 * row's, is in `errors`.
 */
export async function parseExpertSheet(file: Buffer, fileName: string, opts: ExpertImportOptions = {}): Promise<ExpertSheet> {
  const industries = opts.industries ?? INDUSTRIES;
  let sheet: SheetRead;
  try {
    sheet = await readSheet(file, fileName, {
      maxBytes: EXPERT_IMPORT_LIMITS.maxBytes,
      // The header, the rows above it, and one row more than may be imported: enough to tell.
      maxRows: EXPERT_IMPORT_LIMITS.maxRows + EXPERT_IMPORT_LIMITS.headerSearchRows + 1,
      hasHeader: (rows) => findHeader(rows) !== undefined,
    });
  } catch (err) {
    if (err instanceof SheetFileProblem) return fileError(err.message);
    throw err;
  }
  return readExperts(sheet.rows, sheet.complete, industries);
}

function fileError(message: string): ExpertSheet {
  return { rows: [], errors: [{ row: 0, message }] };
}

// ---------------------------------------------------------------------------------------------
// The rows: header, then experts.

function columnsOf(cells: readonly string[]): Map<Column, number[]> {
  const columns = new Map<Column, number[]>();
  cells.forEach((cell, i) => {
    const column = COLUMN_BY_HEADER.get(headerKey(cell));
    if (column) columns.set(column, [...(columns.get(column) ?? []), i]);
  });
  return columns;
}

/** The index in `rows` of the header: the first row near the top naming 姓名 and another column. */
function findHeader(rows: readonly SheetRow[]): number | undefined {
  return findHeaderRow(rows, EXPERT_IMPORT_LIMITS.headerSearchRows, (cells) => {
    const columns = columnsOf(cells);
    return columns.has('name') && columns.size >= 2;
  });
}

function readExperts(sheet: readonly SheetRow[], complete: boolean, industries: readonly Industry[]): ExpertSheet {
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
    // Reading stopped soon after the limit: the exact count is known only when it did not.
    const count = complete ? `文件中有 ${data.length} 行` : `文件中超过 ${EXPERT_IMPORT_LIMITS.maxRows} 行`;
    return fileError(`一次最多导入 ${EXPERT_IMPORT_LIMITS.maxRows} 位专家，${count}，请分批导入`);
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
      // Stryker disable next-line MethodExpression: a word never starts or ends with a space here: a space at depth 0 separates, and one inside brackets is followed by the closing bracket before a separator can come
      if (word.trim() !== '') words.push(word.trim());
      word = '';
    } else word += ch;
  }
  // Stryker disable next-line MethodExpression: the last word could end with a space only if the cell did with a bracket open, and the sheet readers trim every cell (sheet-rows.ts cleanCell)
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
    // Stryker disable next-line StringLiteral: a bracket replaced by nothing or by a space gives the same number, since normaliseMobile drops every space
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
