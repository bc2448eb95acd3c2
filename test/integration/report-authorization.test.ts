import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { cardActionEvent } from '../helpers/events';
import { buildFeishuRequest } from '../helpers/feishu-signer';
import { waitUntilIdle } from '../helpers/idle';

/**
 * Who may submit a report for a 盟市 (issue 14 item 4), tried the way it was broken: signed
 * callbacks forged by somebody in no 盟市 group, a 赤峰市 member aiming at 包头市, and one signed
 * callback replayed three times. The server decides from the form it issued, never from the card.
 */

const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const CHATS: Record<string, string> = {
  包头市: 'oc_baotou_group_000000000000000000001',
  赤峰市: 'oc_chifeng_group_00000000000000000001',
};
const STAFF: Record<string, string> = {
  包头市: 'ou_staff_baotou_00000000000000000001',
  赤峰市: 'ou_staff_chifeng_0000000000000000001',
};
const OUTSIDER = 'ou_outsider_in_no_group_000000000001';

let h: Harness;
let d: Driver;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  await d.bindAll({ [CENTRE_CHAT]: '中心', [CHATS['包头市']]: '包头市', [CHATS['赤峰市']]: '赤峰市' });
  const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const deadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 5 }).set({ hour: 17, minute: 0, second: 0, millisecond: 0 });
  const published = await d.click(
    buttonValue(form.content, '发布报送任务'),
    ADMIN_OPEN_ID,
    { title: '年度落实情况报告', description: '请报送落实情况', deadline: `${deadline.toFormat('yyyy-MM-dd HH:mm')} +0800`, regions: Object.keys(CHATS), expects: 'text' },
    { chatId: 'oc_p2p_admin', messageId: form.messageId },
  );
  expect(published.toast.type).toBe('success');
  await h.fake.waitFor(() => Object.values(CHATS).every((c) => taskCard(c)), 'the task in both groups');
});
afterEach(async () => {
  await h.close();
});

const taskCard = (chat: string) => d.toChat(chat).find((m) => hasButton(m.content, '提交'));
const submissions = (): Promise<Array<{ region: string; text: string; times: number; submitted_by: string }>> =>
  h.bot.ds.query('SELECT region, text, times, submitted_by FROM report_submissions ORDER BY region');
const progressPatches = () => h.fake.patches.filter((p) => visibleText(p.content).includes('报送进度'));

/** 提交 in a group as `who`; returns the private form's submit button value once it arrives. */
async function openForm(region: string, who: string): Promise<Record<string, any>> {
  const before = d.toUser(who).filter((m) => hasButton(m.content, '提交')).length;
  const card = taskCard(CHATS[region])!;
  const opened = await d.click(buttonValue(card.content, '提交'), who, undefined, { chatId: CHATS[region], messageId: card.messageId });
  expect(opened.toast.content).toBe('报送表已私聊发给您，请在私聊中填写提交。');
  await h.fake.waitFor(() => d.toUser(who).filter((m) => hasButton(m.content, '提交')).length > before, 'the private form');
  return buttonValue(d.toUser(who).filter((m) => hasButton(m.content, '提交')).pop()!.content, '提交');
}

it('gives a 盟市 member a form that names nothing but a token the server issued', async () => {
  const value = await openForm('包头市', STAFF['包头市']);
  expect(Object.keys(value).sort()).toEqual(['action', 'form']);
  const [issued] = await h.bot.ds.query('SELECT region, issued_to, chat_id, submitted_at FROM report_forms');
  expect(issued).toEqual({ region: '包头市', issued_to: STAFF['包头市'], chat_id: CHATS['包头市'], submitted_at: null });
});

it('changes nothing for forged callbacks from somebody in no 盟市 group', async () => {
  const task = Number(buttonValue(taskCard(CHATS['包头市'])!.content, '提交').task);
  // The old card's shape, naming the task and the 盟市 outright.
  const named = await d.click({ action: 'report.submit', task, region: '包头市' }, OUTSIDER, { text: '伪造的内容' }, { chatId: 'oc_p2p_outsider' });
  expect(named.toast).toEqual({ type: 'error', content: '这张报送表已失效，请在本盟市工作群里发送「报送」获取新的报送表。' });
  // A token made up, and a real one issued to a 包头市 member (seen over a shoulder, say).
  const madeUp = await d.click({ action: 'report.submit', form: 'AAAAAAAAAAAAAAAAAAAAAAAA' }, OUTSIDER, { text: '伪造的内容' });
  expect(madeUp.toast.type).toBe('error');
  const stolen = await openForm('包头市', STAFF['包头市']);
  const withStolen = await d.click(stolen, OUTSIDER, { text: '伪造的内容' }, { chatId: 'oc_p2p_outsider' });
  expect(withStolen.toast).toEqual({ type: 'error', content: '这张报送表是发给另一位同事的。请在本盟市工作群里点击「提交」，获取您自己的报送表。' });
  // 提交 clicked in a chat bound to no 盟市 issues no form.
  const card = taskCard(CHATS['包头市'])!;
  const fromElsewhere = await d.click(buttonValue(card.content, '提交'), OUTSIDER, undefined, { chatId: 'oc_unbound_group_00000000000000001' });
  expect(fromElsewhere.toast.type).toBe('error');

  expect(await submissions()).toEqual([]);
  expect(await h.bot.ds.query('SELECT issued_to FROM report_forms')).toEqual([{ issued_to: STAFF['包头市'] }]);
  // The stolen form still works for the one it was issued to.
  const own = await d.click(stolen, STAFF['包头市'], { text: '包头市的真实内容' });
  expect(own.toast).toEqual({ type: 'success', content: `已提交 BS${YEAR}-0001` });
  expect(await submissions()).toEqual([{ region: '包头市', text: '包头市的真实内容', times: 1, submitted_by: STAFF['包头市'] }]);
});

it('does not let a 赤峰市 member overwrite 包头市’s text', async () => {
  const baotou = await openForm('包头市', STAFF['包头市']);
  expect((await d.click(baotou, STAFF['包头市'], { text: '包头市的报告' })).toast.type).toBe('success');
  const chifeng = await openForm('赤峰市', STAFF['赤峰市']);

  // 包头市's form (now used) and a fresh one issued to 包头市 staff: neither is the 赤峰市 member's.
  const fresh = await openForm('包头市', STAFF['包头市']);
  for (const value of [baotou, fresh]) {
    const answer = await d.click(value, STAFF['赤峰市'], { text: '赤峰市写的覆盖内容' }, { chatId: 'oc_p2p_chifeng' });
    expect(answer.toast.type).toBe('error');
  }
  // The 赤峰市 member's own form, with the 盟市 the old card named put back in: it submits for 赤峰市.
  const own = await d.click({ ...chifeng, task: 1, region: '包头市' }, STAFF['赤峰市'], { text: '赤峰市的报告' });
  expect(visibleText(own.card.data)).toContain('赤峰市已于');
  expect(await submissions()).toEqual([
    { region: '包头市', text: '包头市的报告', times: 1, submitted_by: STAFF['包头市'] },
    { region: '赤峰市', text: '赤峰市的报告', times: 1, submitted_by: STAFF['赤峰市'] },
  ]);
});

it('refuses a form whose group was bound to another 盟市 after it was issued', async () => {
  const value = await openForm('包头市', STAFF['包头市']);
  await d.bind(CHATS['包头市'], '赤峰市');
  const answer = await d.click(value, STAFF['包头市'], { text: '包头市的报告' });
  expect(answer.toast).toEqual({ type: 'error', content: '发出这张报送表的群已不再绑定「包头市」，不能为其报送。请在「包头市」的工作群里重新点击「提交」。' });
  expect(await submissions()).toEqual([]);
});

it('counts one signed callback replayed three times as ONE submission', async () => {
  const value = await openForm('包头市', STAFF['包头市']);
  const request = buildFeishuRequest(cardActionEvent(value, STAFF['包头市'], { text: '包头市的报告' }), { encryptKey: h.config.feishu.encryptKey });
  const answers = [];
  for (let i = 0; i < 3; i += 1) answers.push((await h.postRaw('/feishu/cards', request.body, request.headers)).body);
  expect(answers[0].toast).toEqual({ type: 'success', content: `已提交 BS${YEAR}-0001` });
  for (const again of answers.slice(1)) {
    expect(again.toast).toEqual({ type: 'info', content: '这张报送表已经提交过了。如需修改，请在本盟市工作群里再次点击「提交」。' });
    expect(visibleText(again.card.data)).toContain('包头市已于');
  }
  expect(await submissions()).toEqual([{ region: '包头市', text: '包头市的报告', times: 1, submitted_by: STAFF['包头市'] }]);
  expect(await h.bot.ds.query('SELECT version FROM report_tasks')).toEqual([{ version: 2 }]);
  // Each of the centre's progress cards was updated once, for the one submission.
  await h.fake.waitFor(() => progressPatches().some((p) => visibleText(p.content).includes('已提交 1/2')), 'the progress card updated');
  await waitUntilIdle(h);
  const patched = progressPatches().map((p) => p.messageId);
  expect(patched.length).toBeGreaterThan(0);
  expect(new Set(patched).size).toBe(patched.length);

  // Three at once: still one.
  const next = await openForm('包头市', STAFF['包头市']);
  const at = buildFeishuRequest(cardActionEvent(next, STAFF['包头市'], { text: '第二稿' }), { encryptKey: h.config.feishu.encryptKey });
  const together = await Promise.all([0, 1, 2].map(() => h.postRaw('/feishu/cards', at.body, at.headers)));
  expect(together.filter((r) => r.body.toast.type === 'success')).toHaveLength(1);
  expect(await submissions()).toEqual([{ region: '包头市', text: '第二稿', times: 2, submitted_by: STAFF['包头市'] }]);
});
