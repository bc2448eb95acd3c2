import ExcelJS from 'exceljs';
import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, nodesOf, YEAR } from '../helpers/application-driver';
import { messageEvent } from '../helpers/events';
import { BAOTOU_CHAT, CENTRE_CHAT, CHIFENG_CHAT, goodNeed, OTHER, startCentre } from '../helpers/ledger-flow';

/**
 * Enterprise needs and experts as people use them, through the HTTP surface on the fake Open API:
 * an enterprise files a need, the centre matches it in two clicks, both sides are told, status
 * is visible to those allowed, and an expert list imported from a spreadsheet works.
 */

const ENTERPRISE = 'ou_enterprise_000000000000000000001';
const EXPERT_OPEN_ID = 'ou_expert_wang_000000000000000000001';

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

async function fileNeed(filer = ENTERPRISE, over: Record<string, string> = {}) {
  const [form] = await d.ask('需求', { senderOpenId: filer, chatId: `oc_p2p_${filer}` });
  return d.click(buttonValue(form.content, '提交需求'), filer, goodNeed(over));
}

/** Sends a file as an admin in the private chat, with the bytes the fake will serve for it. */
async function sendSheet(name: string, bytes: Buffer, sender = ADMIN_OPEN_ID) {
  const key = `file_v3_${name.replace(/\W/g, '_')}`;
  h.fake.resources.set(key, bytes);
  const evt = messageEvent({ text: '', chatType: 'p2p', chatId: `oc_p2p_${sender}`, senderOpenId: sender, messageType: 'file' });
  evt.event.message.content = JSON.stringify({ file_key: key, file_name: name });
  await h.post('/feishu/events', evt);
  await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the import answer');
  return d.repliesTo(evt.event.message.message_id)[0];
}

const CSV = '姓名,单位,领域,联系方式,open_id\n王磊,内蒙古科技大学,稀土、新材料,13800138000,ou_expert_wang_000000000000000000001\n赵敏,包头市农科院,种业,zhaomin@example.com,\n';

describe('filing a need', () => {
  it('opens the form with the contract fields, returns a bad one with values kept, and files a good one with a code', async () => {
    const [form] = await d.ask('需求', { senderOpenId: ENTERPRISE });
    const names = nodesOf(form.content).filter((n) => n.name).map((n) => n.name);
    for (const f of ['enterprise_name', 'region', 'industry', 'need_type', 'description', 'contact_name', 'mobile']) expect(names).toContain(f);
    const submit = buttonValue(form.content, '提交需求');

    const bad = await d.click(submit, ENTERPRISE, goodNeed({ description: '太短', mobile: '12' }));
    expect(bad.toast).toEqual({ type: 'warning', content: '有 2 项需要修改，请查看表单中的红色提示' });
    expect(nodesOf(bad.card.data).find((n) => n.name === 'enterprise_name').default_value).toBe('包头稀土永磁科技有限公司');
    expect(nodesOf(bad.card.data).find((n) => n.name === 'industry').initial_option).toBe('rare-earth');
    expect(visibleText(bad.card.data)).toContain('需求描述太简短');

    const good = await d.click(submit, ENTERPRISE, goodNeed());
    expect(good.toast).toEqual({ type: 'success', content: `已提交，编号 XQ${YEAR}-0001` });
    expect(visibleText(good.card.data)).toContain('待对接');
    // A second click on the same form files nothing new.
    const again = await d.click(submit, ENTERPRISE, goodNeed());
    expect(again.toast.content).toBe(`这份需求已经提交，编号 XQ${YEAR}-0001。`);
    expect(await h.bot.ds.query('SELECT count(*) AS n FROM needs')).toEqual([{ n: 1 }]);

    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => visibleText(m.content).includes(`XQ${YEAR}-0001`)), 'the centre’s card');
    const centre = d.toChat(CENTRE_CHAT).find((m) => visibleText(m.content).includes(`XQ${YEAR}-0001`))!;
    expect(hasButton(centre.content, '对接')).toBe(true);
    expect(await h.bot.ds.query('SELECT action, to_status FROM need_events')).toEqual([{ action: 'file', to_status: '待对接' }]);
  });
});

describe('experts and matching', () => {
  it('imports an expert list from CSV and from Excel, reporting bad rows, and lists experts by field', async () => {
    const csv = await sendSheet('专家名单.csv', Buffer.from(CSV + '钱多,,航天,123,\n'));
    const text = visibleText(csv.content);
    expect(text).toContain('专家名单.csv');
    expect(text).toContain('第 4 行');
    expect(await h.bot.ds.query('SELECT name, open_id FROM experts ORDER BY name')).toEqual([
      { name: '王磊', open_id: EXPERT_OPEN_ID },
      { name: '赵敏', open_id: null },
    ]);

    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('专家');
    sheet.addRow(['姓名', '工作单位', '专业领域', '电话']);
    sheet.addRow(['孙强', '内蒙古大学', '数字经济', '13900001111']);
    sheet.addRow(['王磊', '内蒙古科技大学', '稀土', '13800138000']);
    const xlsx = await sendSheet('专家.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    expect(visibleText(xlsx.content)).toMatch(/1/);
    expect(await h.bot.ds.query('SELECT count(*) AS n FROM experts')).toEqual([{ n: 3 }]);

    const [all] = await d.ask('专家', { senderOpenId: ADMIN_OPEN_ID });
    expect(visibleText(all.content)).toContain('孙强');
    const [rareEarth] = await d.ask('专家 稀土', { senderOpenId: ADMIN_OPEN_ID });
    expect(visibleText(rareEarth.content)).toContain('王磊');
    expect(visibleText(rareEarth.content)).not.toContain('孙强');
    const [refused] = await d.ask('专家', { senderOpenId: OTHER });
    expect(refused.content.text).toContain('只有科创服务中心的管理员');
  });

  it('adds an expert by card, checking the values on the server', async () => {
    const [form] = await d.ask('专家 添加', { senderOpenId: ADMIN_OPEN_ID });
    const submit = buttonValue(form.content, '添加专家');
    const bad = await d.click(submit, ADMIN_OPEN_ID, { name: '周敏', organisation: '', fields: [], contact: '12', open_id: 'xyz' });
    expect(bad.toast.type).toBe('warning');
    expect(nodesOf(bad.card.data).find((n) => n.name === 'name').default_value).toBe('周敏');
    const good = await d.click(submit, ADMIN_OPEN_ID, { name: '周敏', organisation: '内蒙古工业大学', fields: ['equipment'], contact: '13700001234', open_id: '' });
    expect(good.toast).toEqual({ type: 'success', content: '已添加专家 周敏' });
    const stranger = await d.click(submit, OTHER, { name: '假专家', organisation: 'x', fields: ['other'], contact: '13700001234' });
    expect(stranger.toast.type).toBe('error');
    expect(await h.bot.ds.query('SELECT name FROM experts')).toEqual([{ name: '周敏' }]);
  });

  it('matches a need in two clicks; the enterprise and the expert are told; then follow-up and resolution', async () => {
    await sendSheet('experts.csv', Buffer.from(CSV));
    await fileNeed();
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => hasButton(m.content, '对接')), 'the centre’s card');
    const centre = d.toChat(CENTRE_CHAT).find((m) => hasButton(m.content, '对接'))!;

    // A non-admin cannot.
    const refused = await d.click(buttonValue(centre.content, '对接'), OTHER, { note: '' });
    expect(refused.toast).toEqual({ type: 'error', content: '只有科创服务中心的管理员可以处理企业需求。' });

    // Click 1: 对接 shows experts of the need's field first.
    const choose = await d.click(buttonValue(centre.content, '对接'), ADMIN_OPEN_ID, { note: '' }, { chatId: CENTRE_CHAT, messageId: centre.messageId });
    const select = nodesOf(choose.card.data).find((n) => n.name === 'expert');
    expect(select.options[0].text.content).toContain('王磊');
    // Click 2: 确认对接.
    const [wang] = await h.bot.ds.query("SELECT id FROM experts WHERE name = '王磊'");
    const matched = await d.click(buttonValue(choose.card.data, '确认对接'), ADMIN_OPEN_ID, { expert: String(wang.id), note: '王老师下周二电话联系' }, { chatId: 'oc_p2p_admin', messageId: 'om_admins_private_copy' });
    // Clicked elsewhere (an admin's own copy): the centre group's card is updated in place.
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === centre.messageId && visibleText(p.content).includes('王磊')), 'the centre’s card updated');
    expect(matched.toast).toEqual({ type: 'success', content: `已对接：XQ${YEAR}-0001 → 王磊` });
    expect(visibleText(matched.card.data)).toContain('已对接');

    await h.fake.waitFor(() => d.toUser(ENTERPRISE).length === 1 && d.toUser(EXPERT_OPEN_ID).length === 1, 'both told');
    expect(visibleText(d.toUser(ENTERPRISE)[0].content)).toContain('王磊');
    expect(visibleText(d.toUser(ENTERPRISE)[0].content)).toContain('王老师下周二电话联系');
    const forExpert = visibleText(d.toUser(EXPERT_OPEN_ID)[0].content);
    expect(forExpert).toContain('晶界扩散');
    expect(forExpert).toContain('13900139000');

    // A second admin on the stale card changes nothing.
    const stale = await d.click(buttonValue(choose.card.data, '确认对接'), 'ou_admin_0000000000000000000000001', { expert: String(wang.id), note: '' });
    expect(stale.toast.type).toBe('warning');

    // 开始跟进 needs a note; then 标记已解决.
    const followButton = buttonValue(matched.card.data, '开始跟进');
    const noNote = await d.click(followButton, ADMIN_OPEN_ID, { note: ' ' });
    expect(noNote.toast.content).toBe('请填写开始跟进的说明');
    const following = await d.click(followButton, ADMIN_OPEN_ID, { note: '已上门调研' });
    expect(visibleText(following.card.data)).toContain('跟进中');
    const resolved = await d.click(buttonValue(following.card.data, '标记已解决'), ADMIN_OPEN_ID, { note: '工艺参数已调整' });
    expect(visibleText(resolved.card.data)).toContain('已解决');
    expect((await h.bot.ds.query('SELECT action FROM need_events ORDER BY id')).map((r: { action: string }) => r.action)).toEqual(['file', 'match', 'follow', 'resolve']);
    await h.fake.waitFor(() => d.toUser(ENTERPRISE).length === 3, 'the enterprise told of each step');
  });
});

describe('who sees a need', () => {
  beforeEach(async () => {
    await fileNeed();
    await fileNeed(OTHER, { enterprise_name: '赤峰乳业有限公司', region: '赤峰市', industry: 'dairy-agri', need_type: '人才' });
  });

  it('shows 查询 XQ… to its filer, admins and its region’s and the centre’s groups only', async () => {
    const code = `XQ${YEAR}-0001`;
    expect(visibleText((await d.ask(`查询 ${code}`, { senderOpenId: ENTERPRISE }))[0].content)).toContain('包头稀土永磁科技有限公司');
    expect(visibleText((await d.ask(`查询 ${code}`, { senderOpenId: ADMIN_OPEN_ID }))[0].content)).toContain('待对接');
    expect((await d.ask(`查询 ${code}`, { senderOpenId: OTHER }))[0].content.text).toContain('没有找到您可以查看的需求');
    expect(visibleText((await d.ask(`查询 ${code}`, { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: OTHER }))[0].content)).toContain('待对接');
    expect((await d.ask(`查询 ${code}`, { chatType: 'group', chatId: CHIFENG_CHAT, senderOpenId: ADMIN_OPEN_ID }))[0].content.text).toContain('没有找到');
    expect(visibleText((await d.ask(`查询 ${code}`, { chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: OTHER }))[0].content)).toContain('待对接');
  });

  it('lists needs by scope (需求列表)', async () => {
    const admin = visibleText((await d.ask('需求列表', { senderOpenId: ADMIN_OPEN_ID }))[0].content);
    expect(admin).toContain(`XQ${YEAR}-0001`);
    expect(admin).toContain(`XQ${YEAR}-0002`);
    const mine = visibleText((await d.ask('需求列表', { senderOpenId: ENTERPRISE }))[0].content);
    expect(mine).toContain(`XQ${YEAR}-0001`);
    expect(mine).not.toContain('赤峰乳业有限公司');
    const chifeng = visibleText((await d.ask('需求列表', { chatType: 'group', chatId: CHIFENG_CHAT, senderOpenId: ENTERPRISE }))[0].content);
    expect(chifeng).toContain(`XQ${YEAR}-0002`);
    expect(chifeng).not.toContain('包头稀土永磁科技有限公司');
  });

  it('links a need to an application of the same region; the application’s cards list it', async () => {
    await d.file(ENTERPRISE);
    // The review card must have been sent (it has a message id) before a link can update it.
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => hasButton(m.content, '通过')), 'the review card sent');
    const [linked] = await d.ask(`关联 XQ${YEAR}-0001 SQ${YEAR}-0001`, { senderOpenId: ADMIN_OPEN_ID });
    expect(linked.content.text).toContain('已把需求');
    const [wrongRegion] = await d.ask(`关联 XQ${YEAR}-0002 SQ${YEAR}-0001`, { senderOpenId: ADMIN_OPEN_ID });
    expect(wrongRegion.content.text).toContain('只能关联同一盟市');
    const [detail] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: ENTERPRISE });
    expect(visibleText(detail.content)).toContain('关联的企业需求');
    expect(visibleText(detail.content)).toContain(`XQ${YEAR}-0001`);
    const review = d.toChat(CENTRE_CHAT).find((m) => hasButton(m.content, '通过'))!;
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === review.messageId && visibleText(p.content).includes(`XQ${YEAR}-0001`)), 'the review card updated');
  });
});
