import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { Driver, YEAR } from '../helpers/application-driver';
import {
  BAOTOU_CHAT,
  BAOTOU_FILER,
  CENTRE_CHAT,
  CHIFENG_CHAT,
  CHIFENG_FILER,
  startCentre,
  fileApproved,
  fileNeed,
  filesIn,
  job,
  matchNeed,
  publishTask,
  shanghai,
  submitTask,
  summarise,
  textsIn,
} from '../helpers/ledger-flow';
import { docxTables, docxXml, readWorkbook, rowsOf, exportedFiles } from '../helpers/uploads';

/**
 * The year-end figures for the 落实情况报告: `年度数据 包头市` gives that 盟市's group a .docx
 * whose tables hold its figures (and nobody else's) and the same as .xlsx; `年度数据 全区` is the
 * centre's; on YEAR_END_FIGURES_DATE each 盟市 group gets its own, once.
 */

// Each job run is its own process (the built bot), a few seconds each on a busy machine.
jest.setTimeout(120_000);

const BAOTOU_STAFF = 'ou_staff_baotou_00000000000000000001';
const CHIFENG_STAFF = 'ou_staff_chifeng_0000000000000000001';
const BAOTOU_VENUE = '包头稀土高新区创新中心报告厅';
const CHIFENG_VENUE = '赤峰市会展中心第二会议室';

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
  // 包头市: one activity held and summarised, a need matched with 王磊, its report in on time.
  // 赤峰市: one activity held and summarised elsewhere, a need waiting, its report missing.
  await fileApproved(d, BAOTOU_FILER);
  await fileApproved(d, CHIFENG_FILER, { region: '赤峰市', org_name: '赤峰市科学技术协会', venue: CHIFENG_VENUE });
  await job(h, 'reminders', shanghai('06-12'));
  await summarise(d, BAOTOU_FILER, { headcount: 90, core: 80, enterprises: 20, keyIndustry: 15 });
  await summarise(d, CHIFENG_FILER, { headcount: 50, core: 30, enterprises: 10, keyIndustry: 4 });
  await fileNeed(d, BAOTOU_FILER);
  await fileNeed(d, CHIFENG_FILER, { region: '赤峰市', enterprise_name: '赤峰云铜有色金属有限公司' });
  await matchNeed(d, `XQ${YEAR}-0001`);
  await publishTask(d, ['包头市', '赤峰市']);
  await submitTask(d, BAOTOU_CHAT, BAOTOU_STAFF);
});
afterEach(async () => {
  await h.close();
});

const table = (tables: string[][][], header: string) => tables.find((t) => t[0].includes(header))!;

it('年度数据 包头市 in 包头市’s group: a .docx whose tables hold 包头市’s figures, and the same as .xlsx', async () => {
  const id = await d.say('年度数据 包头市', { senderOpenId: BAOTOU_STAFF, chatType: 'group', chatId: BAOTOU_CHAT });
  await h.fake.waitFor(() => d.repliesTo(id).length === 4, 'the progress note, two files and the note');
  expect(textsIn(d, id)[0]).toBe(`正在生成包头市${YEAR}年年度数据，请稍候…`);
  expect(filesIn(d, id)).toHaveLength(2);
  const [docx, xlsx] = exportedFiles(h.fake);
  expect(docx.name).toBe(`包头市${YEAR}年落实情况数据.docx`);
  expect(docx.fileType).toBe('doc');
  expect(xlsx.name).toBe(`包头市${YEAR}年落实情况数据.xlsx`);

  const xml = await docxXml(docx.bytes);
  expect(xml).toContain(`包头市${YEAR}年企业创新能力提升行动落实情况数据`);
  expect(xml).not.toContain('赤峰');
  const tables = docxTables(xml);
  expect(tables).toHaveLength(5);

  const activities = table(tables, '活动地点');
  expect(activities[0]).toEqual(['序号', '活动开始日期', '活动结束日期', '活动地点', '活动内容', '参加人数', '第（2）（3）类人员占比', '十大产业企业占比']);
  expect(activities).toHaveLength(2);
  expect(activities[1]).toEqual(['1', `${YEAR}-06-10`, `${YEAR}-06-11`, BAOTOU_VENUE, expect.stringContaining('专题讲座 4.'), '90', '88.8%', '75%']);

  const totals = table(tables, '项目');
  expect(totals).toEqual(expect.arrayContaining([['举办活动（场）', '1'], ['参加人数（人次）', '90'], ['第（2）（3）类人员占比达到 80% 以上的活动（场）', '1'], ['十大产业企业占比达到 60% 以上的活动（场）', '1']]));

  const needs = table(tables, '需求编号');
  expect(needs).toHaveLength(2);
  expect(needs[1]).toEqual([`XQ${YEAR}-0001`, '包头稀土永磁科技有限公司', expect.any(String), '技术难题', '已对接', '王磊', '下周二电话联系']);
  expect(table(tables, '专家姓名')[1]).toEqual(['王磊', '内蒙古科技大学', '1']);
  const reports = table(tables, '任务编号');
  expect(reports[1]).toEqual([`BS${YEAR}-0001`, '年度落实情况报告', expect.any(String), '按时提交', expect.any(String)]);

  const book = await readWorkbook(xlsx.bytes);
  expect(book.worksheets.map((s) => s.name)).toEqual(['活动开展情况', '总体情况', '企业需求对接', '参与专家', '报送任务']);
  const sheet = rowsOf(book.getWorksheet('活动开展情况')!);
  expect(sheet).toHaveLength(2);
  expect(sheet[1].slice(0, 4)).toEqual([1, new Date(Date.UTC(YEAR, 5, 10)), new Date(Date.UTC(YEAR, 5, 11)), BAOTOU_VENUE]);
  expect(sheet[1][6]).toBeCloseTo(80 / 90);
});

it('年度数据 全区 for an admin covers every 盟市; the 盟市 are kept apart and the centre’s figures to admins', async () => {
  const id = await d.say('年度数据 全区', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  await h.fake.waitFor(() => filesIn(d, id).length === 2, 'the files');
  const tables = docxTables(await docxXml(exportedFiles(h.fake)[0].bytes));
  const activities = table(tables, '活动地点');
  expect(activities[0][1]).toBe('盟市');
  expect(activities.slice(1).map((r) => [r[1], r[4]])).toEqual([['包头市', BAOTOU_VENUE], ['赤峰市', CHIFENG_VENUE]]);
  expect(table(tables, '项目')).toEqual(expect.arrayContaining([['举办活动（场）', '2'], ['参加人数（人次）', '140'], ['第（2）（3）类人员占比达到 80% 以上的活动（场）', '1']]));
  expect(table(tables, '任务编号')[1].slice(3)).toEqual(['1', '0', '0']); // 赤峰市's deadline is still ahead

  // Refusals: another 盟市's group, 全区 for anyone but an admin in private or the centre's group.
  const [other] = await d.ask('年度数据 包头市', { senderOpenId: CHIFENG_STAFF, chatType: 'group', chatId: CHIFENG_CHAT });
  expect(other.content.text).toBe('您无权在这里查看包头市的年度数据：请在包头市的工作群中发送，或请科创服务中心的管理员查看。');
  const [privately] = await d.ask('年度数据 包头市', { senderOpenId: BAOTOU_STAFF });
  expect(privately.content.text).toBe('您无权在这里查看包头市的年度数据：请在包头市的工作群中发送，或请科创服务中心的管理员查看。');
  const [all] = await d.ask('年度数据 全区', { senderOpenId: BAOTOU_STAFF, chatType: 'group', chatId: BAOTOU_CHAT });
  expect(all.content.text).toBe('全区年度数据只有科创服务中心的管理员可以查看，请在私聊或中心工作群中使用「年度数据 全区」。');
  const [adminInRegion] = await d.ask('年度数据 全区', { senderOpenId: ADMIN_OPEN_ID, chatType: 'group', chatId: BAOTOU_CHAT });
  expect(adminInRegion.content.text).toContain('全区年度数据只有科创服务中心的管理员');
  const [unknown] = await d.ask('年度数据 上海', { senderOpenId: ADMIN_OPEN_ID });
  expect(unknown.content.text).toBe('没有名为「上海」的盟市。请发送「年度数据 <盟市>」（如「年度数据 包头市」）或「年度数据 全区」。');
  expect(exportedFiles(h.fake)).toHaveLength(2);
});

it('sends each 盟市 group its own figures on YEAR_END_FIGURES_DATE, once', async () => {
  expect(await job(h, 'year-end', shanghai('11-30', 23))).toContain('0 queued');
  expect(await job(h, 'year-end', shanghai('12-01'))).toContain('6 queued');
  expect(await job(h, 'year-end', shanghai('12-05'))).toContain('0 queued');
  const files = d.toChat(BAOTOU_CHAT).filter((m) => m.msgType === 'file');
  expect(files).toHaveLength(2);
  expect(d.toChat(CHIFENG_CHAT).filter((m) => m.msgType === 'file')).toHaveLength(2);
  expect(d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'file')).toHaveLength(0);
  const uploads = exportedFiles(h.fake).map((f) => f.name).sort();
  expect(uploads).toEqual([`包头市${YEAR}年落实情况数据.docx`, `包头市${YEAR}年落实情况数据.xlsx`, `赤峰市${YEAR}年落实情况数据.docx`, `赤峰市${YEAR}年落实情况数据.xlsx`]);
  const chifengDocx = exportedFiles(h.fake).find((f) => f.name === `赤峰市${YEAR}年落实情况数据.docx`)!;
  const xml = await docxXml(chifengDocx.bytes);
  expect(xml).toContain(CHIFENG_VENUE);
  expect(xml).not.toContain(BAOTOU_VENUE);
});

it('follows YEAR_END_FIGURES_DATE', async () => {
  expect(await job(h, 'year-end', shanghai('11-20'), { YEAR_END_FIGURES_DATE: '11-21' })).toContain('0 queued');
  expect(await job(h, 'year-end', shanghai('11-21'), { YEAR_END_FIGURES_DATE: '11-21' })).toContain('6 queued');
});
