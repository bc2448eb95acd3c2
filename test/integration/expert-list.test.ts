import { ExpertService } from '../../src/services/expert-service';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { expectValidCard } from '../helpers/card-checks';
import { buttonValue, Driver, hasButton, nodesOf, YEAR } from '../helpers/application-driver';
import { TENANT_KEY } from '../helpers/events';
import { fileNeed } from '../helpers/ledger-flow';

/**
 * The expert pool as admins use it (issue 11 item 7), through the HTTP surface on the fake Open
 * API: `专家` pages 10 at a time in pinyin order with 上一页 / 下一页, narrowed by field or name;
 * an expert's card has 编辑 (the form filled in, reasons when a check fails) and 删除; the Feishu
 * account is picked with select_person; the 对接 card searches when the pool exceeds its select.
 */

const STRANGER = 'ou_not_an_admin_000000000000000001';
const ENTERPRISE = 'ou_enterprise_000000000000000000001';
const EXPERT_ACCOUNT = 'ou_expert_account_0000000000000001';

/** Surnames in no particular order; their pinyin order is checked against ICU's. */
const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩'];

let h: Harness;
let d: Driver;
let experts: ExpertService;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  experts = new ExpertService(h.bot.ds);
});
afterEach(async () => {
  await h.close();
});

/** `count` experts named <surname><n>, rare-earth for every third, the rest equipment. */
async function seed(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `${SURNAMES[i % SURNAMES.length]}${'一二三四五六七八九十'[Math.floor(i / SURNAMES.length) % 10]}`;
    const fields = i % 3 === 0 ? ['rare-earth'] : ['equipment'];
    await experts.upsert(TENANT_KEY, { name, organisation: `单位${i}`, fields, contact: `1390000${String(i).padStart(4, '0')}`, openId: null }, ADMIN_OPEN_ID);
  }
}

/** The names a list card shows, in order. */
const namesOn = (card: unknown): string[] => [...visibleText(card).matchAll(/\*\*([^*]+)\*\* · /g)].map((m) => m[1]);
const ask = async (text: string, sender = ADMIN_OPEN_ID) => (await d.ask(text, { senderOpenId: sender }))[0];
const expertRows = () => h.bot.ds.query('SELECT id, name, organisation, fields, contact, open_id, updated_at FROM experts ORDER BY id');

describe('专家 as a paged, sorted, filtered list', () => {
  it('pages 10 at a time in pinyin order, with the total, updating the card in place', async () => {
    await seed(25);
    const all = (await expertRows()).map((r: any) => r.name as string);
    const sorted = [...all].sort(new Intl.Collator('zh-CN').compare);
    // Node's full ICU sorts Chinese by pinyin: chen, gao, guo … zhang, zhao, zheng, zhou, zhu.
    expect(sorted.slice(0, 3)).toEqual(['陈一', '高一', '郭一']);
    expect(sorted.slice(-5)).toEqual(['张一', '赵一', '郑一', '周一', '朱一']);

    const first = await ask('专家');
    expect(first.msgType).toBe('interactive');
    expectValidCard(first.content);
    expect(visibleText(first.content)).toContain('共 25 位，第 1/3 页');
    expect(namesOn(first.content)).toEqual(sorted.slice(0, 10));
    expect(hasButton(first.content, '上一页')).toBe(false);

    const second = await d.click(buttonValue(first.content, '下一页'), ADMIN_OPEN_ID);
    expectValidCard(second.card.data);
    expect(visibleText(second.card.data)).toContain('共 25 位，第 2/3 页');
    expect(namesOn(second.card.data)).toEqual(sorted.slice(10, 20));
    const third = await d.click(buttonValue(second.card.data, '下一页'), ADMIN_OPEN_ID);
    expect(namesOn(third.card.data)).toEqual(sorted.slice(20));
    expect(hasButton(third.card.data, '下一页')).toBe(false);
    const back = await d.click(buttonValue(third.card.data, '上一页'), ADMIN_OPEN_ID);
    expect(namesOn(back.card.data)).toEqual(sorted.slice(10, 20));

    // A page past the end (an old card after deletions) shows the last page.
    expect(visibleText((await d.click({ action: 'expert.page', page: 99 }, ADMIN_OPEN_ID)).card.data)).toContain('第 3/3 页');
  });

  it('filters by field or by name, keeping the filter while paging; says when nothing matches', async () => {
    await seed(40);
    const rare = await ask('专家 稀土');
    expect(visibleText(rare.content)).toContain('领域「稀土及新材料」：共 14 位，第 1/2 页');
    const rareNext = await d.click(buttonValue(rare.content, '下一页'), ADMIN_OPEN_ID);
    expect(buttonValue(rare.content, '下一页')).toEqual({ action: 'expert.page', page: 1, field: 'rare-earth' });
    expect(visibleText(rareNext.card.data)).toContain('领域「稀土及新材料」：共 14 位，第 2/2 页');
    expect(namesOn(rareNext.card.data)).toHaveLength(4);

    const zhang = await ask('专家 张');
    expect(visibleText(zhang.content)).toContain('姓名或单位含「张」：共 2 位，第 1/1 页');
    expect(namesOn(zhang.content)).toEqual(['张二', '张一']);

    const none = await ask('专家 欧阳');
    expect(visibleText(none.content)).toContain('没有姓名或单位含「欧阳」的专家');
    expect(visibleText(none.content)).toContain('稀土及新材料');
  });

  it('is for admins only, on the command and on every button', async () => {
    await seed(12);
    const refused = await ask('专家', STRANGER);
    expect(refused.content.text).toBe('抱歉，专家库只有科创服务中心的管理员可以查看和维护。');
    const list = await ask('专家');
    for (const value of [buttonValue(list.content, '下一页'), buttonValue(list.content, '查看')]) {
      const answer = await d.click(value, STRANGER);
      expect(answer.toast).toEqual({ type: 'error', content: '抱歉，专家库只有科创服务中心的管理员可以查看和维护。' });
      expect(answer.card).toBeUndefined();
    }
  });
});

describe("an expert's card: 编辑 and 删除", () => {
  it('edits through the form filled in; a failed check returns the values with reasons; a replay changes nothing', async () => {
    await seed(3);
    const list = await ask('专家 张');
    const opened = await d.click(buttonValue(list.content, '查看'), ADMIN_OPEN_ID);
    expectValidCard(opened.card.data);
    expect(visibleText(opened.card.data)).toContain('**姓名**：张一');
    expect(hasButton(opened.card.data, '删除')).toBe(true);

    const form = await d.click(buttonValue(opened.card.data, '编辑'), ADMIN_OPEN_ID);
    expectValidCard(form.card.data);
    const named = (name: string) => nodesOf(form.card.data).find((n) => n.name === name);
    expect(named('name').default_value).toBe('张一');
    expect(named('organisation').default_value).toBe('单位0');
    expect(named('fields').selected_values).toEqual(['rare-earth']);
    expect(named('contact').default_value).toBe('13900000000');
    expect(named('open_id')).toMatchObject({ tag: 'select_person', name: 'open_id' });
    const save = buttonValue(form.card.data, '保存修改');

    const bad = await d.click(save, ADMIN_OPEN_ID, { name: '张一', organisation: '', fields: ['rare-earth'], contact: '12' });
    expect(bad.toast).toEqual({ type: 'warning', content: '有 2 项需要修改，请查看表单中的红色提示' });
    expectValidCard(bad.card.data);
    expect(nodesOf(bad.card.data).find((n) => n.name === 'name').default_value).toBe('张一');
    expect(visibleText(bad.card.data)).toContain('请填写专家所在单位');
    const before = await expertRows();

    const good = await d.click(save, ADMIN_OPEN_ID, { name: '张 一', organisation: '内蒙古大学', fields: ['rare-earth', 'equipment'], contact: 'zhang@example.com', open_id: EXPERT_ACCOUNT });
    expect(good.toast).toEqual({ type: 'success', content: '已保存专家 张一 的信息' });
    expectValidCard(good.card.data);
    expect(visibleText(good.card.data)).toContain('**飞书账号**：已关联');
    const after = await expertRows();
    const row = after.find((r: any) => r.name === '张一');
    expect(row).toMatchObject({ organisation: '内蒙古大学', contact: 'zhang@example.com', open_id: EXPERT_ACCOUNT, fields: JSON.stringify(['rare-earth', 'equipment']) });
    expect(after.filter((r: any) => r.name !== '张一')).toEqual(before.filter((r: any) => r.name !== '张一'));

    // The same 保存修改 again: already saved, nothing changes.
    const replay = await d.click(save, ADMIN_OPEN_ID, { name: '张一', organisation: '内蒙古大学', fields: ['rare-earth', 'equipment'], contact: 'zhang@example.com', open_id: EXPERT_ACCOUNT });
    expect(replay.toast).toEqual({ type: 'info', content: '这些修改已经保存过了。' });
    expect(await expertRows()).toEqual(after);
    // An older form with other values: refused, the newer values stand.
    const stale = await d.click(save, ADMIN_OPEN_ID, { name: '张一', organisation: '包头职业技术学院', fields: ['equipment'], contact: '13900000000' });
    expect(stale.toast.type).toBe('warning');
    expect(visibleText(stale.card.data)).toContain('**单位**：内蒙古大学');
    expect(await expertRows()).toEqual(after);
  });

  it('keeps, replaces or unlinks the Feishu account; refuses a name and organisation already taken', async () => {
    await seed(2);
    const [zhang, wang] = await expertRows();
    await h.bot.ds.query('UPDATE experts SET open_id = ? WHERE id = ?', [EXPERT_ACCOUNT, zhang.id]);
    const opened = await d.click({ action: 'expert.edit', id: zhang.id, page: 0 }, ADMIN_OPEN_ID);
    expect(nodesOf(opened.card.data).find((n) => n.name === 'feishu').initial_option).toBe('keep');
    const save = buttonValue(opened.card.data, '保存修改');
    expect(save.linked).toBe(EXPERT_ACCOUNT);
    const values = { name: '张一', organisation: '单位0', fields: ['rare-earth'], contact: '13900000000' };

    // Not picking anybody keeps the account.
    const kept = await d.click(save, ADMIN_OPEN_ID, { ...values, contact: '13900000009', feishu: 'keep' });
    expect(kept.toast.type).toBe('success');
    expect((await expertRows())[0]).toMatchObject({ contact: '13900000009', open_id: EXPERT_ACCOUNT });

    // 不再关联 removes it.
    const again = buttonValue((await d.click({ action: 'expert.edit', id: zhang.id, page: 0 }, ADMIN_OPEN_ID)).card.data, '保存修改');
    expect((await d.click(again, ADMIN_OPEN_ID, { ...values, feishu: 'unlink' })).toast.type).toBe('success');
    expect((await expertRows())[0].open_id).toBeNull();

    // Renaming onto another expert's name and organisation is refused, with the reason under 姓名.
    const third = buttonValue((await d.click({ action: 'expert.edit', id: zhang.id, page: 0 }, ADMIN_OPEN_ID)).card.data, '保存修改');
    const clash = await d.click(third, ADMIN_OPEN_ID, { ...values, name: wang.name, organisation: wang.organisation });
    expect(clash.toast.content).toBe(`专家库中已有 ${wang.name}（${wang.organisation}），同一姓名和单位只能登记一次`);
    expect(nodesOf(clash.card.data).find((n) => n.name === 'organisation').default_value).toBe(wang.organisation);
    expect((await expertRows())[0].name).toBe('张一');

    // An admin's edit form clicked by anyone else changes nothing.
    const refused = await d.click(third, STRANGER, { ...values, name: '李四' });
    expect(refused.toast.type).toBe('error');
    expect((await expertRows())[0].name).toBe('张一');
  });

  it('deletes from the card, with a confirmation', async () => {
    await seed(2);
    const opened = await d.click({ action: 'expert.view', id: (await expertRows())[0].id, page: 0 }, ADMIN_OPEN_ID);
    const ask = await d.click(buttonValue(opened.card.data, '删除'), ADMIN_OPEN_ID);
    expect(visibleText(ask.card.data)).toContain('确定要删除专家 **张一**');
    expect(await expertRows()).toHaveLength(2);
    const done = await d.click(buttonValue(ask.card.data, '确认删除'), ADMIN_OPEN_ID);
    expect(done.toast.type).toBe('success');
    expect((await expertRows()).map((r: any) => r.name)).toEqual(['王一']);
    // The old card's 编辑 now says the expert is gone.
    const late = await d.click(buttonValue(opened.card.data, '编辑'), ADMIN_OPEN_ID);
    expect(late.toast.content).toBe('这位专家的信息已经删除。');
  });
});

describe('专家 添加 with the person picker', () => {
  it('offers select_person for the Feishu account and stores the person picked', async () => {
    const form = await ask('专家 添加');
    expectValidCard(form.content);
    expect(nodesOf(form.content).find((n) => n.name === 'open_id')).toMatchObject({ tag: 'select_person', required: false });
    expect(nodesOf(form.content).some((n) => n.tag === 'input' && n.name === 'open_id')).toBe(false);
    const add = buttonValue(form.content, '添加专家');

    // A form that comes back keeps the person picked (in the button), as the picker cannot.
    const bad = await d.click(add, ADMIN_OPEN_ID, { name: '周敏', organisation: '', fields: ['equipment'], contact: '13700001234', open_id: EXPERT_ACCOUNT });
    expect(bad.toast.type).toBe('warning');
    const again = buttonValue(bad.card.data, '添加专家');
    expect(again.linked).toBe(EXPERT_ACCOUNT);
    const good = await d.click(again, ADMIN_OPEN_ID, { name: '周敏', organisation: '内蒙古工业大学', fields: ['equipment'], contact: '13700001234', feishu: 'keep' });
    expect(good.toast).toEqual({ type: 'success', content: '已添加专家 周敏' });
    expectValidCard(good.card.data);
    expect(hasButton(good.card.data, '编辑')).toBe(true);
    expect((await expertRows())[0]).toMatchObject({ name: '周敏', open_id: EXPERT_ACCOUNT });
  });
});

describe('对接 with more than 100 experts', () => {
  async function needAndMatchCard() {
    await fileNeed(d, ENTERPRISE, { mobile: '13900139000' });
    const [need] = await h.bot.ds.query('SELECT id, version FROM needs');
    return (await d.click({ action: 'need.match_open', id: need.id, v: need.version }, ADMIN_OPEN_ID)).card.data;
  }
  const options = (card: unknown) => nodesOf(card).find((n) => n.name === 'expert')?.options ?? [];

  it('lists at most 100 and offers a search that narrows the list; the expert found can be matched', async () => {
    await seed(130);
    await experts.upsert(TENANT_KEY, { name: '邹明', organisation: '内蒙古科技大学', fields: ['equipment'], contact: '13800138000', openId: null }, ADMIN_OPEN_ID);
    const card = await needAndMatchCard();
    expectValidCard(card);
    expect(options(card)).toHaveLength(100);
    expect(visibleText(card)).toContain('专家库共 131 位专家');
    expect(options(card).some((o: any) => o.text.content.startsWith('邹明'))).toBe(false);

    const search = buttonValue(card, '搜索');
    const found = await d.click(search, ADMIN_OPEN_ID, { q: '邹' });
    expectValidCard(found.card.data);
    expect(visibleText(found.card.data)).toContain('搜索「邹」：找到 1 位专家');
    expect(options(found.card.data).map((o: any) => o.text.content)).toEqual(['邹明 · 内蒙古科技大学（其他领域）']);
    expect(nodesOf(found.card.data).find((n) => n.name === 'q').default_value).toBe('邹');

    // By field: the rare-earth experts, and by organisation (单位12, 单位120 … 单位129).
    const byField = await d.click(search, ADMIN_OPEN_ID, { q: '稀土' });
    expect(options(byField.card.data)).toHaveLength(44);
    expect(options((await d.click(search, ADMIN_OPEN_ID, { q: '单位12' })).card.data).length).toBe(11);
    const nothing = await d.click(search, ADMIN_OPEN_ID, { q: '不存在的人' });
    expect(visibleText(nothing.card.data)).toContain('没有姓名、单位或领域含「不存在的人」的专家');
    expect(options(nothing.card.data)).toHaveLength(0);

    // Only admins search.
    expect((await d.click(search, STRANGER, { q: '邹' })).toast.type).toBe('error');

    const ouyang = options(found.card.data)[0].value;
    const matched = await d.click(buttonValue(found.card.data, '确认对接'), ADMIN_OPEN_ID, { expert: ouyang, note: '本周联系' });
    expect(matched.toast.content).toMatch(/^已对接：XQ\d{4}-0001 → 邹明$/);
  });

  it('shows no search box when the select holds every expert', async () => {
    await seed(5);
    const card = await needAndMatchCard();
    expect(hasButton(card, '搜索')).toBe(false);
    expect(options(card)).toHaveLength(5);
  });
});
