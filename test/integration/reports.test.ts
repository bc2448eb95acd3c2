import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { messageEvent } from '../helpers/events';
import { runJob } from '../helpers/job-process';

// Each `npm run job` here is its own node process (a few seconds each on a busy 2-core machine).
jest.setTimeout(90_000);

/**
 * Report collections as people use them: the centre publishes a task to three 盟市, two submit,
 * only the third is reminded, and the centre sees who is missing without asking anyone.
 */

const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const CHATS: Record<string, string> = {
  包头市: 'oc_baotou_group_000000000000000000001',
  赤峰市: 'oc_chifeng_group_00000000000000000001',
  通辽市: 'oc_tongliao_group_0000000000000000001',
};
const STAFF: Record<string, string> = {
  包头市: 'ou_staff_baotou_00000000000000000001',
  赤峰市: 'ou_staff_chifeng_0000000000000000001',
  通辽市: 'ou_staff_tongliao_000000000000000001',
};

let h: Harness;
let d: Driver;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  await d.bindAll({ [CENTRE_CHAT]: '中心', ...Object.fromEntries(Object.entries(CHATS).map(([region, chat]) => [chat, region])) });
});
afterEach(async () => {
  await h.close();
});

/** A deadline a few days ahead, 17:00 in Shanghai, as the date-time picker sends it. */
const deadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 5 }).set({ hour: 17, minute: 0, second: 0, millisecond: 0 });
const pickerValue = `${deadline.toFormat('yyyy-MM-dd HH:mm')} +0800`;
const at9 = (daysBeforeDeadline: number) => deadline.minus({ days: daysBeforeDeadline }).set({ hour: 9 }).toUTC().toISO()!;

async function publish(expects: 'text' | 'both' = 'both') {
  const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const answer = await d.click(buttonValue(form.content, '发布报送任务'), ADMIN_OPEN_ID, {
    title: '年度落实情况报告',
    description: '请报送本盟市企业创新能力提升行动落实情况报告，加盖公章的 PDF',
    deadline: pickerValue,
    regions: Object.keys(CHATS),
    expects,
  }, { chatId: 'oc_p2p_admin', messageId: form.messageId });
  return answer;
}

const taskCardIn = (chat: string) => d.toChat(chat).find((m) => hasButton(m.content, '提交'));

async function submitFor(region: string, text = `${region}落实情况：已完成全部任务`) {
  const card = taskCardIn(CHATS[region])!;
  const opened = await d.click(buttonValue(card.content, '提交'), STAFF[region], undefined, { chatId: CHATS[region], messageId: card.messageId });
  expect(opened.toast.content).toBe('报送表已私聊发给您，请在私聊中填写提交。');
  // The form to fill in: the one issued to this person and not used yet (a used one does not submit again).
  const unusedForm = async () => {
    const rows: Array<{ token: string }> = await h.bot.ds.query('SELECT token FROM report_forms WHERE issued_to = ? AND submitted_at IS NULL', [STAFF[region]]);
    return d.toUser(STAFF[region]).find((m) => hasButton(m.content, '提交') && rows.some((r) => r.token === buttonValue(m.content, '提交').form));
  };
  await h.fake.waitFor(async () => (await unusedForm()) !== undefined, 'the private form');
  const form = (await unusedForm())!;
  return d.click(buttonValue(form.content, '提交'), STAFF[region], { text });
}

async function job(now: string) {
  const out = await runJob(h, ['reminders', '--now', now]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  return out.stdout;
}

it('publishes to three 盟市, takes two submissions, reminds only the third, and tells the centre who is missing', async () => {
  // Text only: a text is a complete submission (a task asking for files: report-card-age.test.ts).
  const published = await publish('text');
  expect(published.toast.content).toBe(`已发布 BS${YEAR}-0001，已发送到 3 个盟市工作群`);
  expect(visibleText(published.card.data)).toContain('已提交 0/3');
  await h.fake.waitFor(() => Object.values(CHATS).every((c) => taskCardIn(c)), 'the task in every group');
  await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => visibleText(m.content).includes('报送进度')), 'the centre’s progress card');
  const centreCard = d.toChat(CENTRE_CHAT).find((m) => visibleText(m.content).includes('报送进度'))!;

  const receipt = await submitFor('包头市');
  expect(receipt.toast).toEqual({ type: 'success', content: `已提交 BS${YEAR}-0001` });
  expect(visibleText(receipt.card.data)).toContain('包头市已于');
  await submitFor('赤峰市');
  // The centre's card updates in place.
  await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === centreCard.messageId && visibleText(p.content).includes('已提交 2/3')), 'the progress card updated');

  // 3 days before: only 通辽市 is reminded; again at 1 day and on the day.
  expect(await job(at9(3))).toContain('1 queued');
  const reminded = (region: string) => d.toChat(CHATS[region]).filter((m) => visibleText(m.content).includes('尚未报送'));
  expect(reminded('通辽市')).toHaveLength(1);
  expect(reminded('包头市')).toHaveLength(0);
  expect(reminded('赤峰市')).toHaveLength(0);
  expect(await job(at9(3))).toContain('0 queued');
  await job(at9(1));
  await job(at9(0));
  expect(reminded('通辽市')).toHaveLength(3);
  expect(visibleText(reminded('通辽市')[2].content)).toContain('今天截止');

  // After the deadline: one notice to the centre, naming 通辽市 only.
  const after = deadline.plus({ hours: 1 }).toUTC().toISO()!;
  await job(after);
  const overdue = d.toChat(CENTRE_CHAT).filter((m) => visibleText(m.content).includes('未提交'));
  const notice = overdue.find((m) => visibleText(m.content).includes('报送已截止'))!;
  expect(visibleText(notice.content)).toContain('通辽市');
  expect(visibleText(notice.content)).not.toContain('包头市');
  expect(await job(deadline.plus({ days: 1 }).toUTC().toISO()!)).toContain('0 queued');

  const [progress] = await d.ask(`报送进度 BS${YEAR}-0001`, { chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: ADMIN_OPEN_ID });
  const text = visibleText(progress.content);
  expect(text).toContain('包头市：<font color=\'green\'>已提交');
  expect(text).toContain('通辽市：<font color=\'red\'>未提交');
});

it('lets a 盟市 resubmit, takes files sent afterwards, marks a late one, and exports everything', async () => {
  await publish();
  await h.fake.waitFor(() => Object.values(CHATS).every((c) => taskCardIn(c)), 'the task in every group');
  const bad = await submitFor('包头市', '   ');
  expect(bad.toast.content).toBe('请填写报送内容（文字说明）');
  await submitFor('包头市', '第一稿');
  const second = await submitFor('包头市', '第二稿');
  expect(visibleText(second.card.data)).toContain('第 2 次');
  expect(await h.bot.ds.query('SELECT region, text, times FROM report_submissions')).toEqual([{ region: '包头市', text: '第二稿', times: 2 }]);

  // The file sent privately afterwards goes with the submission.
  const evt = messageEvent({ text: '', chatType: 'p2p', chatId: 'oc_p2p_baotou', senderOpenId: STAFF['包头市'], messageType: 'file' });
  evt.event.message.content = JSON.stringify({ file_key: 'file_v3_report', file_name: '包头市落实情况报告.pdf' });
  await h.post('/feishu/events', evt);
  await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the file receipt');
  expect(d.repliesTo(evt.event.message.message_id)[0].content.text).toContain('作为包头市报送「年度落实情况报告」');
  await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => m.msgType === 'forward' && m.content.forwardedFrom === evt.event.message.message_id), 'the file forwarded to the centre');

  // A group not targeted cannot submit; a group's 提交 always submits for its own 盟市.
  const card = taskCardIn(CHATS['包头市'])!;
  const wrongGroup = await d.click(buttonValue(card.content, '提交'), STAFF['包头市'], undefined, { chatId: 'oc_unbound_group_00000000000000001' });
  expect(wrongGroup.toast.type).toBe('error');

  // Late: after the deadline a submission is still accepted, and marked. (The deadline is moved
  // into the past in the database: the webhook checks timestamps against the real clock.)
  // Just after 包头市's file arrived, so that 包头市 completed in time.
  await h.bot.ds.query('UPDATE report_tasks SET deadline_at = (SELECT MAX("at") FROM report_files) + 1');
  await new Promise((r) => setTimeout(r, 5));
  const late = await submitFor('赤峰市', '迟交的报告');
  // The task asks for files: a late text alone is 待补附件 (and marked late on the receipt).
  expect(late.toast).toEqual({ type: 'warning', content: `已收到文字说明，待补附件：请在私聊中发送文件，收到后才计为已提交（BS${YEAR}-0001）` });
  expect(visibleText(late.card.data)).toContain('已标记为逾期');

  // 导出: a spreadsheet with every 盟市's state, text and files, sent to the admin privately.
  const [progress] = await d.ask(`报送进度 BS${YEAR}-0001`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const exported = await d.click(buttonValue(progress.content, '导出全部报送'), ADMIN_OPEN_ID);
  expect(exported.toast).toEqual({ type: 'success', content: '导出文件已私聊发给您' });
  const refused = await d.click(buttonValue(progress.content, '导出全部报送'), STAFF['包头市']);
  expect(refused.toast.type).toBe('error');
  await h.fake.waitFor(() => d.toUser(ADMIN_OPEN_ID).some((m) => m.msgType === 'file'), 'the export file');
  const upload = h.fake.calls.find((c) => c.path === '/open-apis/im/v1/files')!;
  const rows = await sheetRows(upload.rawBody, String(upload.headers['content-type']));
  expect(rows[0]).toEqual(['盟市', '状态', '提交时间', '提交次数', '文字内容', '附件']);
  expect(rows.find((r) => r[0] === '包头市')).toEqual(['包头市', '已提交', expect.any(String), 2, '第二稿', '包头市落实情况报告.pdf']);
  expect(rows.find((r) => r[0] === '赤峰市')?.slice(0, 2)).toEqual(['赤峰市', '待补附件']);
  expect(rows.find((r) => r[0] === '通辽市')?.slice(0, 2)).toEqual(['通辽市', '未提交']);
});

/** The rows of the .xlsx inside a multipart upload. */
async function sheetRows(body: Buffer, contentType: string): Promise<unknown[][]> {
  const boundary = /boundary=(.+)$/.exec(contentType)![1];
  const parts = body.toString('latin1').split(`--${boundary}`);
  const filePart = parts.find((p) => p.includes('name="file"'))!;
  const bytes = Buffer.from(filePart.slice(filePart.indexOf('\r\n\r\n') + 4, -2), 'latin1');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}
