import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { Driver, YEAR } from '../helpers/application-driver';
import {
  BAOTOU_CHAT,
  BAOTOU_FILER,
  CENTRE_CHAT,
  CHIFENG_FILER,
  startCentre,
  fileApproved,
  fileNeed,
  filesIn,
  job,
  matchNeed,
  shanghai,
  summarise,
  textsIn,
} from '../helpers/ledger-flow';
import { readWorkbook, rowsOf, exportedFiles } from '../helpers/uploads';

/**
 * 导出 申请 / 导出 需求 as the centre's staff use them: an .xlsx in the notice's columns, opened
 * again with exceljs; text typed into a form that looks like a formula stays text; only admins,
 * only privately or in the centre's group.
 */

const HYPERLINK = '=HYPERLINK("http://evil.example/x","点击查看")';
const STRANGER = 'ou_stranger_000000000000000000000001';

/** The 申请表 of the notice, its ten fields in its order and wording. */
const NOTICE_COLUMNS = ['申请单位名称', '企业需求', '活动对象', '活动时间', '活动人数', '活动地点', '联系人', '手机号码', '电子邮箱', '备注'];

jest.setTimeout(60_000);

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

/** Asks for an export and waits for the progress note and the file. */
async function exportAs(text: string, opts: { senderOpenId?: string; chatType?: 'p2p' | 'group'; chatId?: string } = {}) {
  const id = await d.say(text, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin', ...opts });
  await h.fake.waitFor(() => d.repliesTo(id).length >= 2 || (d.repliesTo(id).length === 1 && !textsIn(d, id)[0]?.startsWith('正在生成')), `the answer to 「${text}」`);
  return id;
}

it('exports the applications in the notice’s columns, with the decision and the summary’s figures; a typed formula stays text', async () => {
  await fileApproved(d, BAOTOU_FILER, { remarks: HYPERLINK });
  await job(h, 'reminders', shanghai('06-12'));
  await summarise(d, BAOTOU_FILER, { headcount: 90, core: 80, enterprises: 20, keyIndustry: 15 });
  const chifeng = await d.file(CHIFENG_FILER, { region: '赤峰市', org_name: '赤峰市科学技术协会', venue: '+赤峰市会展中心' });
  expect(chifeng.toast.type).toBe('success');

  const id = await exportAs('导出 申请');
  expect(textsIn(d, id)[0]).toBe('正在生成活动申请导出（' + YEAR + '年，共 2 份），请稍候…');
  await h.fake.waitFor(() => filesIn(d, id).length === 1, 'the file');
  const [file] = exportedFiles(h.fake);
  expect(file.name).toBe(`导出-申请-${YEAR}.xlsx`);
  expect(file.fileType).toBe('xls');

  const book = await readWorkbook(file.bytes);
  const sheet = book.worksheets[0];
  const rows = rowsOf(sheet);
  expect(rows[0].slice(0, 10)).toEqual(NOTICE_COLUMNS);
  expect(rows[0].slice(10, 18)).toEqual(['编号', '所在盟市', '活动结束日期', '活动内容', '状态', '审核结论', '审核时间', '审核意见']);
  expect(rows[0]).toContain('第（2）（3）类人员占比');
  expect(rows[0]).toContain('十大产业企业占比');
  // The header stays in view; the columns have widths; the header is bold.
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(sheet.getColumn(1).width).toBeGreaterThan(10);
  expect(sheet.getRow(1).font?.bold).toBe(true);

  const col = (name: string) => (rows[0] as string[]).indexOf(name) + 1;
  const baotou = sheet.getRow(2);
  expect(baotou.getCell(col('编号')).value).toBe(`SQ${YEAR}-0001`);
  expect(baotou.getCell(col('申请单位名称')).value).toBe('包头市科学技术协会');
  // The typed formula is a string cell, not a formula, in the Text format.
  const remarks = baotou.getCell(col('备注'));
  expect(remarks.value).toBe(HYPERLINK);
  expect(remarks.formula).toBeUndefined();
  expect(remarks.type).toBe(3 /* ExcelJS.ValueType.String */);
  expect(remarks.numFmt).toBe('@');
  // Dates are dates.
  expect(baotou.getCell(col('活动时间')).value).toEqual(new Date(Date.UTC(YEAR, 5, 10)));
  expect(baotou.getCell(col('活动时间')).numFmt).toBe('yyyy-mm-dd');
  expect(baotou.getCell(col('活动结束日期')).value).toEqual(new Date(Date.UTC(YEAR, 5, 11)));
  expect(baotou.getCell(col('审核时间')).value).toBeInstanceOf(Date);
  expect(baotou.getCell(col('状态')).value).toBe('已总结');
  expect(baotou.getCell(col('审核结论')).value).toBe('通过');
  expect(baotou.getCell(col('实际参加人数')).value).toBe(90);
  expect(baotou.getCell(col('第（2）（3）类人员占比')).value).toBeCloseTo(80 / 90);
  expect(baotou.getCell(col('十大产业企业占比')).value).toBeCloseTo(0.75);
  expect(baotou.getCell(col('活动人数')).value).toBe(100);

  const second = sheet.getRow(3);
  expect(second.getCell(col('所在盟市')).value).toBe('赤峰市');
  expect(second.getCell(col('状态')).value).toBe('待审核');
  expect(second.getCell(col('活动地点')).value).toBe('+赤峰市会展中心');
  expect(second.getCell(col('活动地点')).numFmt).toBe('@');
  expect(second.getCell(col('实际参加人数')).value).toBeNull();

  // Filters, in any order.
  const filtered = await exportAs(`导出 申请 赤峰 ${YEAR}`);
  await h.fake.waitFor(() => filesIn(d, filtered).length === 1, 'the filtered file');
  const only = rowsOf((await readWorkbook(exportedFiles(h.fake)[1].bytes)).worksheets[0]);
  expect(only).toHaveLength(2);
  expect(only[1][col('所在盟市') - 1]).toBe('赤峰市');
  const none = await exportAs('导出 申请 已总结 赤峰市');
  expect(textsIn(d, none)).toEqual([`没有符合条件的活动申请（${YEAR}年、赤峰市、已总结），未生成文件。`]);
  const bad = await exportAs('导出 申请 明年');
  expect(textsIn(d, bad)[0]).toContain('无法识别「明年」');
});

it('exports the needs with their experts; the centre’s group may ask too', async () => {
  await fileNeed(d, BAOTOU_FILER, { description: '@张工：烧结钕铁硼磁体的晶界扩散工艺一致性不足' });
  await fileNeed(d, CHIFENG_FILER, { region: '赤峰市', enterprise_name: '赤峰云铜有色金属有限公司' });
  await matchNeed(d, `XQ${YEAR}-0001`);

  const id = await exportAs('导出 需求', { chatType: 'group', chatId: CENTRE_CHAT });
  await h.fake.waitFor(() => filesIn(d, id).length === 1, 'the file');
  const sheet = (await readWorkbook(exportedFiles(h.fake)[0].bytes)).worksheets[0];
  const rows = rowsOf(sheet);
  expect(rows[0].slice(0, 9)).toEqual(['编号', '企业名称', '所在盟市', '行业', '需求类型', '需求描述', '联系人', '手机号码', '状态']);
  expect(rows).toHaveLength(3);
  const first = sheet.getRow(2);
  expect(first.getCell(1).value).toBe(`XQ${YEAR}-0001`);
  expect(first.getCell(6).value).toBe('@张工：烧结钕铁硼磁体的晶界扩散工艺一致性不足');
  expect(first.getCell(6).numFmt).toBe('@');
  expect(first.getCell(9).value).toBe('已对接');
  expect(first.getCell(10).value).toBe('王磊');
  expect(sheet.getRow(3).getCell(3).value).toBe('赤峰市');
});

it('refuses anyone but an admin, and an admin outside the private chat and the centre’s group', async () => {
  const refusal = '只有科创服务中心的管理员可以导出，请在私聊或中心工作群中使用「导出」。';
  const [stranger] = await d.ask('导出 申请', { senderOpenId: STRANGER });
  expect(stranger.content.text).toBe(refusal);
  const [inCentre] = await d.ask('导出 需求', { senderOpenId: STRANGER, chatType: 'group', chatId: CENTRE_CHAT });
  expect(inCentre.content.text).toBe(refusal);
  const [inRegion] = await d.ask('导出 申请', { senderOpenId: ADMIN_OPEN_ID, chatType: 'group', chatId: BAOTOU_CHAT });
  expect(inRegion.content.text).toBe(refusal);
  const [what] = await d.ask('导出', { senderOpenId: ADMIN_OPEN_ID });
  expect(what.content.text).toContain('请说明导出什么');
  expect(exportedFiles(h.fake)).toHaveLength(0);
});

it('says so in Chinese when the file cannot be uploaded, and sends no file', async () => {
  expect((await d.file(CHIFENG_FILER, { region: '赤峰市' })).toast.type).toBe('success');
  // The pre-filled 申请表 follows the submission; the failure is meant for the export's upload.
  await h.fake.waitFor(() => h.fake.uploads.length === 1, 'the pre-filled form uploaded');
  h.fake.uploadFailures.push({ status: 500, body: { code: 500, msg: 'internal error' } });
  const id = await d.say('导出 申请', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  await h.fake.waitFor(() => textsIn(d, id).length === 2, 'the error');
  expect(textsIn(d, id)[1]).toMatch(/^活动申请导出（.+）生成失败，请稍后再试（参考编号 \w+）。$/);
  expect(filesIn(d, id)).toHaveLength(0);
  const ref = /参考编号 (\w+)/.exec(textsIn(d, id)[1])![1];
  expect(h.logs.some((l) => l.includes(ref) && l.includes('generating or uploading the file failed'))).toBe(true);
});

it('does not load exceljs or docx in the acknowledging process until a file is asked for', async () => {
  // The built bot's modules, as `npm start` loads them (the composition root pulls in every handler and job).
  const { execFileSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const root = join(__dirname, '..', '..', 'dist', 'src', 'bot.js');
  const loaded = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(root)}); console.log(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](exceljs|docx)[\\\\/]/.test(k)).length)`], { encoding: 'utf8' });
  expect(loaded.trim()).toBe('0');
});
