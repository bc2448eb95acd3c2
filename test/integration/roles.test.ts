import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, YEAR } from '../helpers/application-driver';

/**
 * Who sees what on the help card, the centre's contact, 解绑 and the short 盟市 names, through
 * the HTTP surface on the fake Open API.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const BAOTOU_CHAT = 'oc_baotou_group_000000000000000000001';
const BAOTOU_CHAT_2 = 'oc_baotou_group_000000000000000000002';
const CONTACT = { CENTRE_CONTACT_NAME: '师丽丽', CENTRE_CONTACT_PHONE: '0471-6939381', CENTRE_CONTACT_EMAIL: 'zzqkczx@126.com' };

let h: Harness;
let d: Driver;
/** The cards the filer got privately (the pre-filled 申请表 also comes, as a text and a file). */
const cardsToFiler = () => d.toUser(FILER).filter((m) => m.msgType === 'interactive');

async function start(env: Record<string, string> = {}) {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR), ...env } });
  d = new Driver(h);
}

afterEach(async () => {
  await h.close();
});

const textOf = (reply: { content: any }) => (typeof reply.content?.text === 'string' ? reply.content.text : visibleText(reply.content));

describe('the help card by role', () => {
  it('shows a filer their commands and the contact; an admin every command', async () => {
    await start(CONTACT);
    const [filerHelp] = await d.ask('帮助', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    const filerText = visibleText(filerHelp.content);
    expect(filerText).toContain('申请');
    expect(filerText).not.toContain('绑定 <盟市名>');
    expect(filerText).not.toContain('解绑');
    expect(filerText).not.toContain('限中心管理员');
    expect(filerText).toContain('科创服务中心联系人：师丽丽 · 电话 0471-6939381 · 邮箱 zzqkczx@126.com');

    const [adminHelp] = await d.ask('帮助', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    const adminText = visibleText(adminHelp.content);
    expect(adminText).toContain('绑定 <盟市名>');
    expect(adminText).toContain('解绑');
    expect(adminText).toContain('限中心管理员');
  });

  it('shows no contact line when none is configured', async () => {
    await start();
    const [help] = await d.ask('帮助', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    expect(visibleText(help.content)).not.toContain('联系人：');
  });
});

describe('the contact on returned and rejected applications', () => {
  it('tells a returned filer whom to call, and an approved one nothing of the kind', async () => {
    await start(CONTACT);
    await d.bind(CENTRE_CHAT, '中心');
    await d.file(FILER);
    await d.file(FILER, { org_name: '包头市第二科协' });
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive').length === 2, 'two review cards');
    const [first, second] = d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive');
    await d.click(buttonValue(first.content, '退回修改'), ADMIN_OPEN_ID, { reason: '请补充企业名单' }, { chatId: CENTRE_CHAT, messageId: first.messageId });
    await d.click(buttonValue(second.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: second.messageId });
    await h.fake.waitFor(() => cardsToFiler().length === 2, 'two notices');
    const [returned, approved] = cardsToFiler().map((m) => visibleText(m.content));
    expect(returned).toContain('您的申请被退回修改');
    expect(returned).toContain('科创服务中心联系人：师丽丽 · 电话 0471-6939381 · 邮箱 zzqkczx@126.com');
    expect(approved).toContain('您的申请已通过审核');
    expect(approved).not.toContain('联系人：');
  });
});

describe('解绑', () => {
  beforeEach(async () => {
    await start();
  });

  it('removes the group binding, warns when the 盟市 is left without a group, and stops its messages', async () => {
    await d.bind(BAOTOU_CHAT, '包头');
    await d.bind(BAOTOU_CHAT_2, '包头市');
    const [first] = await d.ask('解绑', { chatType: 'group', chatId: BAOTOU_CHAT_2, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(first)).toBe('已解除本群的绑定，本群不再是包头市的工作群。');
    const [last] = await d.ask('解绑', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(last)).toContain('已解除本群的绑定，本群不再是包头市的工作群。');
    expect(textOf(last)).toContain('注意：包头市现在没有工作群');
    expect(await h.bot.ds.query('SELECT chat_id FROM chat_bindings')).toEqual([]);
    const [again] = await d.ask('解绑', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(again)).toBe('本群尚未绑定盟市或中心，无需解绑。');
  });

  it('warns that review cards go to each admin when the centre loses its group', async () => {
    await d.bind(CENTRE_CHAT, '中心');
    const [reply] = await d.ask('解绑', { chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(reply)).toContain('本群不再是科创服务中心工作群');
    expect(textOf(reply)).toContain('私聊发给每位中心管理员');
  });

  it('refuses a non-admin and a private chat, and changes nothing', async () => {
    await d.bind(BAOTOU_CHAT, '包头市');
    const [refused] = await d.ask('解绑', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: FILER });
    expect(textOf(refused)).toBe('抱歉，只有科创服务中心的工作人员可以解绑群聊。如需解绑本群，请联系中心管理员。');
    const [p2p] = await d.ask('解绑', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    expect(textOf(p2p)).toContain('需要在要解绑的群聊中使用');
    expect(await h.bot.ds.query('SELECT chat_id, scope FROM chat_bindings')).toEqual([{ chat_id: BAOTOU_CHAT, scope: '包头市' }]);
  });
});

describe('short names of the 盟市', () => {
  beforeEach(async () => {
    await start();
  });

  it.each([
    ['呼市', '呼和浩特市'],
    ['鄂市', '鄂尔多斯市'],
    ['锡盟', '锡林郭勒盟'],
    ['巴盟', '巴彦淖尔市'],
    ['阿盟', '阿拉善盟'],
    ['乌盟', '乌兰察布市'],
    ['二连', '二连浩特市'],
  ])('绑定 %s binds %s, and says so without 「」', async (short, full) => {
    const [reply] = await d.ask(`绑定 ${short}`, { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(reply)).toContain(`已将本群绑定为${full}的工作群。`);
    expect(await h.bot.ds.query('SELECT scope FROM chat_bindings')).toEqual([{ scope: full }]);
  });

  it('rebinding from the centre names 科创服务中心', async () => {
    await d.bind(BAOTOU_CHAT, '中心');
    const [reply] = await d.ask('绑定 包头', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: ADMIN_OPEN_ID });
    expect(textOf(reply)).toContain('已将本群从科创服务中心工作群改绑为包头市的工作群。');
  });
});
