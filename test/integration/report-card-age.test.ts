import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { messageEvent } from '../helpers/events';
import { runJob } from '../helpers/job-process';
import { BAOTOU_CHAT, bindCentreGroups, CENTRE_CHAT, CHIFENG_CHAT } from '../helpers/ledger-flow';

/**
 * Issue 11 items 4 and 8 through the HTTP surface, with the bot's clock moved (webhooks signed
 * with the same clock): a task due in 20 days is submitted on day 18 with a form from 报送 or
 * from a reminder; the centre's progress card older than 13 days is re-posted, not patched; a
 * text alone to a task that asks for files is 待补附件 until the file arrives.
 */

const BAOTOU = 'ou_staff_baotou_00000000000000000001';
const CHIFENG = 'ou_staff_chifeng_0000000000000000001';

let h: Harness;
let d: Driver;
let offset = 0;
const T0 = DateTime.fromISO(`${YEAR}-06-01T10:00:00`, { zone: 'Asia/Shanghai' });
const DEADLINE = T0.plus({ days: 20 }).set({ hour: 17 });

function setClock(at: DateTime): void {
  offset = at.toMillis() - Date.now();
}

beforeEach(async () => {
  setClock(T0);
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) }, bot: { now: () => Date.now() + offset } });
  const post = h.post.bind(h);
  h.post = (path, payload, opts) => post(path, payload, { timestamp: Math.floor((Date.now() + offset) / 1000), ...opts });
  d = new Driver(h);
  await bindCentreGroups(d);
});
afterEach(async () => {
  await h.close();
});

async function publish(expects: 'text' | 'both') {
  const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const answer = await d.click(buttonValue(form.content, '发布报送任务'), ADMIN_OPEN_ID, {
    title: '年度落实情况报告',
    description: '请报送落实情况',
    deadline: `${DEADLINE.toFormat('yyyy-MM-dd HH:mm')} +0800`,
    regions: ['包头市', '赤峰市'],
    expects,
  }, { chatId: 'oc_p2p_admin', messageId: form.messageId });
  expect(answer.toast.type).toBe('success');
  await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => visibleText(m.content).includes('报送进度')), 'the centre’s progress card');
  const card = d.toChat(CENTRE_CHAT).find((m) => visibleText(m.content).includes('报送进度'))!;
  // The outbox records the sent card (and its time) just after Feishu answered.
  await h.fake.waitFor(async () => (await h.bot.ds.query("SELECT id FROM outbox_messages WHERE result_id = ? AND status = 'sent'", [card.messageId])).length === 1, 'the progress card recorded as sent');
  return card;
}

/** The newest private form card sent to `staff`. */
async function newestForm(staff: string, before: number) {
  const forms = () => d.toUser(staff).filter((m) => hasButton(m.content, '提交'));
  await h.fake.waitFor(() => forms().length > before, 'a private form');
  return forms().pop()!;
}
const formCount = (staff: string) => d.toUser(staff).filter((m) => hasButton(m.content, '提交')).length;

async function job(now: DateTime) {
  const out = await runJob(h, ['reminders', '--now', now.toUTC().toISO()!]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
}

it('a task due in 20 days is submitted on day 18 through 报送 and through a reminder’s fresh 提交', async () => {
  await publish('text');
  // Day 18: the task card in the group is 18 days old; nobody needs it.
  setClock(T0.plus({ days: 18 }));
  const before = formCount(BAOTOU);
  const [listed] = await d.ask('报送', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: BAOTOU });
  expect(listed.content.text).toContain('包头市有 1 项报送任务待处理，报送表已私聊发给您');
  expect(listed.content.text).toContain(`BS${YEAR}-0001「年度落实情况报告」`);
  const form = await newestForm(BAOTOU, before);
  const answer = await d.click(buttonValue(form.content, '提交'), BAOTOU, { text: '第 18 天提交' });
  expect(answer.toast).toEqual({ type: 'success', content: `已提交 BS${YEAR}-0001` });

  // 报送进度 stays the centre's; 报送 is matched only as itself.
  const [refused] = await d.ask('报送进度', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: BAOTOU });
  expect(refused.content.text).toBe('报送进度只在中心工作群或管理员私聊中查看。');

  // 赤峰市 is reminded 3 days before with a new card whose 提交 issues a fresh form.
  await job(DEADLINE.minus({ days: 3 }).set({ hour: 9 }));
  const reminder = d.toChat(CHIFENG_CHAT).find((m) => visibleText(m.content).includes('尚未报送'))!;
  expect(visibleText(reminder.content)).toContain('也可随时在本群发送「报送」获取');
  const n = formCount(CHIFENG);
  const opened = await d.click(buttonValue(reminder.content, '提交'), CHIFENG, undefined, { chatId: CHIFENG_CHAT, messageId: reminder.messageId });
  expect(opened.toast.type).toBe('success');
  const chifengForm = await newestForm(CHIFENG, n);
  expect((await d.click(buttonValue(chifengForm.content, '提交'), CHIFENG, { text: '赤峰市报告' })).toast.type).toBe('success');

  // Privately, 报送 knows the 盟市 from the group the person last got a form in.
  const [priv] = await d.ask('报送', { senderOpenId: BAOTOU, chatId: 'oc_p2p_baotou' });
  expect(priv.content.text).toContain('按您最近一次在包头市工作群获取报送表的记录');
  expect(priv.content.text).toContain('已提交，截止前可修改');
  // Somebody who never got a form is told to ask in the group.
  const [unknown] = await d.ask('报送', { senderOpenId: 'ou_newcomer_000000000000000000000001', chatId: 'oc_p2p_newcomer' });
  expect(unknown.content.text).toContain('请在本盟市的工作群里发送「报送」');
  // A form from 报送 is still tied to its person: somebody else cannot use it.
  const stolen = await d.click(buttonValue(form.content, '提交'), CHIFENG, { text: '冒名' });
  expect(stolen.toast.type).toBe('error');
});

it('re-posts the centre’s progress card once it is older than 13 days, and patches the new one after', async () => {
  const centreCard = await publish('text');
  setClock(T0.plus({ days: 14 }));
  const before = d.toChat(CENTRE_CHAT).length;
  await d.ask('报送', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: BAOTOU });
  const form = await newestForm(BAOTOU, 0);
  expect((await d.click(buttonValue(form.content, '提交'), BAOTOU, { text: '包头市报告' })).toast.type).toBe('success');
  await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => visibleText(m.content).includes('已提交 1/2')), 'the re-posted progress card');
  const sent = d.toChat(CENTRE_CHAT).slice(before);
  expect(sent.map((m) => (m.msgType === 'text' ? m.content.text : 'card'))).toEqual(['原卡片已超过 13 天，无法再更新，已重新发送最新内容（以下方卡片为准）。', 'card']);
  expect(h.fake.patches.filter((p) => p.messageId === centreCard.messageId)).toEqual([]);

  // The next change patches the re-posted card (1 day old), and the old one stays untouched.
  const reposted = sent[1];
  await d.ask('报送', { chatType: 'group', chatId: CHIFENG_CHAT, senderOpenId: CHIFENG });
  const chifengForm = await newestForm(CHIFENG, 0);
  // The re-post is recorded as sent before the next change can patch it.
  await h.fake.waitFor(async () => (await h.bot.ds.query("SELECT id FROM outbox_messages WHERE result_id = ? AND status = 'sent'", [reposted.messageId])).length === 1, 'the re-post recorded as sent');
  expect((await d.click(buttonValue(chifengForm.content, '提交'), CHIFENG, { text: '赤峰市报告' })).toast.type).toBe('success');
  await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === reposted.messageId && visibleText(p.content).includes('已提交 2/2')), 'the re-posted card patched');
  expect(h.fake.patches.filter((p) => p.messageId === centreCard.messageId)).toEqual([]);
  expect(d.toChat(CENTRE_CHAT).slice(before)).toHaveLength(2);
});

it('a text alone to a task that asks for files is 待补附件, reminded, and 已提交 once the file arrives', async () => {
  const centreCard = await publish('both');
  await d.ask('报送', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: BAOTOU });
  const form = await newestForm(BAOTOU, 0);
  const answer = await d.click(buttonValue(form.content, '提交'), BAOTOU, { text: '只有文字' });
  expect(answer.toast).toEqual({ type: 'warning', content: `已收到文字说明，待补附件：请在私聊中发送文件，收到后才计为已提交（BS${YEAR}-0001）` });
  expect(visibleText(answer.card.data)).toContain('待补附件');
  await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === centreCard.messageId && visibleText(p.content).includes('包头市：<font color=\'orange\'>待补附件')), 'the progress card shows 待补附件');
  expect(visibleText(h.fake.patches[h.fake.patches.length - 1].content)).toContain('已提交 0/2');

  // Reminded like a missing one, saying what is missing.
  await job(DEADLINE.minus({ days: 3 }).set({ hour: 9 }));
  const reminder = d.toChat(BAOTOU_CHAT).find((m) => visibleText(m.content).includes('尚未发送附件'));
  expect(reminder).toBeDefined();
  const [listed] = await d.ask('报送进度', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  expect(visibleText(listed.content)).toContain('已提交 0/2');

  // The file arrives: 已提交.
  const evt = messageEvent({ text: '', chatType: 'p2p', chatId: 'oc_p2p_baotou', senderOpenId: BAOTOU, messageType: 'file' });
  evt.event.message.content = JSON.stringify({ file_key: 'file_v3_report', file_name: '报告.pdf' });
  await h.post('/feishu/events', evt);
  await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the file receipt');
  expect(d.repliesTo(evt.event.message.message_id)[0].content.text).toContain('包头市的这项报送现已计为已提交');
  await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === centreCard.messageId && visibleText(p.content).includes('已提交 1/2')), 'the progress card shows 已提交');

  // After the deadline the centre's notice names only 赤峰市.
  await job(DEADLINE.plus({ hours: 1 }));
  const notice = d.toChat(CENTRE_CHAT).find((m) => visibleText(m.content).includes('报送已截止'))!;
  expect(visibleText(notice.content)).toContain('赤峰市');
  expect(visibleText(notice.content)).not.toContain('包头市');
});
