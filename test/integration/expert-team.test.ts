import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { visibleText as cardText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, nodesOf, YEAR } from '../helpers/application-driver';
import { runJob } from '../helpers/job-process';
import { startCentre } from '../helpers/ledger-flow';
import { TestClock } from '../helpers/test-clock';

/**
 * The expert team of an approved activity (issue 11, item 6), through the HTTP surface and the
 * reminders job as cron runs it: admins assign experts and a travel note from the review card
 * or the detail card; the team shows on the review, detail and filer's cards and in the audit
 * trail; an expert booked on two overlapping activities is caught (unless confirmed); the
 * centre's group gets 活动提醒 with the team and the venue; 近期活动 there shows the teams.
 */

const BAOTOU_FILER = 'ou_team_filer_baotou_000000000000001';
const CHIFENG_FILER = 'ou_team_filer_chifeng_00000000000001';
const CENTRE_CHAT = 'oc_team_centre_0000000000000000000001';
const BAOTOU_CHAT = 'oc_team_baotou_0000000000000000000001';
const CHIFENG_CHAT = 'oc_team_chifeng_000000000000000000001';
const ADMIN_P2P = { chatId: `oc_p2p_${ADMIN_OPEN_ID}` };
const A = `SQ${YEAR}-0001`;
const B = `SQ${YEAR}-0002`;

/** A card's text without markdown emphasis and colour tags: what a person reads. */
const visibleText = (card: unknown) => cardText(card).replace(/\*\*/g, '').replace(/<font[^>]*>|<\/font>/g, '');

let h: Harness;
let d: Driver;
/** The review cards as they stood after 通过, by code. */
const approvedCard: Record<string, any> = {};
const expertId: Record<string, number> = {};

async function addExpert(name: string, organisation: string, fields: string[]) {
  const answer = await d.click({ action: 'expert.add', form: randomBytes(9).toString('hex') }, ADMIN_OPEN_ID, { name, organisation, fields, contact: '13700001234', open_id: '' }, ADMIN_P2P);
  expect(answer.toast.type).toBe('success');
  expertId[name] = (await h.bot.ds.query('SELECT id FROM experts WHERE name = ?', [name]))[0].id;
}

async function fileAndApprove(filer: string, code: string, overrides: Record<string, string>) {
  const filed = await d.file(filer, overrides);
  expect(filed.toast.type).toBe('success');
  const reviewCard = () => d.toChat(CENTRE_CHAT).find((m) => m.msgType === 'interactive' && hasButton(m.content, '通过') && visibleText(m.content).includes(code));
  await h.fake.waitFor(() => reviewCard() !== undefined, `the review card of ${code}`);
  const card = reviewCard()!;
  const decided = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  expect(decided.toast.type).toBe('success');
  approvedCard[code] = { messageId: card.messageId, card: decided.card.data };
}

beforeEach(async () => {
  ({ h, d } = await startCentre({ clock: new TestClock(`${YEAR}-05-20T10:00:00+08:00`) }, { centre: CENTRE_CHAT, baotou: BAOTOU_CHAT, chifeng: CHIFENG_CHAT }));
  await addExpert('张三', '内蒙古大学', ['rare-earth']);
  await addExpert('李四', '内蒙古工业大学', ['equipment']);
  await addExpert('王五', '内蒙古农业大学', ['equipment']);
  // 包头市 on 10–11 June, 赤峰市 on 11–12 June: one day in common.
  await fileAndApprove(BAOTOU_FILER, A, {});
  await fileAndApprove(CHIFENG_FILER, B, { org_name: '赤峰市科学技术协会', region: '赤峰市', venue: '赤峰市会展中心', start_date: `${YEAR}-06-11 +0800`, end_date: `${YEAR}-06-12 +0800` });
});
afterEach(async () => {
  await h.close();
});

const row = async (id: number) => (await h.bot.ds.query('SELECT version, team_experts, team_note, team_by FROM applications WHERE id = ?', [id]))[0];
const teamEvents = async () => h.bot.ds.query("SELECT application_id, actor_open_id, reason FROM application_events WHERE action = 'team' ORDER BY id");
const at9 = (monthDay: string) => DateTime.fromISO(`${YEAR}-${monthDay}T09:00`, { zone: 'Asia/Shanghai' }).toUTC().toISO()!;
const multiSelect = (card: unknown) => nodesOf(card).find((n) => n.tag === 'multi_select_static');

/** 安排专家 on `card` (clicked where `ctx` says), then 保存专家安排 with `experts` and `note`. */
async function assign(card: unknown, ctx: { chatId: string; messageId?: string }, experts: string[], note = '') {
  const opened = await d.click(buttonValue(card, hasButton(card, '安排专家') ? '安排专家' : '调整专家团队'), ADMIN_OPEN_ID, undefined, ctx);
  expect(opened.toast).toBeUndefined();
  return d.click(buttonValue(opened.card.data, '保存专家安排'), ADMIN_OPEN_ID, { experts: experts.map((n) => String(expertId[n])), note }, ctx);
}

async function job(monthDay: string) {
  const out = await runJob(h, ['reminders', '--now', at9(monthDay)]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
}

it('is assigned from the review card and shows on the review, detail and filer’s cards and in the audit trail', async () => {
  const review = approvedCard[A];
  expect(hasButton(review.card, '安排专家')).toBe(true);
  const opened = await d.click(buttonValue(review.card, '安排专家'), ADMIN_OPEN_ID, undefined, { chatId: CENTRE_CHAT, messageId: review.messageId });
  // Every expert of the table is offered, with organisation and field.
  const options = multiSelect(opened.card.data).options.map((o: any) => o.text.content);
  expect(options).toEqual(expect.arrayContaining([expect.stringContaining('张三 · 内蒙古大学'), expect.stringContaining('李四 · 内蒙古工业大学'), expect.stringContaining('王五')]));

  const saved = await d.click(buttonValue(opened.card.data, '保存专家安排'), ADMIN_OPEN_ID, { experts: [String(expertId['张三']), String(expertId['李四'])], note: '6 月 9 日乘 K1234 次列车前往' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
  expect(saved.toast).toEqual({ type: 'success', content: `已保存 ${A} 的专家团队：张三、李四` });
  const line = '专家团队：张三、李四（行程：6 月 9 日乘 K1234 次列车前往）';
  expect(visibleText(saved.card.data)).toContain(line);
  expect(hasButton(saved.card.data, '调整专家团队')).toBe(true);

  const stored = await row(1);
  expect(JSON.parse(stored.team_experts)).toEqual([{ id: expertId['张三'], name: '张三' }, { id: expertId['李四'], name: '李四' }]);
  expect(stored.team_by).toBe(ADMIN_OPEN_ID);
  expect(await teamEvents()).toEqual([{ application_id: 1, actor_open_id: ADMIN_OPEN_ID, reason: '张三、李四；行程：6 月 9 日乘 K1234 次列车前往' }]);

  // The filer is told, on their card.
  await h.fake.waitFor(() => d.toUser(BAOTOU_FILER).some((m) => visibleText(m.content).includes(line)), 'the filer’s card with the team');
  expect(visibleText(d.toUser(BAOTOU_FILER).pop()!.content)).toContain('已安排本次活动的专家团队');
  // The detail card (查询 <编号>): the team, and the entry in the audit trail.
  const [detail] = await d.ask(`查询 ${A}`, { senderOpenId: ADMIN_OPEN_ID, ...ADMIN_P2P });
  expect(visibleText(detail.content)).toContain(line);
  expect(visibleText(detail.content)).toMatch(/安排专家团队，内容：张三、李四/);
  // Another activity's cards are untouched.
  expect(visibleText(approvedCard[B].card)).not.toContain('专家团队');
});

it('refuses an expert already on an overlapping activity, naming it, unless the admin confirms; a cancelled activity frees its experts', async () => {
  const onA = await assign(approvedCard[A].card, { chatId: CENTRE_CHAT, messageId: approvedCard[A].messageId }, ['张三']);
  expect(onA.toast.type).toBe('success');
  const before = await row(2);

  // 张三 on 赤峰市's activity (11–12 June) as well: the conflict card names 包头市's.
  const ctxB = { chatId: CENTRE_CHAT, messageId: approvedCard[B].messageId };
  const clash = await assign(approvedCard[B].card, ctxB, ['张三', '王五']);
  expect(clash.toast.type).toBe('warning');
  const text = visibleText(clash.card.data);
  for (const expected of ['张三', A, '包头市科学技术协会', '包头市', `${YEAR}-06-10 至 ${YEAR}-06-11`]) expect(text).toContain(expected);
  expect(text).not.toContain('王五 已安排');
  expect(await row(2)).toEqual(before);

  // 取消: nothing is stored.
  const dismissed = await d.click(buttonValue(clash.card.data, '取消'), ADMIN_OPEN_ID, undefined, ctxB);
  expect(dismissed.toast.type).toBe('info');
  expect(await row(2)).toEqual(before);

  // 仍然安排: booked, and the audit trail says it overlaps.
  const again = await assign(approvedCard[B].card, ctxB, ['张三', '王五']);
  const confirmed = await d.click(buttonValue(again.card.data, '仍然安排'), ADMIN_OPEN_ID, undefined, ctxB);
  expect(confirmed.toast).toEqual({ type: 'success', content: `已保存 ${B} 的专家团队：张三、王五` });
  expect(JSON.parse((await row(2)).team_experts).map((e: any) => e.name)).toEqual(['张三', '王五']);
  expect((await teamEvents()).pop().reason).toBe(`张三、王五；与 ${A} 时间重叠，管理员确认仍然安排`);

  // Once 包头市's activity is cancelled, 张三 is free on those days: no question asked.
  const [cancelled] = await d.ask(`取消 ${A} 场地无法落实`, { senderOpenId: ADMIN_OPEN_ID, ...ADMIN_P2P });
  expect(cancelled.content.text).toContain('已取消活动');
  const cleared = await d.click({ action: 'team.save', id: 2, v: (await row(2)).version, from: 'detail' }, ADMIN_OPEN_ID, { experts: [], note: '' }, ADMIN_P2P);
  expect(cleared.toast.content).toBe(`已撤销 ${B} 的专家安排`);
  const free = await d.click({ action: 'team.save', id: 2, v: (await row(2)).version, from: 'detail' }, ADMIN_OPEN_ID, { experts: [String(expertId['张三'])], note: '' }, ADMIN_P2P);
  expect(free.toast.type).toBe('success');
});

it('is changed from the detail card with the form pre-filled; an expert can be removed', async () => {
  await assign(approvedCard[A].card, { chatId: CENTRE_CHAT, messageId: approvedCard[A].messageId }, ['张三', '李四'], '中心派车接站');
  const [detail] = await d.ask(`查询 ${A}`, { senderOpenId: ADMIN_OPEN_ID, ...ADMIN_P2P });
  const opened = await d.click(buttonValue(detail.content, '调整专家团队'), ADMIN_OPEN_ID, undefined, { ...ADMIN_P2P, messageId: detail.messageId });
  expect(multiSelect(opened.card.data).selected_values).toEqual([String(expertId['张三']), String(expertId['李四'])]);
  expect(nodesOf(opened.card.data).find((n) => n.tag === 'input' && n.name === 'note').default_value).toBe('中心派车接站');

  // 筛选 keeps what was chosen and typed, and offers the matching experts.
  const filtered = await d.click(buttonValue(opened.card.data, '筛选'), ADMIN_OPEN_ID, { filter: '农业', experts: [String(expertId['张三'])], note: '中心派车接站' }, ADMIN_P2P);
  expect(multiSelect(filtered.card.data).options.map((o: any) => o.value)).toEqual([String(expertId['张三']), String(expertId['王五'])]);
  expect(multiSelect(filtered.card.data).selected_values).toEqual([String(expertId['张三'])]);

  const saved = await d.click(buttonValue(filtered.card.data, '保存专家安排'), ADMIN_OPEN_ID, { experts: [String(expertId['张三'])], note: '中心派车接站' }, ADMIN_P2P);
  expect(saved.toast.type).toBe('success');
  expect(visibleText(saved.card.data)).toContain('专家团队：张三（行程：中心派车接站）');
  await h.fake.waitFor(() => d.toUser(BAOTOU_FILER).some((m) => visibleText(m.content).includes('调整了本次活动的专家团队')), 'the filer told of the change');
  // The review card in the centre's group follows.
  await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === approvedCard[A].messageId && visibleText(p.content).includes('专家团队：张三（')), 'the review card updated');

  // The card the admin saw before the change is stale now: saving from it changes nothing.
  const stale = await d.click(buttonValue(opened.card.data, '保存专家安排'), ADMIN_OPEN_ID, { experts: [String(expertId['李四'])], note: '' }, ADMIN_P2P);
  expect(stale.toast.type).toBe('warning');
  expect(JSON.parse((await row(1)).team_experts).map((e: any) => e.name)).toEqual(['张三']);
});

it('is refused to anybody but an admin, with nothing stored', async () => {
  const before = await row(1);
  const asFiler = await d.click({ action: 'team.save', id: 1, v: before.version, from: 'review' }, BAOTOU_FILER, { experts: [String(expertId['张三'])], note: '' }, { chatId: CENTRE_CHAT });
  expect(asFiler.toast).toEqual({ type: 'error', content: '只有科创服务中心的管理员可以安排专家团队。' });
  expect(await row(1)).toEqual(before);
});

it('sends 活动提醒 to the centre’s group 3 days and 1 day before, with the team and the venue; 近期活动 there shows the teams', async () => {
  await assign(approvedCard[A].card, { chatId: CENTRE_CHAT, messageId: approvedCard[A].messageId }, ['张三'], '6 月 9 日出发');

  const [upcoming] = await d.ask('近期活动', { chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: ADMIN_OPEN_ID });
  expect(visibleText(upcoming.content)).toMatch(new RegExp(`${A}[^\\n]*\\n\\s*专家团队：张三`));
  expect(visibleText(upcoming.content)).toMatch(new RegExp(`${B}[^\\n]*\\n\\s*专家团队：尚未安排`));
  // A 盟市's group sees its activities without the centre's planning.
  const [regional] = await d.ask('近期活动', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: BAOTOU_FILER });
  expect(visibleText(regional.content)).toContain(A);
  expect(visibleText(regional.content)).not.toContain('专家团队');

  const centreReminders = () => d.toChat(CENTRE_CHAT).filter((m) => visibleText(m.content).includes('活动提醒'));
  await job('06-07');
  await h.fake.waitFor(() => centreReminders().length === 1, 'the centre’s 3-day reminder');
  const first = visibleText(centreReminders()[0].content);
  for (const expected of ['活动提醒 · 3 天后开始 · 包头市', A, '包头稀土高新区创新中心报告厅', '专家团队：张三（行程：6 月 9 日出发）']) expect(first).toContain(expected);

  // 赤峰市's activity (11 June) has no team yet: its reminder says so, with the button to assign one.
  await job('06-08');
  await h.fake.waitFor(() => centreReminders().length === 2, 'the 3-day reminder of 赤峰市’s activity');
  const second = centreReminders()[1];
  expect(visibleText(second.content)).toContain('专家团队：尚未安排');
  expect(hasButton(second.content, '安排专家')).toBe(true);

  // The team changes after the first reminder: the 1-day reminder shows the new one.
  const fromReminder = await assign(second.content, { chatId: CENTRE_CHAT, messageId: second.messageId }, ['李四']);
  expect(fromReminder.toast.type).toBe('success');
  expect(visibleText(fromReminder.card.data)).toContain('专家团队：李四');
  await job('06-09');
  await h.fake.waitFor(() => centreReminders().length === 3, 'the centre’s 1-day reminder');
  expect(visibleText(centreReminders()[2].content)).toContain('活动提醒 · 明天开始 · 包头市');
  await job('06-10');
  await h.fake.waitFor(() => centreReminders().length === 4, 'the 1-day reminder of 赤峰市’s activity');
  expect(visibleText(centreReminders()[3].content)).toContain('专家团队：李四');
  // The 盟市 groups still get their own reminders, without the team form.
  expect(d.toChat(BAOTOU_CHAT).filter((m) => visibleText(m.content).includes('活动提醒'))).toHaveLength(2);
}, 120_000);

it('warns the admin who agrees to a 改期 that moves the team onto another booking of one of its experts', async () => {
  await assign(approvedCard[A].card, { chatId: CENTRE_CHAT, messageId: approvedCard[A].messageId }, ['张三']);
  const C = `SQ${YEAR}-0003`;
  await fileAndApprove(BAOTOU_FILER, C, { start_date: `${YEAR}-07-01 +0800`, end_date: `${YEAR}-07-01 +0800` });
  expect((await assign(approvedCard[C].card, { chatId: CENTRE_CHAT, messageId: approvedCard[C].messageId }, ['张三'])).toast.type).toBe('success');

  // 包头市 moves its July activity to 11 June, when 张三 is at SQ…-0001.
  const asked = await d.click({ action: 'application.change_submit', id: 3, v: (await row(3)).version }, BAOTOU_FILER, { start_date: `${YEAR}-06-11 +0800`, end_date: `${YEAR}-06-11 +0800`, venue: '包头市科技馆', headcount: '100', note: '提前举办' }, { chatId: `oc_p2p_${BAOTOU_FILER}` });
  expect(asked.toast.type).toBe('success');
  const changeCard = () => d.toChat(CENTRE_CHAT).find((m) => m.msgType === 'interactive' && hasButton(m.content, '同意改期'));
  await h.fake.waitFor(() => changeCard() !== undefined, 'the change review card');
  const agreed = await d.click(buttonValue(changeCard()!.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: changeCard()!.messageId });
  expect(agreed.toast).toEqual({ type: 'warning', content: `已同意改期：${C}。注意：新日期与专家的其他安排重叠：张三 已安排在 ${A}（包头市）。请调整专家团队。` });
});
