import ExcelJS from 'exceljs';
import { EXPERT_IMPORT_LIMITS, parseExpertSheet, type ExpertRow } from '../../src/domain/expert-import';
import { decodeCsvText } from '../../src/domain/sheet-reading';
import { resolveIndustries } from '../../src/domain/industries';

// ---------------------------------------------------------------------------------------------
// Building files as Excel and WPS save them.

const HEADER = ['姓名', '单位', '领域', '联系方式', '飞书ID'];
const HEADER_HINT = '表头应包含：姓名、单位、领域、联系方式，可选 飞书ID（open_id）';

function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

/** A CSV as Excel writes it: CRLF, quotes where needed. */
function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map(csvLine).join('\r\n') + '\r\n';
}

function utf8Csv(rows: readonly (readonly string[])[], bom = false): Buffer {
  return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(csvText(rows), 'utf8')]);
}

/**
 * GB18030 bytes for `text`, from a table made with Node's own GB18030 decoder: every two-byte
 * sequence (lead 0x81–0xFE, trail 0x40–0xFE without 0x7F) and the character it decodes to. The
 * table is checked against known GBK bytes below, so the test does not trust the decoder blindly.
 */
let GB_TABLE: Map<string, number[]> | undefined;
function gb18030(text: string): Buffer {
  if (!GB_TABLE) {
    GB_TABLE = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== '\ufffd' && !GB_TABLE.has(ch)) GB_TABLE.set(ch, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const pair = GB_TABLE.get(ch);
      if (!pair) throw new Error(`no two-byte GB18030 code for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

type Cell = ExcelJS.CellValue;

/** A real .xlsx, written by exceljs. `sheets` maps a sheet name to its rows (arrays of cells). */
async function xlsx(sheets: Record<string, readonly (readonly Cell[])[]>, edit?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = workbook.addWorksheet(name);
    rows.forEach((cells, i) => {
      const row = ws.getRow(i + 1);
      cells.forEach((value, c) => {
        if (value !== null && value !== undefined) row.getCell(c + 1).value = value;
      });
      row.commit();
    });
  }
  edit?.(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const ZHANG = ['张三', '内蒙古大学', '稀土、新材料', '13800138000', 'ou_0123456789abcdef0123456789abcdef'];
const LI = ['李四', '包头稀土研究院', '新能源；数字经济', 'lisi@example.com', ''];

const ZHANG_ROW: ExpertRow = {
  name: '张三',
  organisation: '内蒙古大学',
  fields: ['rare-earth'],
  contact: '13800138000',
  openId: 'ou_0123456789abcdef0123456789abcdef',
};
const LI_ROW: ExpertRow = { name: '李四', organisation: '包头稀土研究院', fields: ['new-energy', 'digital'], contact: 'lisi@example.com', openId: null };

function csvOf(...rows: (readonly string[])[]): Buffer {
  return utf8Csv([HEADER, ...rows]);
}

/** The messages only, for compact expectations. */
async function messagesOf(file: Buffer, name = 'experts.csv'): Promise<string[]> {
  return (await parseExpertSheet(file, name)).errors.map((e) => e.message);
}

// ---------------------------------------------------------------------------------------------

describe('the test’s own GB18030 encoder', () => {
  it('gives the known GBK bytes', () => {
    expect([...gb18030('姓名')]).toEqual([0xd0, 0xd5, 0xc3, 0xfb]);
    expect([...gb18030('、，（）')]).toEqual([0xa1, 0xa2, 0xa3, 0xac, 0xa3, 0xa8, 0xa3, 0xa9]);
    expect([...gb18030('a,1')]).toEqual([0x61, 0x2c, 0x31]);
  });
});

describe('CSV encodings', () => {
  const rows = [HEADER, ZHANG, LI];

  it('reads UTF-8', async () => {
    expect(await parseExpertSheet(utf8Csv(rows), 'experts.csv')).toEqual({ rows: [ZHANG_ROW, LI_ROW], errors: [] });
  });

  it('reads UTF-8 with a BOM (Excel’s “CSV UTF-8”)', async () => {
    const file = utf8Csv(rows, true);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(await parseExpertSheet(file, 'experts.csv')).toEqual({ rows: [ZHANG_ROW, LI_ROW], errors: [] });
  });

  it('reads GB18030/GBK (Excel’s plain “CSV” on Chinese Windows)', async () => {
    const file = gb18030(csvText(rows));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow(); // really not UTF-8
    expect(await parseExpertSheet(file, 'experts.csv')).toEqual({ rows: [ZHANG_ROW, LI_ROW], errors: [] });
  });

  it('reads GBK row errors with the Chinese intact', async () => {
    const file = gb18030(csvText([HEADER, ['王五', '内蒙古工业大学', '航天', '13800138001', '']]));
    expect(await messagesOf(file)).toEqual(['第 2 行：领域「航天」不在产业列表中']);
  });

  it('reads UTF-16 tab-separated text (Excel’s “Unicode text”) when named .csv', async () => {
    const text = '\ufeff' + [HEADER, ZHANG].map((r) => r.join('\t')).join('\r\n');
    const file = Buffer.from(text, 'utf16le');
    expect(await parseExpertSheet(file, 'experts.csv')).toEqual({ rows: [ZHANG_ROW], errors: [] });
  });

  it('decodeCsvText drops a BOM and keeps pure ASCII as it is', () => {
    expect(decodeCsvText(Buffer.from('\ufeffname,org', 'utf8'))).toBe('name,org');
    expect(decodeCsvText(Buffer.from('name,org'))).toBe('name,org');
  });
});

describe('CSV shapes', () => {
  it('keeps quoted commas and line breaks inside one cell, and numbers rows as the sheet shows them', async () => {
    const file = csvOf(['赵六', '呼和浩特, 内蒙古农业大学', '种业', '13900139000', ''], ['钱七', '鄂尔多斯\n实验室', '化工', '', ''], ['孙八', '某单位', '航天', '13900139001', '']);
    const result = await parseExpertSheet(file, 'experts.csv');
    expect(result.rows.map((r) => r.organisation)).toEqual(['呼和浩特, 内蒙古农业大学']);
    expect(result.errors).toEqual([
      { row: 3, message: '第 3 行：请填写联系方式' },
      { row: 4, message: '第 4 行：领域「航天」不在产业列表中' },
    ]);
  });

  it('skips blank rows but keeps counting them', async () => {
    const text = `${csvLine(HEADER)}\r\n\r\n,,,,\r\n${csvLine(['甲', '单位', '航天', '13800138000', ''])}\r\n`;
    expect((await parseExpertSheet(Buffer.from(text), 'x.csv')).errors).toEqual([{ row: 4, message: '第 4 行：领域「航天」不在产业列表中' }]);
  });

  it('takes LF endings and a last line without one', async () => {
    const text = [HEADER, ZHANG, LI].map(csvLine).join('\n');
    expect((await parseExpertSheet(Buffer.from(text), 'x.CSV')).rows).toEqual([ZHANG_ROW, LI_ROW]);
  });

  it('tolerates a stray quote inside a cell', async () => {
    const text = `${csvLine(HEADER)}\n张三,内蒙古"大学",稀土,13800138000,\n`;
    expect((await parseExpertSheet(Buffer.from(text), 'x.csv')).rows[0].organisation).toBe('内蒙古"大学"');
  });

  it('reports an unpaired quote as a file error', async () => {
    const text = `${csvLine(HEADER)}\n张三,"内蒙古大学,稀土,13800138000,\n李四,某单位,稀土,13800138001,\n`;
    expect(await parseExpertSheet(Buffer.from(text), 'x.csv')).toEqual({
      rows: [],
      errors: [{ row: 0, message: 'CSV 文件格式有误，可能有未配对的引号，请用 Excel 或 WPS 重新另存为 .csv 后再发送' }],
    });
  });

  it('reads rows shorter or longer than the header', async () => {
    const text = `姓名,单位,领域,联系方式\n张三,内蒙古大学,稀土,13800138000,多余,更多\n李四,某单位\n`;
    const result = await parseExpertSheet(Buffer.from(text), 'x.csv');
    expect(result.rows).toEqual([{ ...ZHANG_ROW, openId: null }]);
    expect(result.errors.map((e) => e.message)).toEqual(['第 3 行：请填写领域', '第 3 行：请填写联系方式']);
  });
});

describe('header', () => {
  it('recognises English names in any order, case and width', async () => {
    const file = utf8Csv([
      ['Contact', 'FIELDS', 'Organisation', 'Name', 'open_id'],
      ['13800138000', 'rare-earth', '内蒙古大学', '张三', 'ou_0123456789abcdef0123456789abcdef'],
    ]);
    expect((await parseExpertSheet(file, 'x.csv')).rows).toEqual([ZHANG_ROW]);
  });

  it.each([
    [['专家姓名', '工作单位', '专业领域', '电话', 'openid']],
    [['姓名*', '*所在单位', '擅长领域（多个用顿号分隔）', '手机号码', '飞书 ID']],
    [['姓 名', 'organization', '领域(可多选)', '联系电话', 'Open_ID']],
    [['名字：', '单位', 'Fields', '手机', '飞书OpenID']],
  ])('recognises %j', async (header) => {
    expect((await parseExpertSheet(utf8Csv([header, ZHANG]), 'x.csv')).rows).toEqual([ZHANG_ROW]);
  });

  it('finds the header under a title row, and numbers rows as the sheet does', async () => {
    const file = utf8Csv([['2027 年专家库名单'], [], HEADER, ZHANG, ['王五', '某单位', '航天', '13800138001', '']]);
    const result = await parseExpertSheet(file, 'x.csv');
    expect(result.rows).toEqual([ZHANG_ROW]);
    expect(result.errors).toEqual([{ row: 5, message: '第 5 行：领域「航天」不在产业列表中' }]);
  });

  it('takes a row with 姓名 and one other recognised column as the header, so it names what that header lacks', async () => {
    const file = utf8Csv([['2027 年专家库名单'], ['姓名', '单位', '备注'], ['张三', '内蒙古大学', '']]);
    expect(await messagesOf(file)).toEqual([`表头缺少「领域」「联系方式」列（${HEADER_HINT}）`]);
  });

  it('does not take a row naming 姓名 alone, or other columns without 姓名, for the header', async () => {
    for (const above of [['姓名', '（与身份证一致）'], ['单位', '领域']]) {
      const result = await parseExpertSheet(utf8Csv([above, HEADER, ZHANG, ['王五', '某单位', '航天', '13800138001', '']]), 'x.csv');
      expect(result.rows).toEqual([ZHANG_ROW]);
      expect(result.errors).toEqual([{ row: 4, message: '第 4 行：领域「航天」不在产业列表中' }]);
    }
  });

  it('names a missing required column', async () => {
    const file = utf8Csv([['姓名', '单位', '联系方式'], ['张三', '内蒙古大学', '13800138000']]);
    expect(await parseExpertSheet(file, 'x.csv')).toEqual({ rows: [], errors: [{ row: 0, message: `表头缺少「领域」列（${HEADER_HINT}）` }] });
  });

  it('names every missing column in one message', async () => {
    const file = utf8Csv([['姓名', '备注'], ['张三', '']]);
    expect(await messagesOf(file)).toEqual([`表头缺少「单位」「领域」「联系方式」列（${HEADER_HINT}）`]);
  });

  it('reports a sheet without any header', async () => {
    const file = utf8Csv([['张三', '内蒙古大学', '稀土', '13800138000']]);
    expect(await messagesOf(file)).toEqual([`表头缺少「姓名」「单位」「领域」「联系方式」列（${HEADER_HINT}）`]);
  });

  it('does not need the 飞书ID column', async () => {
    const file = utf8Csv([HEADER.slice(0, 4), ZHANG.slice(0, 4)]);
    expect((await parseExpertSheet(file, 'x.csv')).rows).toEqual([{ ...ZHANG_ROW, openId: null }]);
  });

  it('reports an empty file and a header without data', async () => {
    expect(await messagesOf(Buffer.alloc(0))).toEqual(['文件是空的']);
    expect(await messagesOf(Buffer.from('\r\n,,,\r\n'))).toEqual([`文件中没有内容（${HEADER_HINT}）`]);
    expect(await messagesOf(utf8Csv([HEADER]))).toEqual(['表头下面没有专家数据']);
    expect(await messagesOf(utf8Csv([HEADER, [], ['', '', '']]))).toEqual(['表头下面没有专家数据']);
  });
});

describe('row limit', () => {
  const expert = (i: number): string[] => [`专家${i}`, `单位${i}`, '稀土', `138${String(i).padStart(8, '0')}`, ''];

  it(`accepts ${EXPERT_IMPORT_LIMITS.maxRows} rows`, async () => {
    expect(EXPERT_IMPORT_LIMITS.maxRows).toBe(500);
    const rows = Array.from({ length: 500 }, (_, i) => expert(i + 1));
    const result = await parseExpertSheet(utf8Csv([HEADER, ...rows]), 'x.csv');
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(500);
    expect(result.rows[499]).toEqual({ name: '专家500', organisation: '单位500', fields: ['rare-earth'], contact: '13800000500', openId: null });
  });

  it('rejects 501 rows as a whole', async () => {
    const rows = Array.from({ length: 501 }, (_, i) => expert(i + 1));
    expect(await parseExpertSheet(utf8Csv([HEADER, ...rows]), 'x.csv')).toEqual({
      rows: [],
      errors: [{ row: 0, message: '一次最多导入 500 位专家，文件中有 501 行，请分批导入' }],
    });
  });

  // The reader stops one row past the header, the rows the header may sit under, and the limit.
  const notes = Array.from({ length: EXPERT_IMPORT_LIMITS.headerSearchRows - 1 }, (_, i) => [`说明 ${i + 1}：请勿修改表头`]);

  it('finds the header under nine rows of notes and still reads 501 rows to the end', async () => {
    expect(EXPERT_IMPORT_LIMITS.headerSearchRows).toBe(10);
    const rows = Array.from({ length: 501 }, (_, i) => expert(i + 1));
    expect(await parseExpertSheet(utf8Csv([...notes, HEADER, ...rows]), 'x.csv')).toEqual({
      rows: [],
      errors: [{ row: 0, message: '一次最多导入 500 位专家，文件中有 501 行，请分批导入' }],
    });
    const ok = await parseExpertSheet(utf8Csv([...notes, HEADER, ...rows.slice(0, 500)]), 'x.csv');
    expect(ok.errors).toEqual([]);
    expect(ok.rows).toHaveLength(500);
  });

  it('stops reading soon after the limit, and says so', async () => {
    const rows = Array.from({ length: 502 }, (_, i) => expert(i + 1));
    expect(await messagesOf(utf8Csv([...notes, HEADER, ...rows]))).toEqual(['一次最多导入 500 位专家，文件中超过 500 行，请分批导入']);
  });

  it('does not count blank rows', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => expert(i + 1)).flatMap((r) => [r, []]);
    expect((await parseExpertSheet(utf8Csv([HEADER, ...rows]), 'x.csv')).rows).toHaveLength(500);
  });
});

describe('rows', () => {
  async function one(cells: readonly string[]) {
    return parseExpertSheet(csvOf(cells), 'x.csv');
  }

  it('reports every problem of a row, each with its row number, and leaves the row out', async () => {
    expect(await one(['', '', '航天、稀土、火箭', '123', 'abc'])).toEqual({
      rows: [],
      errors: [
        { row: 2, message: '第 2 行：请填写姓名' },
        { row: 2, message: '第 2 行：请填写单位' },
        { row: 2, message: '第 2 行：领域「航天」不在产业列表中' },
        { row: 2, message: '第 2 行：领域「火箭」不在产业列表中' },
        { row: 2, message: '第 2 行：联系方式「123」有误：请输入 11 位手机号码' },
        { row: 2, message: '第 2 行：飞书ID「abc」格式不正确（应为 ou_ 开头的 open_id）' },
      ],
    });
  });

  it('keeps the good rows when others fail', async () => {
    const result = await parseExpertSheet(csvOf(ZHANG, ['王五', '某单位', '', '13800138001', ''], LI), 'x.csv');
    expect(result.rows).toEqual([ZHANG_ROW, LI_ROW]);
    expect(result.errors).toEqual([{ row: 3, message: '第 3 行：请填写领域' }]);
  });

  describe('name and organisation', () => {
    it('accepts 50 and 100 characters, rejects 51 and 101', async () => {
      expect((await one(['名'.repeat(50), '单'.repeat(100), '稀土', '13800138000', ''])).errors).toEqual([]);
      expect(await messagesOf(csvOf(['名'.repeat(51), '单'.repeat(101), '稀土', '13800138000', '']))).toEqual([
        '第 2 行：姓名不能超过 50 字',
        '第 2 行：单位不能超过 100 字',
      ]);
    });

    it('drops the spaces that pad a Chinese name, collapses others', async () => {
      const result = await parseExpertSheet(
        csvOf(['张  三', ' 内蒙古  大学 ', '稀土', '13800138000', ''], ['王\u3000五', '某单位', '稀土', '13800138001', ''], ['Li  Wei', '某单位', '稀土', '13800138002', '']),
        'x.csv',
      );
      expect(result.rows.map((r) => [r.name, r.organisation])).toEqual([
        ['张三', '内蒙古 大学'],
        ['王五', '某单位'],
        ['Li Wei', '某单位'],
      ]);
    });
  });

  describe('fields', () => {
    it.each([
      ['稀土、新能源', ['rare-earth', 'new-energy']],
      ['稀土，新能源', ['rare-earth', 'new-energy']],
      ['稀土,新能源', ['rare-earth', 'new-energy']],
      ['稀土;新能源', ['rare-earth', 'new-energy']],
      ['稀土；新能源', ['rare-earth', 'new-energy']],
      ['稀土/新能源', ['rare-earth', 'new-energy']],
      ['稀土 新能源', ['rare-earth', 'new-energy']],
      ['稀土\u3000新能源', ['rare-earth', 'new-energy']],
      ['稀土\n新能源', ['rare-earth', 'new-energy']],
      ['新能源、稀土', ['rare-earth', 'new-energy']], // stored in list order
      ['风电、光伏、氢能、储能', ['new-energy']], // duplicates collapse
      ['数字经济（大数据、云计算、人工智能）', ['digital']], // separators inside brackets belong to the label
      ['新能源（风光氢储）、数字经济(大数据、云计算、人工智能)', ['new-energy', 'digital']],
      ['蒙中医药；种业；其他', ['biomedicine', 'agriculture', 'other']],
      ['rare-earth,digital', ['rare-earth', 'digital']],
      ['数字经济(大数据、云计算、人工智能)、稀土', ['rare-earth', 'digital']], // an ASCII ')' closes the bracket
      ['稀土， 新能源', ['rare-earth', 'new-energy']], // separators in a row make no empty word
      ['、稀土、、新能源；', ['rare-earth', 'new-energy']],
    ])('%j → %j', async (text, fields) => {
      const result = await one(['张三', '内蒙古大学', text, '13800138000', '']);
      expect(result.errors).toEqual([]);
      expect(result.rows[0].fields).toEqual(fields);
    });

    it('reads past a stray closing bracket', async () => {
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土）、新能源', '13800138000', '']))).toEqual(['第 2 行：领域「稀土）」不在产业列表中']);
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土)、新能源', '13800138000', '']))).toEqual(['第 2 行：领域「稀土)」不在产业列表中']);
    });

    it('names each unknown field once', async () => {
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '航天、航天、稀土', '13800138000', '']))).toEqual([
        '第 2 行：领域「航天」不在产业列表中',
      ]);
    });

    it('parses against the configured list', async () => {
      const industries = resolveIndustries([
        { value: 'aerospace', label: '航空航天', aliases: ['航天'] },
        { value: 'other', label: '其他' },
      ]);
      const result = await parseExpertSheet(csvOf(['张三', '内蒙古大学', '航天、稀土', '13800138000', '']), 'x.csv', { industries });
      expect(result.errors).toEqual([{ row: 2, message: '第 2 行：领域「稀土」不在产业列表中' }]);
      const ok = await parseExpertSheet(csvOf(['张三', '内蒙古大学', '航天', '13800138000', '']), 'x.csv', { industries });
      expect(ok.rows[0].fields).toEqual(['aerospace']);
    });
  });

  describe('contact', () => {
    it.each([
      ['+86 138-0013-8000', '13800138000'],
      ['１３８００１３８０００', '13800138000'],
      ['0471-1234567', '0471-1234567'],
      ['(0471) 1234567', '(0471) 1234567'],
      ['zhang@imu.edu.cn', 'zhang@imu.edu.cn'],
      ['办公室 0471-1234567', '办公室 0471-1234567'],
      ['13800138000 微信同号', '13800138000 微信同号'], // only a cell that is all number is read as one
      ['1号楼值班室 0471-1234567', '1号楼值班室 0471-1234567'],
    ])('keeps %j as %j', async (raw, contact) => {
      const result = await one(['张三', '内蒙古大学', '稀土', raw, '']);
      expect(result.errors).toEqual([]);
      expect(result.rows[0].contact).toBe(contact);
    });

    it.each([
      ['1380013800', '第 2 行：联系方式「1380013800」有误：请输入 11 位手机号码'],
      ['12800138000', '第 2 行：联系方式「12800138000」有误：手机号码格式不正确（应为 13–19 开头的 11 位号码）'],
      ['zhang@', '第 2 行：联系方式「zhang@」有误：邮箱格式不正确'],
      ['zhang@imu', '第 2 行：联系方式「zhang@imu」有误：邮箱格式不正确'],
    ])('rejects %j', async (raw, message) => {
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土', raw, '']))).toEqual([message]);
    });

    it('joins several contact columns', async () => {
      const file = utf8Csv([
        ['姓名', '单位', '领域', '手机', '邮箱'],
        ['张三', '内蒙古大学', '稀土', '138 0013 8000', 'zhang@imu.edu.cn'],
        ['李四', '某单位', '稀土', '', 'li@example.com'],
        ['王五', '某单位', '稀土', '', ''],
      ]);
      const result = await parseExpertSheet(file, 'x.csv');
      expect(result.rows.map((r) => r.contact)).toEqual(['13800138000；zhang@imu.edu.cn', 'li@example.com']);
      expect(result.errors).toEqual([{ row: 4, message: '第 4 行：请填写联系方式' }]);
    });

    it('keeps one number written in two contact columns once', async () => {
      const file = utf8Csv([
        ['姓名', '单位', '领域', '手机', '电话', '邮箱'],
        ['张三', '内蒙古大学', '稀土', '13800138000', '+86 138-0013-8000', 'zhang@imu.edu.cn'],
      ]);
      expect(await parseExpertSheet(file, 'x.csv')).toEqual({
        rows: [{ name: '张三', organisation: '内蒙古大学', fields: ['rare-earth'], contact: '13800138000；zhang@imu.edu.cn', openId: null }],
        errors: [],
      });
    });

    it('limits it to 100 characters', async () => {
      const long = `${'a'.repeat(89)}@example.cn`; // 100
      expect((await one(['张三', '内蒙古大学', '稀土', long, ''])).errors).toEqual([]);
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土', `a${long}`, '']))).toEqual(['第 2 行：联系方式不能超过 100 字']);
    });
  });

  describe('飞书ID', () => {
    it.each([
      ['abc', '第 2 行：飞书ID「abc」格式不正确（应为 ou_ 开头的 open_id）'],
      ['on_123', '第 2 行：飞书ID「on_123」格式不正确（应为 ou_ 开头的 open_id）'],
      ['OU_123', '第 2 行：飞书ID「OU_123」格式不正确（应为 ou_ 开头的 open_id）'],
      ['ou_', '第 2 行：飞书ID「ou_」格式不正确（只能包含字母、数字、下划线和短横线）'],
      ['ou_12 34', '第 2 行：飞书ID「ou_12 34」格式不正确（只能包含字母、数字、下划线和短横线）'],
      ['ou_123,ou_456', '第 2 行：飞书ID「ou_123,ou_456」格式不正确（只能包含字母、数字、下划线和短横线）'], // two pasted into one cell
    ])('rejects %j', async (openId, message) => {
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土', '13800138000', openId]))).toEqual([message]);
    });

    it('accepts up to 128 characters', async () => {
      const id = `ou_${'a'.repeat(125)}`;
      expect((await one(['张三', '内蒙古大学', '稀土', '13800138000', id])).rows[0].openId).toBe(id);
      expect(await messagesOf(csvOf(['张三', '内蒙古大学', '稀土', '13800138000', `${id}a`]))).toEqual([
        `第 2 行：飞书ID「${id}a」格式不正确（只能包含字母、数字、下划线和短横线）`,
      ]);
    });
  });

  describe('duplicates', () => {
    it('reports the same name and organisation on the later row', async () => {
      const result = await parseExpertSheet(csvOf(ZHANG, LI, ['张 三', '内蒙古大学', '新能源', '13900139000', '']), 'x.csv');
      expect(result.rows).toEqual([ZHANG_ROW, LI_ROW]);
      expect(result.errors).toEqual([{ row: 4, message: '第 4 行：与第 2 行重复（姓名和单位相同）' }]);
    });

    it('allows the same name at another organisation', async () => {
      const result = await parseExpertSheet(csvOf(ZHANG, ['张三', '内蒙古工业大学', '冶金', '13900139000', '']), 'x.csv');
      expect(result.errors).toEqual([]);
      expect(result.rows).toHaveLength(2);
    });

    it('does not compare rows that lack a name or an organisation', async () => {
      const result = await parseExpertSheet(
        csvOf(['', '内蒙古大学', '稀土', '13800138000', ''], ['', '内蒙古大学', '稀土', '13800138001', ''], ['张三', '', '稀土', '13800138002', ''], ['张三', '', '稀土', '13800138003', '']),
        'x.csv',
      );
      expect(result).toEqual({
        rows: [],
        errors: [
          { row: 2, message: '第 2 行：请填写姓名' },
          { row: 3, message: '第 3 行：请填写姓名' },
          { row: 4, message: '第 4 行：请填写单位' },
          { row: 5, message: '第 5 行：请填写单位' },
        ],
      });
    });

    it('reports a repeated 飞书ID on the later row', async () => {
      const result = await parseExpertSheet(csvOf(ZHANG, ['王五', '某单位', '冶金', '13900139000', ZHANG[4]]), 'x.csv');
      expect(result.errors).toEqual([{ row: 3, message: '第 3 行：飞书ID与第 2 行重复' }]);
    });
  });
});

describe('.xlsx', () => {
  it('reads a workbook written by exceljs', async () => {
    const file = await xlsx({ 专家: [HEADER, ZHANG, LI] });
    expect(await parseExpertSheet(file, '专家名单.xlsx')).toEqual({ rows: [ZHANG_ROW, LI_ROW], errors: [] });
  });

  it('reads numbers, rich text, links and formulas as the sheet shows them', async () => {
    const file = await xlsx({
      专家: [
        HEADER,
        [
          { richText: [{ text: '张', font: { bold: true } }, { text: '三' }] },
          { formula: 'CONCATENATE("内蒙古","大学")', result: '内蒙古大学' },
          '稀土',
          13800138000,
          { text: 'ou_0123456789abcdef0123456789abcdef', hyperlink: 'https://example.com' },
        ],
        ['李四', '包头稀土研究院', '新能源；数字经济', { text: 'lisi@example.com', hyperlink: 'mailto:lisi@example.com' }, null],
      ],
    });
    expect(await parseExpertSheet(file, 'x.xlsx')).toEqual({ rows: [ZHANG_ROW, LI_ROW], errors: [] });
  });

  it('numbers rows as Excel does, past a merged title and blank rows', async () => {
    const file = await xlsx({ 专家: [['2027 年专家库'], [], HEADER, ZHANG, [], ['王五', '某单位', '航天', 13900139000]] }, (wb) => {
      wb.getWorksheet('专家')!.mergeCells('A1:E1');
    });
    const result = await parseExpertSheet(file, 'x.xlsx');
    expect(result.rows).toEqual([ZHANG_ROW]);
    expect(result.errors).toEqual([{ row: 6, message: '第 6 行：领域「航天」不在产业列表中' }]);
  });

  it('skips an instructions sheet in front of the list', async () => {
    const file = await xlsx({ 填写说明: [['请按模板填写，每位专家一行'], ['领域可填多个']], 专家名单: [HEADER, LI] });
    expect((await parseExpertSheet(file, 'x.xlsx')).rows).toEqual([LI_ROW]);
  });

  it('names a missing column in a workbook', async () => {
    const file = await xlsx({ Sheet1: [['姓名', '单位', '领域'], ['张三', '内蒙古大学', '稀土']] });
    expect(await messagesOf(file, 'x.xlsx')).toEqual([`表头缺少「联系方式」列（${HEADER_HINT}）`]);
  });

  it('reports an empty workbook', async () => {
    expect(await messagesOf(await xlsx({ Sheet1: [] }), 'x.xlsx')).toEqual([`文件中没有内容（${HEADER_HINT}）`]);
  });

  it('rejects 501 rows', async () => {
    const rows = Array.from({ length: 501 }, (_, i) => [`专家${i}`, '单位', '稀土', 13800000000 + i]);
    expect(await messagesOf(await xlsx({ Sheet1: [HEADER, ...rows] }), 'x.xlsx')).toEqual(['一次最多导入 500 位专家，文件中有 501 行，请分批导入']);
  });

  it('goes by content: a workbook named .csv is read as a workbook', async () => {
    expect((await parseExpertSheet(await xlsx({ Sheet1: [HEADER, ZHANG] }), 'experts.csv')).rows).toEqual([ZHANG_ROW]);
  });
});

describe('file problems', () => {
  const SAVE_AS = '请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 格式后再发送';
  const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);

  it.each([
    ['名单.xls', `暂不支持旧版 .xls 格式，${SAVE_AS}`],
    ['名单.XLS', `暂不支持旧版 .xls 格式，${SAVE_AS}`],
    ['名单.et', `暂不支持旧版 .et 格式，${SAVE_AS}`],
    ['名单.numbers', `不支持 .numbers 文件，${SAVE_AS}`],
    ['名单.txt', `不支持 .txt 文件，${SAVE_AS}`],
    ['名单', `无法识别文件类型（文件名没有扩展名），${SAVE_AS}`],
  ])('%s: %s', async (name, message) => {
    expect(await parseExpertSheet(OLE, name)).toEqual({ rows: [], errors: [{ row: 0, message }] });
  });

  it('recognises an old .xls or a password-protected workbook behind an .xlsx name', async () => {
    expect(await messagesOf(OLE, '名单.xlsx')).toEqual([`无法读取该文件：它可能是旧版 .xls 格式或设置了打开密码，${SAVE_AS}（不要设置密码）`]);
  });

  it('reports an .xlsx that is not one', async () => {
    expect(await messagesOf(utf8Csv([HEADER, ZHANG]), '名单.xlsx')).toEqual([`该文件不是有效的 .xlsx 文件，${SAVE_AS}`]);
  });

  it('reports a damaged workbook', async () => {
    const file = await xlsx({ Sheet1: [HEADER, ZHANG] });
    expect(await messagesOf(file.subarray(0, 200), '名单.xlsx')).toEqual([
      '无法读取该 Excel 文件，请确认文件没有损坏、没有设置密码，并另存为 .xlsx 后再发送',
    ]);
  });

  it(`rejects files over ${EXPERT_IMPORT_LIMITS.maxBytes} bytes before reading them`, async () => {
    expect(EXPERT_IMPORT_LIMITS.maxBytes).toBe(5 * 1024 * 1024);
    const big = Buffer.alloc(EXPERT_IMPORT_LIMITS.maxBytes + 1, 0x20);
    expect(await messagesOf(big, 'x.csv')).toEqual(['文件超过 5 MB，请删去无关内容或分批导入']);
  });
});
