import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { botAddedEvent, messageEvent, newId } from '../helpers/events';
import { FAKE_APP_ID } from '../helpers/fake-feishu';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const replies = () => h.fake.delivered.filter((m) => m.kind === 'reply');
const textOf = (m: { content: any }) => String(m.content.text ?? JSON.stringify(m.content));

describe('private chat', () => {
  it('answers 帮助 with a help card listing the commands', async () => {
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    const res = await h.post('/feishu/events', evt);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    await h.fake.waitFor(() => replies().length === 1, 'the help reply');
    const [reply] = replies();
    expect(reply.parentId).toBe(evt.event.message.message_id);
    expect(reply.msgType).toBe('interactive');
    expect(reply.content.schema).toBe('2.0');
    const seen = visibleText(reply.content);
    expect(seen).toContain('帮助');
    // Not an admin: the centre's commands are not offered (see roles.test.ts for an admin's card).
    expect(seen).toContain('申请');
    expect(seen).not.toContain('绑定 <盟市名> / 绑定 中心');
    expect(reply.uuid).toMatch(/^[\w-]{1,50}$/);
  });
});

describe('group chat', () => {
  const groupChat = 'oc_group_chat_baotou_0000000000001';

  it('ignores messages that do not @-mention the bot', async () => {
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatId: groupChat }));
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatId: groupChat, mentionOther: true }));
    // A later private message's reply is the marker that the two before it were handled.
    const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', marker);
    await h.fake.waitFor(() => h.fake.delivered.some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
    expect(h.fake.messageCalls()).toHaveLength(1);
  });

  it('answers when @-mentioned, recognising itself by the open_id from bot info', async () => {
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatId: groupChat, mentionBot: true }));
    await h.fake.waitFor(() => replies().length === 1, 'the help reply');
    expect(h.fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info')).toHaveLength(1);
    expect(visibleText(replies()[0].content)).toContain('本群当前尚未绑定');
  });

  it('lets an admin bind the group to a region, and says so', async () => {
    await h.post('/feishu/events', messageEvent({ text: '绑定 包头市', chatId: groupChat, mentionBot: true, senderOpenId: ADMIN_OPEN_ID }));
    await h.fake.waitFor(() => replies().length === 1, 'the confirmation');
    expect(textOf(replies()[0])).toContain('已将本群绑定为包头市的工作群');
    expect((await h.bot.bindings.find('2e7075328c8f165b', groupChat))?.scope).toBe('包头市');

    // The help card now shows the binding.
    await h.post('/feishu/events', messageEvent({ text: '帮助', chatId: groupChat, mentionBot: true }));
    await h.fake.waitFor(() => replies().length === 2, 'the help card');
    expect(visibleText(replies()[1].content)).toContain('本群当前绑定：**包头市**');
  });

  it('accepts 绑定 中心 and a re-bind, reporting the change', async () => {
    await h.post('/feishu/events', messageEvent({ text: '绑定 赤峰', chatId: groupChat, mentionBot: true, senderOpenId: ADMIN_OPEN_ID }));
    await h.fake.waitFor(() => replies().length === 1, 'first bind');
    await h.post('/feishu/events', messageEvent({ text: '绑定 中心', chatId: groupChat, mentionBot: true, senderOpenId: ADMIN_OPEN_ID }));
    await h.fake.waitFor(() => replies().length === 2, 'second bind');
    expect(textOf(replies()[1])).toContain('已将本群从赤峰市的工作群改绑为科创服务中心工作群');
  });

  it('tells anyone else politely that only the centre can bind, and binds nothing', async () => {
    await h.post('/feishu/events', messageEvent({ text: '绑定 包头市', chatId: groupChat, mentionBot: true }));
    await h.fake.waitFor(() => replies().length === 1, 'the refusal');
    expect(textOf(replies()[0])).toContain('只有科创服务中心的工作人员可以绑定群聊');
    expect(await h.bot.bindings.chatsFor('2e7075328c8f165b', '包头市')).toHaveLength(0);
  });

  it('lists the valid names when the region is unknown, without echoing markup', async () => {
    await h.post('/feishu/events', messageEvent({ text: '绑定 <at user_id="all"></at>', chatId: groupChat, mentionBot: true, senderOpenId: ADMIN_OPEN_ID }));
    await h.fake.waitFor(() => replies().length === 1, 'the answer');
    const text = textOf(replies()[0]);
    expect(text).toContain('没有找到');
    expect(text).toContain('呼和浩特市');
    expect(text).toContain('二连浩特市');
    expect(text).not.toContain('<at');
  });
});

describe('everything else gets an answer, never silence', () => {
  it('answers unknown text with the help card, naming what it did not understand', async () => {
    await h.post('/feishu/events', messageEvent({ text: '明天开会吗 **急**', chatType: 'p2p' }));
    await h.fake.waitFor(() => replies().length === 1, 'the help card');
    const seen = visibleText(replies()[0].content);
    expect(seen).toContain('没有识别「明天开会吗 **急**」');
    // The user's asterisks are shown, not interpreted as bold.
    expect(JSON.stringify(replies()[0].content)).toContain('&#42;&#42;急&#42;&#42;');
  });

  it('explains that 绑定 belongs in a group when used privately', async () => {
    await h.post('/feishu/events', messageEvent({ text: '绑定 包头市', chatType: 'p2p', senderOpenId: ADMIN_OPEN_ID }));
    await h.fake.waitFor(() => replies().length === 1, 'the explanation');
    expect(textOf(replies()[0])).toContain('「绑定」需要在群聊中使用');
  });

  it('answers a non-text message with a hint', async () => {
    await h.post('/feishu/events', messageEvent({ text: '', chatType: 'p2p', messageType: 'audio' }));
    await h.fake.waitFor(() => replies().length === 1, 'the hint');
    expect(textOf(replies()[0])).toContain('目前我只能识别文字指令');
  });

  it('introduces itself when added to a group, with how to bind', async () => {
    const chatId = 'oc_new_group_000000000000000000001';
    await h.post('/feishu/events', botAddedEvent(chatId));
    await h.fake.waitFor(() => h.fake.delivered.length === 1, 'the introduction');
    const [intro] = h.fake.delivered;
    expect(intro).toMatchObject({ kind: 'create', receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive' });
    expect(visibleText(intro.content)).toContain('绑定 包头市');
  });

  it('ignores event types it has no use for, and still acknowledges them', async () => {
    const res = await h.post('/feishu/events', {
      schema: '2.0',
      header: { event_id: newId(''), event_type: 'im.chat.access_event.bot_p2p_chat_entered_v1', token: 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV', tenant_key: 't', app_id: FAKE_APP_ID, create_time: '1' },
      event: { chat_id: 'oc_x' },
    });
    expect(res.status).toBe(200);
    const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
    await h.post('/feishu/events', marker);
    await h.fake.waitFor(() => h.fake.delivered.some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
    expect(h.fake.messageCalls()).toHaveLength(1);
  });
});
