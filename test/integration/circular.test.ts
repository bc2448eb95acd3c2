import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { Driver, nodesOf, YEAR } from '../helpers/application-driver';
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
} from '../helpers/ledger-flow';
import { readWorkbook, rowsOf, exportedFiles } from '../helpers/uploads';

/**
 * The monthly 通报 as the centre receives it: on the first working day of the month, once, as a
 * card with a native chart and the same table as .xlsx; the 盟市 groups only when configured;
 * `通报` on demand for admins.
 */

const BAOTOU_STAFF = 'ou_staff_baotou_00000000000000000001';
const STRANGER = 'ou_stranger_000000000000000000000001';

// Each job run is its own process (the built bot), a few seconds each on a busy machine.
jest.setTimeout(120_000);

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

/** 包头市: one activity held and summarised (both ratios met), a need matched, its report in; 赤峰市: one application waiting, its report missing. */
async function season() {
  await fileApproved(d, BAOTOU_FILER);
  await job(h, 'reminders', shanghai('06-12'));
  await summarise(d, BAOTOU_FILER, { headcount: 90, core: 80, enterprises: 20, keyIndustry: 15 });
  expect((await d.file(CHIFENG_FILER, { region: '赤峰市', org_name: '赤峰市科学技术协会' })).toast.type).toBe('success');
  await fileNeed(d, BAOTOU_FILER);
  await matchNeed(d, `XQ${YEAR}-0001`);
  await publishTask(d, ['包头市', '赤峰市']);
  await submitTask(d, BAOTOU_CHAT, BAOTOU_STAFF);
}

/** A month of the campaign year whose 1st is a weekend (so the first working day is later), and that day. */
function monthStartingOnAWeekend(): { first: DateTime; workingDay: DateTime } {
  const first = [8, 6, 7, 9, 11, 12].map((month) => DateTime.fromObject({ year: YEAR, month, day: 1 }, { zone: 'Asia/Shanghai' })).find((m) => m.weekday >= 6)!;
  let workingDay = first;
  while (workingDay.weekday > 5) workingDay = workingDay.plus({ days: 1 });
  return { first, workingDay };
}

const at = (day: DateTime, hour: number, minute = 0) => day.set({ hour, minute }).toUTC().toISO()!;
const circularCards = (chatId: string) => d.toChat(chatId).filter((m) => m.msgType === 'interactive' && visibleText(m.content).includes('行动通报'));

it('reaches the centre on the first working day of the month, once, with its chart, and the same table as .xlsx', async () => {
  await season();
  const { first, workingDay } = monthStartingOnAWeekend();
  expect(await job(h, 'circular', at(first, 10))).toContain('0 queued'); // a weekend day
  expect(await job(h, 'circular', at(workingDay, 8, 59))).toContain('0 queued');
  const out = await job(h, 'circular', at(workingDay, 9));
  expect(out).toContain('2 queued');
  expect(out).toContain('delivered 2');

  const [cardMsg] = circularCards(CENTRE_CHAT);
  const text = visibleText(cardMsg.content);
  expect(text).toContain(`${YEAR}年企业创新能力提升行动通报`);
  expect(text).toContain('**包头市**　申请 1，通过 1，举办 1，总结 1；参加 90 人，达到80%要求 1 场、达到60%要求 1 场；企业需求 1 项（已对接 1，已解决 0）；报送按时 1、逾期 0、未报 0');
  expect(text).toContain('**赤峰市**　申请 1，通过 0，举办 0，总结 0；参加 0 人，达到80%要求 0 场、达到60%要求 0 场；企业需求 0 项（已对接 0，已解决 0）；报送按时 0、逾期 0、未报 1');
  const chart = nodesOf(cardMsg.content).find((n) => n.tag === 'chart');
  expect(chart.chart_spec.type).toBe('bar');
  expect(chart.chart_spec.data[0].values).toEqual(expect.arrayContaining([
    { region: '包头市', measure: '举办', count: 1 },
    { region: '赤峰市', measure: '申请', count: 1 },
    { region: '赤峰市', measure: '通过', count: 0 },
  ]));
  expect(chart.chart_spec.data[0].values).toHaveLength(14 * 4);

  expect(d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'file')).toHaveLength(1);
  const [file] = exportedFiles(h.fake);
  expect(file.name).toBe(`${YEAR}年行动通报-截至${workingDay.toISODate()}.xlsx`);
  const rows = rowsOf((await readWorkbook(file.bytes)).worksheets[0]);
  expect(rows[0]).toEqual(['盟市', '申请', '通过', '举办', '总结', '参加人数', '达到80%要求', '达到60%要求', '企业需求', '已对接', '已解决', '按时报送', '逾期报送', '未报送', '名次（按举办活动数）']);
  expect(rows.find((r) => r[0] === '包头市')).toEqual(['包头市', 1, 1, 1, 1, 90, 1, 1, 1, 1, 0, 1, 0, 0, 1]);
  expect(rows.find((r) => r[0] === '赤峰市')).toEqual(['赤峰市', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  expect(rows.find((r) => r[0] === '合计')?.slice(0, 6)).toEqual(['合计', 2, 1, 1, 1, 90]);
  expect(rows).toHaveLength(1 + 14 + 1);

  // Once: later the same day, later in the month; the 盟市 groups got nothing (CIRCULAR_TO_REGIONS off).
  expect(await job(h, 'circular', at(workingDay, 15))).toContain('0 queued');
  expect(await job(h, 'circular', at(workingDay.plus({ days: 10 }), 9))).toContain('0 queued');
  expect(circularCards(CENTRE_CHAT)).toHaveLength(1);
  expect(circularCards(BAOTOU_CHAT)).toHaveLength(0);
  expect(circularCards(CHIFENG_CHAT)).toHaveLength(0);
  expect(await h.bot.ds.query("SELECT subject, occasion, outcome FROM job_occasions WHERE job = 'circular'")).toEqual([
    { subject: `chat:${CENTRE_CHAT}`, occasion: `month-${workingDay.toFormat('yyyy-MM')}`, outcome: 'sent' },
  ]);
  // The next month has its own.
  const next = workingDay.plus({ months: 1 }).startOf('month');
  let nextDay = next;
  while (nextDay.weekday > 5) nextDay = nextDay.plus({ days: 1 });
  expect(await job(h, 'circular', at(nextDay, 9))).toContain('2 queued');
});

it('with CIRCULAR_TO_REGIONS=1 gives each 盟市 group its own line and its place, and nothing of the others', async () => {
  await season();
  const { workingDay } = monthStartingOnAWeekend();
  expect(await job(h, 'circular', at(workingDay, 9), { CIRCULAR_TO_REGIONS: '1' })).toContain('4 queued');
  const baotou = visibleText(circularCards(BAOTOU_CHAT)[0].content);
  expect(baotou).toContain('**包头市**　申请 1，通过 1，举办 1，总结 1');
  expect(baotou).toContain('在全区 14 个盟市中排第 **1** 位');
  expect(baotou).not.toContain('赤峰市');
  const chifeng = visibleText(circularCards(CHIFENG_CHAT)[0].content);
  expect(chifeng).toContain('排第 **2** 位');
  expect(chifeng).not.toContain('包头市');
  expect(d.toChat(BAOTOU_CHAT).filter((m) => m.msgType === 'file')).toHaveLength(0);
});

it('skips a month with nothing filed in the campaign year', async () => {
  const { workingDay } = monthStartingOnAWeekend();
  expect(await job(h, 'circular', at(workingDay, 9))).toContain('0 queued, 1 skipped');
  expect(circularCards(CENTRE_CHAT)).toHaveLength(0);
});

it('answers 通报 from an admin with the card and the file, and refuses others', async () => {
  await fileApproved(d, BAOTOU_FILER);
  const id = await d.say('通报', { senderOpenId: ADMIN_OPEN_ID, chatType: 'group', chatId: CENTRE_CHAT });
  await h.fake.waitFor(() => filesIn(d, id).length === 1, 'the file');
  const replies = d.repliesTo(id);
  expect(replies.map((m) => m.msgType)).toEqual(['interactive', 'text', 'file']);
  expect(visibleText(replies[0].content)).toContain('**包头市**　申请 1，通过 1，举办 0');
  expect(nodesOf(replies[0].content).some((n) => n.tag === 'chart')).toBe(true);

  const refusal = '只有科创服务中心的管理员可以发布通报，请在私聊或中心工作群中使用「通报」。';
  const [stranger] = await d.ask('通报', { senderOpenId: STRANGER });
  expect(stranger.content.text).toBe(refusal);
  const [inRegion] = await d.ask('通报', { senderOpenId: ADMIN_OPEN_ID, chatType: 'group', chatId: BAOTOU_CHAT });
  expect(inRegion.content.text).toBe(refusal);
});
