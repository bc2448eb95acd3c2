import { Expert } from '../../src/db/entities/expert.entity';
import { ExpertService } from '../../src/services/expert-service';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, nodesOf, YEAR } from '../helpers/application-driver';
import { FIXTURE_TENANT, seedSeason, Season } from '../helpers/season';

/**
 * An admin deletes an expert's personal data on request, through the cards: 查看 on the expert
 * list, 删除 on the expert's card, then 确认删除. Admins only (checked on the server at each step); a replayed confirmation
 * changes nothing; an expert that needs name is emptied, and those needs read（已删除的专家）.
 */

const STRANGER = 'ou_not_an_admin_000000000000000001';

let h: Harness;
let d: Driver;
let season: Season;
let unmatched: Expert;
let matched: Expert;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  season = await seedSeason(h.bot.ds, YEAR);
  const experts = new ExpertService(h.bot.ds);
  unmatched = (await experts.upsert(FIXTURE_TENANT, { name: '赵专家', organisation: '内蒙古工业大学', fields: ['energy'], contact: 'zhao@example.com', openId: null }, ADMIN_OPEN_ID)).expert;
  matched = (await experts.list(FIXTURE_TENANT)).find((e) => e.name === '王专家')!;
});
afterEach(async () => {
  await h.close();
});

const expertRows = () => h.bot.ds.query('SELECT id, name, organisation, contact, open_id, fields, deleted_at FROM experts ORDER BY id');

/** The expert list as the admin gets it, and the ids its 查看 buttons open. */
async function list() {
  const [reply] = await d.ask('专家', { senderOpenId: ADMIN_OPEN_ID });
  const views = nodesOf(reply.content).filter((n) => n.tag === 'button' && n.text?.content === '查看').map((b) => b.behaviors[0].value);
  return { card: reply.content, views };
}

/** 查看 on the list, then the expert's card: its 删除 button's value. */
async function deleteButtonOf(expert: Expert): Promise<Record<string, any>> {
  const view = (await list()).views.find((v: any) => v.id === expert.id);
  const opened = await d.click(view, ADMIN_OPEN_ID);
  expect(visibleText(opened.card.data)).toContain(`**姓名**：${expert.name}`);
  return buttonValue(opened.card.data, '删除');
}

it('asks to confirm, then removes an expert no need names; a replayed confirmation changes nothing', async () => {
  // In pinyin order: 王 (wang) before 赵 (zhao).
  expect((await list()).views).toEqual([
    { action: 'expert.view', id: matched.id, page: 0 },
    { action: 'expert.view', id: unmatched.id, page: 0 },
  ]);
  const del = await deleteButtonOf(unmatched);
  const ask = await d.click(del, ADMIN_OPEN_ID);
  const confirmCard = ask.card.data;
  expect(visibleText(confirmCard)).toContain('确定要删除专家 **赵专家**（内蒙古工业大学）的个人信息吗？');
  expect(await expertRows()).toHaveLength(2);

  const confirm = buttonValue(confirmCard, '确认删除');
  const done = await d.click(confirm, ADMIN_OPEN_ID);
  expect(done.toast).toEqual({ type: 'success', content: '已删除专家 赵专家 的个人信息' });
  expect(visibleText(done.card.data)).toContain('专家的个人信息已从专家库中删除');
  expect((await expertRows()).map((e: any) => e.name)).toEqual(['王专家']);

  const replay = await d.click(confirm, ADMIN_OPEN_ID);
  expect(replay.toast).toEqual({ type: 'info', content: '这位专家的信息已经删除，无需再次操作。' });
  expect((await expertRows()).map((e: any) => e.name)).toEqual(['王专家']);
  expect(visibleText((await list()).card)).not.toContain('赵专家');
});

it('empties an expert that needs name; the need still reads, as（已删除的专家）', async () => {
  const ask = await d.click(await deleteButtonOf(matched), ADMIN_OPEN_ID);
  expect(visibleText(ask.card.data)).toContain('TA 对接过 **1** 项企业需求');
  const done = await d.click(buttonValue(ask.card.data, '确认删除'), ADMIN_OPEN_ID);
  expect(done.toast.type).toBe('success');
  expect(visibleText(done.card.data)).toContain('1 项企业需求中显示为「（已删除的专家）」');
  const [row] = (await expertRows()).filter((e: any) => e.id === matched.id);
  expect(row).toMatchObject({ name: '（已删除的专家）', contact: '', open_id: null, fields: '[]' });
  expect(row.deleted_at).not.toBeNull();

  const [need] = await d.ask(`查询 ${season.needCodes[0]}`, { senderOpenId: ADMIN_OPEN_ID });
  const text = visibleText(need.content);
  expect(text).toContain('**对接专家**：（已删除的专家）');
  expect(text).not.toContain('王专家');
  expect(text).not.toContain('13900139000');
  expect(text).toContain('企业 1');
  expect(visibleText((await list()).card)).not.toContain('已删除的专家');
});

it('refuses anyone but an admin at each step, and changes nothing', async () => {
  const del = await deleteButtonOf(unmatched);
  const asked = await d.click(del, STRANGER);
  expect(asked.toast).toEqual({ type: 'error', content: '只有科创服务中心的管理员可以删除专家信息。' });
  expect(asked.card).toBeUndefined();
  const ask = await d.click(del, ADMIN_OPEN_ID);
  const confirm = buttonValue(ask.card.data, '确认删除');
  const refused = await d.click(confirm, STRANGER);
  expect(refused.toast).toEqual({ type: 'error', content: '只有科创服务中心的管理员可以删除专家信息。' });
  expect(await expertRows()).toHaveLength(2);
  // A stranger who forges a value with the right version is refused just the same.
  expect((await d.click({ action: 'expert.delete_confirm', id: unmatched.id, v: unmatched.updatedAt }, STRANGER)).toast.type).toBe('error');
  expect(await expertRows()).toHaveLength(2);
  // 取消 leaves it alone.
  const cancelled = await d.click(buttonValue(ask.card.data, '取消'), ADMIN_OPEN_ID);
  expect(visibleText(cancelled.card.data)).toContain('已取消，专家信息没有改动。');
  expect(await expertRows()).toHaveLength(2);
});

it('changes nothing when the expert changed after the confirmation was shown, or when none was chosen', async () => {
  expect((await d.click({ action: 'expert.delete' }, ADMIN_OPEN_ID, {})).toast).toEqual({ type: 'warning', content: '请先选择要删除的专家。' });
  const ask = await d.click(await deleteButtonOf(unmatched), ADMIN_OPEN_ID);
  await h.bot.ds.query(`UPDATE experts SET contact = 'zhao-new@example.com', updated_at = updated_at + 1 WHERE id = ${unmatched.id}`);
  const stale = await d.click(buttonValue(ask.card.data, '确认删除'), ADMIN_OPEN_ID);
  expect(stale.toast.type).toBe('warning');
  expect(await expertRows()).toHaveLength(2);
});
