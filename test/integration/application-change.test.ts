import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { runJob } from '../helpers/job-process';

/**
 * Change and cancel after approval (issue 11, item 1), through the HTTP surface and the
 * reminders job as cron runs it: a postponed activity is reminded on its new dates only; a
 * cancelled one gets no reminder, no summary request and no overdue notice; outsiders are
 * refused; replayed clicks change nothing.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';
const OTHER = 'ou_somebody_else_000000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const BAOTOU_CHAT = 'oc_baotou_group_000000000000000000001';
const CODE = `SQ${YEAR}-0001`;
const P2P = { chatId: `oc_p2p_${FILER}` };

let h: Harness;
let d: Driver;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  await d.bindAll({ [CENTRE_CHAT]: '中心', [BAOTOU_CHAT]: '包头市' });
  // Filed for 10–11 June and approved.
  await d.file(FILER);
  await h.fake.waitFor(() => reviewCards().length > 0, 'the review card');
  const card = reviewCards()[0];
  const answer = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  expect(answer.toast.type).toBe('success');
  await h.fake.waitFor(() => filerCard('申请改期') !== undefined, 'the filer’s card with 申请改期');
});
afterEach(async () => {
  await h.close();
});

const reviewCards = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
const changeCards = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '同意改期'));
const filerCard = (button: string) => d.toUser(FILER).filter((m) => m.msgType === 'interactive' && hasButton(m.content, button)).pop();
const cardsTo = (messages: { content: unknown }[], text: string) => messages.filter((m) => visibleText(m.content).includes(text));
const at9 = (monthDay: string) => DateTime.fromISO(`${YEAR}-${monthDay}T09:00`, { zone: 'Asia/Shanghai' }).toUTC().toISO()!;
const row = async () => (await h.bot.ds.query('SELECT status, start_date, end_date, venue, headcount, version FROM applications'))[0];
const events = async () => (await h.bot.ds.query('SELECT action, from_status, to_status, actor_open_id, reason FROM application_events ORDER BY id')).map((e: any) => e.action);

async function job(name: string, now: string) {
  const out = await runJob(h, [name, '--now', now]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  return out.stdout;
}

const NEW_DATES = { start_date: `${YEAR}-07-20 +0800`, end_date: `${YEAR}-07-21 +0800`, venue: '包头市科技馆多功能厅', headcount: '90', note: '场地冲突，推迟一个月' };

/** Opens the change form from the filer's card and submits `form`; returns the callback answer. */
async function requestChange(form: Record<string, string>, operator = FILER) {
  const opened = await d.click(buttonValue(filerCard('申请改期')!.content, '申请改期'), operator, undefined, P2P);
  expect(visibleText(opened.card.data)).toContain('不受「活动开始 10 日前提交」的限制');
  return d.click(buttonValue(opened.card.data, '提交改期申请'), operator, form, P2P);
}

describe('申请改期', () => {
  it('goes to the centre with old and new side by side; once agreed the dates move and the reminders follow them', async () => {
    // The old dates' 3-day reminder has gone out already.
    await job('reminders', at9('06-07'));
    expect(cardsTo(d.toChat(BAOTOU_CHAT), '3 天后开始')).toHaveLength(1);

    // Counts that no longer fit the new head count are refused, with the reason under 人数.
    const bad = await requestChange({ ...NEW_DATES, headcount: '200' });
    expect(bad.toast.type).toBe('warning');
    expect(visibleText(bad.card.data)).toContain('按新的活动人数');
    expect(changeCards()).toHaveLength(0);

    const asked = await requestChange(NEW_DATES);
    expect(asked.toast).toEqual({ type: 'success', content: `已提交改期申请：${CODE}` });
    await h.fake.waitFor(() => changeCards().length === 1, 'the change review card');
    const card = changeCards()[0];
    const text = visibleText(card.content);
    for (const expected of ['原安排', '改为', `${YEAR}-06-10 至 ${YEAR}-06-11`, `${YEAR}-07-20 至 ${YEAR}-07-21`, '包头市科技馆多功能厅', '90 人', '场地冲突']) expect(text).toContain(expected);
    expect((await row()).start_date).toBe(`${YEAR}-06-10`);

    // Refusing needs a reason; an outsider cannot decide.
    const noReason = await d.click(buttonValue(card.content, '不同意'), ADMIN_OPEN_ID, { reason: ' ' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(noReason.toast).toEqual({ type: 'warning', content: '请填写不同意改期的原因' });
    const outsider = await d.click(buttonValue(card.content, '同意改期'), OTHER, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(outsider.toast.type).toBe('error');

    const agreed = await d.click(buttonValue(card.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(agreed.toast).toEqual({ type: 'success', content: `已同意改期：${CODE}` });
    expect(hasButton(agreed.card.data, '同意改期')).toBe(false);
    expect(await row()).toMatchObject({ status: '已通过', start_date: `${YEAR}-07-20`, end_date: `${YEAR}-07-21`, venue: '包头市科技馆多功能厅', headcount: 90 });
    await h.fake.waitFor(() => cardsTo(d.toUser(FILER), '中心同意改期').length === 1, 'the filer told');

    // The same click again (a replay) changes nothing.
    const versionAfter = (await row()).version;
    const replay = await d.click(buttonValue(card.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(replay.toast.type).toBe('warning');
    expect((await row()).version).toBe(versionAfter);
    expect((await events()).filter((a: string) => a.endsWith('_change'))).toEqual(['request_change', 'approve_change']);

    // The old dates no longer fire: no 1-day reminder on 9 June, not held on 12 June.
    expect(await job('reminders', at9('06-09'))).toContain('0 queued');
    await job('reminders', at9('06-12'));
    expect((await row()).status).toBe('已通过');
    expect(cardsTo(d.toChat(BAOTOU_CHAT), '明天开始')).toHaveLength(0);

    // The new ones do, though a 3-day reminder was sent for the old dates.
    await job('reminders', at9('07-17'));
    const reminded = cardsTo(d.toChat(BAOTOU_CHAT), '3 天后开始');
    expect(reminded).toHaveLength(2);
    expect(visibleText(reminded[1].content)).toContain(`${YEAR}-07-20 至 ${YEAR}-07-21`);
    expect(cardsTo(d.toUser(FILER), '3 天后开始').map((m) => visibleText(m.content)).pop()).toContain('包头市科技馆多功能厅');
    await job('reminders', at9('07-22'));
    expect((await row()).status).toBe('已举办');
  });

  it('refused: nothing changes and the filer is told why', async () => {
    await requestChange(NEW_DATES);
    await h.fake.waitFor(() => changeCards().length === 1, 'the change review card');
    const card = changeCards()[0];
    const refused = await d.click(buttonValue(card.content, '不同意'), ADMIN_OPEN_ID, { reason: '专家团队七月已有安排' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(refused.toast).toEqual({ type: 'success', content: `已不同意改期：${CODE}` });
    expect(await row()).toMatchObject({ status: '已通过', start_date: `${YEAR}-06-10`, end_date: `${YEAR}-06-11`, headcount: 100 });
    await h.fake.waitFor(() => cardsTo(d.toUser(FILER), '专家团队七月已有安排').length === 1, 'the filer told why');
    expect(visibleText(cardsTo(d.toUser(FILER), '专家团队七月已有安排')[0].content)).toContain('中心不同意改期');
  });

  it('cancelling while a change waits closes the change card too; its buttons then change nothing', async () => {
    await requestChange(NEW_DATES);
    await h.fake.waitFor(() => changeCards().length === 1, 'the change review card');
    const card = changeCards()[0];
    await d.ask(`取消 ${CODE} 企业停产`, { senderOpenId: FILER, ...P2P });
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === card.messageId && visibleText(p.content).includes('活动已取消') && !hasButton(p.content, '同意改期')), 'the change card updated');
    const late = await d.click(buttonValue(card.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
    expect(late.toast.type).toBe('warning');
    expect(await row()).toMatchObject({ status: '已取消', start_date: `${YEAR}-06-10` });
  });

  it('refuses somebody who is neither the filer nor an admin, and a start date before tomorrow', async () => {
    const opened = await d.click(buttonValue(filerCard('申请改期')!.content, '申请改期'), OTHER);
    expect(opened.toast).toEqual({ type: 'error', content: '您无权操作这份申请：只有申请人本人或中心管理员可以操作。' });
    const [reply] = await d.ask(`改期 ${CODE}`, { senderOpenId: OTHER, chatId: `oc_p2p_${OTHER}` });
    expect(reply.content.text).toContain('只有申请人本人或中心管理员可以改期或取消');
    // The command opens the same form for the filer.
    const [form] = await d.ask(`改期 ${CODE}`, { senderOpenId: FILER, ...P2P });
    const today = DateTime.now().setZone('Asia/Shanghai').toISODate();
    const early = await d.click(buttonValue(form.content, '提交改期申请'), FILER, { ...NEW_DATES, start_date: `${today} +0800`, end_date: `${today} +0800` }, P2P);
    expect(early.toast.type).toBe('warning');
    expect(changeCards()).toHaveLength(0);
    expect((await events()).includes('request_change')).toBe(false);
  });
});

describe('取消活动', () => {
  it('by command: 已取消, the centre and the 盟市 group told, the review card updated, and no reminder, summary request or overdue notice ever', async () => {
    const [missing] = await d.ask(`取消 ${CODE}`, { senderOpenId: FILER, ...P2P });
    expect(missing.content.text).toContain('请填写取消活动的原因');
    const [refused] = await d.ask(`取消 ${CODE} 我不喜欢`, { senderOpenId: OTHER, chatId: `oc_p2p_${OTHER}` });
    expect(refused.content.text).toContain('只有申请人本人或中心管理员');
    expect((await row()).status).toBe('已通过');

    const [done] = await d.ask(`取消 ${CODE} 场地临时无法使用`, { senderOpenId: FILER, ...P2P });
    expect(done.content.text).toBe(`已取消活动 ${CODE}，科创服务中心和所在盟市群已收到通知。`);
    expect((await row()).status).toBe('已取消');
    expect(await h.bot.ds.query("SELECT from_status, to_status, actor_open_id, reason FROM application_events WHERE action = 'cancel'")).toEqual([
      { from_status: '已通过', to_status: '已取消', actor_open_id: FILER, reason: '场地临时无法使用' },
    ]);
    await h.fake.waitFor(() => cardsTo(d.toChat(CENTRE_CHAT), '活动已取消').length === 1 && cardsTo(d.toChat(BAOTOU_CHAT), '活动已取消').length === 1, 'the centre and the group told');
    const review = reviewCards()[0];
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === review.messageId && visibleText(p.content).includes('场地临时无法使用')), 'the review card updated');
    // The filer's own earlier card (the approval notice) no longer offers 申请改期.
    const notice = d.toUser(FILER).find((m) => hasButton(m.content, '申请改期'))!;
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === notice.messageId && !hasButton(p.content, '申请改期') && visibleText(p.content).includes('活动已取消')), 'the filer’s card updated');

    // Cancelling again changes nothing.
    const [again] = await d.ask(`取消 ${CODE} 再取消一次`, { senderOpenId: FILER, ...P2P });
    expect(again.content.text).toContain('当前状态为「已取消」，不能取消');

    for (const day of ['06-07', '06-09', '06-12', '06-15', '06-19', '06-22']) expect(await job('reminders', at9(day))).toContain('0 queued');
    expect((await row()).status).toBe('已取消');
    for (const text of ['天后开始', '明天开始', '活动评估总结', '逾期']) {
      expect(cardsTo([...d.toUser(FILER), ...d.toChat(BAOTOU_CHAT), ...d.toChat(CENTRE_CHAT)], text)).toHaveLength(0);
    }
  });

  it('by the card: the reason is required, a replayed click changes nothing, an outsider is refused', async () => {
    const outsider = await d.click(buttonValue(filerCard('取消活动')!.content, '取消活动'), OTHER);
    expect(outsider.toast.type).toBe('error');
    const opened = await d.click(buttonValue(filerCard('取消活动')!.content, '取消活动'), FILER, undefined, P2P);
    const confirm = buttonValue(opened.card.data, '确认取消活动');
    const empty = await d.click(confirm, FILER, { reason: '' }, P2P);
    expect(empty.toast).toEqual({ type: 'warning', content: '请填写取消活动的原因' });
    expect((await row()).status).toBe('已通过');

    const cancelled = await d.click(confirm, FILER, { reason: '企业停产检修' }, P2P);
    expect(cancelled.toast).toEqual({ type: 'success', content: `已取消活动 ${CODE}` });
    expect(visibleText(cancelled.card.data)).toContain('活动已取消');
    expect(hasButton(cancelled.card.data, '申请改期')).toBe(false);
    const version = (await row()).version;
    const replay = await d.click(confirm, FILER, { reason: '企业停产检修' }, P2P);
    expect(replay.toast.type).toBe('warning');
    expect((await row()).version).toBe(version);
    expect((await events()).filter((a: string) => a === 'cancel')).toHaveLength(1);
  });

  it('an admin may cancel for the filer, who is told; the detail card (查询) offers the buttons', async () => {
    const [detail] = await d.ask(`查询 ${CODE}`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    expect(hasButton(detail.content, '申请改期') && hasButton(detail.content, '取消活动')).toBe(true);
    expect(hasButton(detail.content, '修改')).toBe(false);
    const [inGroup] = await d.ask(`查询 ${CODE}`, { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: OTHER });
    expect(hasButton(inGroup.content, '取消活动')).toBe(false);
    const [done] = await d.ask(`取消 ${CODE} 专家行程冲突，另行安排`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    expect(done.content.text).toContain('已取消活动');
    await h.fake.waitFor(() => cardsTo(d.toUser(FILER), '中心管理员取消了您的这项活动').length === 1, 'the filer told');
  });
});
