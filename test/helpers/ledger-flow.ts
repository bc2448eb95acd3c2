import { DateTime } from 'luxon';
import { ADMIN_OPEN_ID, type Harness, type HarnessOptions, startHarness } from './bot-harness';
import { visibleText } from './card-text';
import { buttonValue, Driver, hasButton, YEAR } from './application-driver';
import { runJob } from './job-process';

/**
 * The centre's year as people make it, for the figure tests (exports, 通报, year-end) and the
 * others that start from the centre's bound groups: files, approves, holds and summarises
 * applications; files and matches needs. Everything through the HTTP surface and the job command.
 */

export const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
export const BAOTOU_CHAT = 'oc_baotou_group_000000000000000000001';
export const CHIFENG_CHAT = 'oc_chifeng_group_00000000000000000001';
export const BAOTOU_FILER = 'ou_filer_baotou_00000000000000000001';
export const CHIFENG_FILER = 'ou_filer_chifeng_0000000000000000001';
/** A member of staff who is not an admin, and somebody else again (for the role checks). */
export const STAFF = 'ou_staff_not_admin_00000000000000001';
export const OTHER = 'ou_other_person_0000000000000000001';
/** Where a message is sent from: `who`'s private chat, or a group as `who`. */
export const P2P = (who: string) => ({ senderOpenId: who, chatId: `oc_p2p_${who}` });
export const IN = (chatId: string, who: string) => ({ senderOpenId: who, chatId, chatType: 'group' as const });

/** Binds the centre's, 包头市's and 赤峰市's groups (these chat ids unless others are given). */
export async function bindCentreGroups(d: Driver, chats: { centre: string; baotou: string; chifeng: string } = { centre: CENTRE_CHAT, baotou: BAOTOU_CHAT, chifeng: CHIFENG_CHAT }): Promise<void> {
  await d.bindAll({ [chats.centre]: '中心', [chats.baotou]: '包头市', [chats.chifeng]: '赤峰市' });
}

/**
 * The bot of the campaign year with the centre's, 包头市's and 赤峰市's groups bound; `opts`
 * add to the harness options (a clock, settings), CAMPAIGN_YEAR is always the tests' YEAR.
 */
export async function startCentre(opts: HarnessOptions = {}, chats?: Parameters<typeof bindCentreGroups>[1]): Promise<{ h: Harness; d: Driver }> {
  const h = await startHarness({ ...opts, env: { CAMPAIGN_YEAR: String(YEAR), ...opts.env } });
  const d = new Driver(h);
  await bindCentreGroups(d, chats);
  return { h, d };
}

/** An hour in Shanghai on a date of the campaign year, as an ISO instant. */
export const shanghai = (monthDay: string, hour = 9, minute = 0) =>
  DateTime.fromISO(`${YEAR}-${monthDay}T00:00`, { zone: 'Asia/Shanghai' }).set({ hour, minute }).toUTC().toISO()!;

export async function job(h: Harness, name: string, now: string, env: Record<string, string> = {}): Promise<string> {
  const out = await runJob(h, [name, '--now', now], env);
  if (out.code !== 0 || out.stderr !== '') throw new Error(`job ${name} exited ${out.code}: ${out.stderr}${out.stdout}`);
  return out.stdout;
}

/** Files an application as `filer` and has the admin approve it in the centre's group. */
export async function fileApproved(d: Driver, filer: string, overrides: Record<string, string | string[]> = {}): Promise<void> {
  const review = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
  const before = review().length;
  const filed = await d.file(filer, overrides);
  if (filed.toast?.type !== 'success') throw new Error(`filing failed: ${JSON.stringify(filed.toast)}`);
  await d.h.fake.waitFor(() => review().length > before, 'the review card');
  const card = review()[review().length - 1];
  const answer = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  if (answer.toast?.type !== 'success') throw new Error(`approval failed: ${JSON.stringify(answer.toast)}`);
}

/** Files the summary on the latest 活动评估总结 card the filer got. */
export async function summarise(d: Driver, filer: string, figures: { headcount: number; core: number; enterprises: number; keyIndustry: number }): Promise<void> {
  const cards = d.toUser(filer).filter((m) => hasButton(m.content, '提交总结') && visibleText(m.content).includes('活动评估总结'));
  const submit = buttonValue(cards[cards.length - 1].content, '提交总结');
  const answer = await d.click(submit, filer, {
    actual_headcount: String(figures.headcount),
    actual_core_count: String(figures.core),
    actual_enterprise_count: String(figures.enterprises),
    actual_key_industry_count: String(figures.keyIndustry),
    satisfaction: '5',
    outcomes: '解决了两项工艺难题',
    followup_needs: '',
  });
  if (answer.toast?.type !== 'success') throw new Error(`summary failed: ${JSON.stringify(answer.toast)}`);
}

export const goodNeed = (over: Record<string, string> = {}) => ({
  enterprise_name: '包头稀土永磁科技有限公司',
  region: '包头市',
  industry: 'rare-earth',
  need_type: '技术难题',
  description: '烧结钕铁硼磁体的晶界扩散工艺一致性不足，希望专家指导',
  contact_name: '李工',
  mobile: '139 0013 9000',
  ...over,
});

export async function fileNeed(d: Driver, filer: string, over: Record<string, string> = {}): Promise<void> {
  const [form] = await d.ask('需求', { senderOpenId: filer, chatId: `oc_p2p_${filer}` });
  const answer = await d.click(buttonValue(form.content, '提交需求'), filer, goodNeed(over));
  if (answer.toast?.type !== 'success') throw new Error(`need failed: ${JSON.stringify(answer.toast)}`);
}

/** Adds an expert by card and matches the need with it (the centre's 对接 → 确认对接). */
export async function matchNeed(d: Driver, needCode: string, expert = { name: '王磊', organisation: '内蒙古科技大学' }): Promise<void> {
  const [form] = await d.ask('专家 添加', { senderOpenId: ADMIN_OPEN_ID });
  await d.click(buttonValue(form.content, '添加专家'), ADMIN_OPEN_ID, { ...expert, fields: ['rare-earth'], contact: '13700001234', open_id: '' });
  const [card] = await d.ask(`查询 ${needCode}`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const choose = await d.click(buttonValue(card.content, '对接'), ADMIN_OPEN_ID, { note: '' }, { chatId: 'oc_p2p_admin', messageId: card.messageId });
  const [row] = await d.h.bot.ds.query('SELECT id FROM experts WHERE name = ?', [expert.name]);
  const matched = await d.click(buttonValue(choose.card.data, '确认对接'), ADMIN_OPEN_ID, { expert: String(row.id), note: '下周二电话联系' }, { chatId: 'oc_p2p_admin', messageId: card.messageId });
  if (matched.toast?.type !== 'success') throw new Error(`match failed: ${JSON.stringify(matched.toast)}`);
}

/** Replies to a message that are files, and those that are texts. */
export function filesIn(d: Driver, messageId: string) {
  return d.repliesTo(messageId).filter((m) => m.msgType === 'file');
}
export function textsIn(d: Driver, messageId: string): string[] {
  return d.repliesTo(messageId).filter((m) => m.msgType === 'text').map((m) => String(m.content.text));
}

/** Publishes a report task to these 盟市 (deadline five days from the real today, 17:00 Shanghai). */
export async function publishTask(d: Driver, regions: string[], title = '年度落实情况报告'): Promise<void> {
  const deadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 5 }).toFormat('yyyy-MM-dd 17:00');
  const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
  const answer = await d.click(buttonValue(form.content, '发布报送任务'), ADMIN_OPEN_ID, {
    title,
    description: '请报送本盟市企业创新能力提升行动落实情况',
    deadline: `${deadline} +0800`,
    regions,
    expects: 'text',
  }, { chatId: 'oc_p2p_admin', messageId: form.messageId });
  if (answer.toast?.type !== 'success') throw new Error(`publishing failed: ${JSON.stringify(answer.toast)}`);
}

/** Submits the latest task in a 盟市's group as `staff`. */
export async function submitTask(d: Driver, chatId: string, staff: string, text = '已完成全部任务'): Promise<void> {
  await d.h.fake.waitFor(() => d.toChat(chatId).some((m) => hasButton(m.content, '提交')), 'the task in the group');
  const card = d.toChat(chatId).filter((m) => hasButton(m.content, '提交')).pop()!;
  const formsBefore = d.toUser(staff).filter((m) => hasButton(m.content, '提交')).length;
  await d.click(buttonValue(card.content, '提交'), staff, undefined, { chatId, messageId: card.messageId });
  await d.h.fake.waitFor(() => d.toUser(staff).filter((m) => hasButton(m.content, '提交')).length > formsBefore, 'the private form');
  const form = d.toUser(staff).filter((m) => hasButton(m.content, '提交')).pop()!;
  const answer = await d.click(buttonValue(form.content, '提交'), staff, { text });
  if (answer.toast?.type !== 'success') throw new Error(`submission failed: ${JSON.stringify(answer.toast)}`);
}
