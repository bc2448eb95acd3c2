import { FeishuPlatform } from '../../src/platform/feishu/feishu-platform';
import { PlatformError } from '../../src/platform/port';
import { Harness, startHarness } from '../helpers/bot-harness';
import { FAKE_BOT_OPEN_ID, FAKE_TOKEN, FakeFeishu } from '../helpers/fake-feishu';
import { platformFor, SMALLEST_CARD } from '../helpers/sdk-platform';

/** The platform port's operations, through the real SDK client, as the fake Open API receives them. */

const CARD = SMALLEST_CARD;

let fake: FakeFeishu;
let platform: FeishuPlatform;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  platform = platformFor(fake);
});
afterEach(async () => {
  await fake.stop();
});

it('fetches one tenant token and uses it for every call', async () => {
  await platform.sendToChat('oc_1', { type: 'text', text: '你好' }, 'k1');
  await platform.sendToUser('ou_1', { type: 'text', text: '你好' }, 'k2');
  expect(fake.calls.filter((c) => c.path === '/open-apis/auth/v3/tenant_access_token/internal')).toHaveLength(1);
  for (const call of fake.messageCalls()) expect(call.headers.authorization).toBe(`Bearer ${fake.tokens[0].token}`);
  expect(fake.tokens[0].token.startsWith(FAKE_TOKEN)).toBe(true);
});

it('sends to a chat by chat_id and to a person by open_id, with the uuid', async () => {
  const a = await platform.sendToChat('oc_chat', { type: 'text', text: '群消息' }, 'key-a');
  const b = await platform.sendToUser('ou_person', { type: 'card', card: CARD }, 'key-b');
  expect(a.messageId).toMatch(/^om_/);
  expect(fake.delivered[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_chat', msgType: 'text', content: { text: '群消息' }, uuid: 'key-a' });
  expect(fake.delivered[1]).toMatchObject({ receiveIdType: 'open_id', receiveId: 'ou_person', msgType: 'interactive', uuid: 'key-b' });
  expect(b.messageId).toBe(fake.delivered[1].messageId);
});

it('updates a card in place with PATCH', async () => {
  const sent = await platform.sendToChat('oc_chat', { type: 'card', card: CARD }, 'key-card');
  const card = { ...CARD, body: { elements: [{ tag: 'markdown', content: '已通过' }] } };
  await platform.updateCard(sent.messageId, card);
  expect(fake.patches).toEqual([{ messageId: sent.messageId, content: card }]);
});

it('uploads an image and a file as multipart and returns their keys', async () => {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  const imageKey = await platform.uploadImage(png);
  const fileKey = await platform.uploadFile(Buffer.from('%PDF-1.4 stamped form'), '申请表（盖章）.pdf');
  expect(imageKey).toMatch(/^img_v2_/);
  expect(fileKey).toMatch(/^file_v3_/);
  const [imageCall, fileCall] = fake.calls.filter((c) => c.path === '/open-apis/im/v1/images' || c.path === '/open-apis/im/v1/files');
  expect(String(imageCall.headers['content-type'])).toContain('multipart/form-data');
  expect(imageCall.rawBody.toString('latin1')).toContain('name="image_type"');
  expect(fileCall.rawBody.toString('utf8')).toContain('name="file_type"\r\n\r\npdf');
  expect(fileCall.rawBody.toString('utf8')).toContain('申请表（盖章）.pdf');
});

it("learns the bot's own open_id from bot info, once", async () => {
  expect((await platform.botIdentity()).openId).toBe(FAKE_BOT_OPEN_ID);
  await platform.botIdentity();
  expect(fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info')).toHaveLength(1);
});

it('reports a rejected app secret as a token error, retried so an operator can fix the secret', async () => {
  fake.appSecret = 'rotated';
  const err = await platform.sendToChat('oc_1', { type: 'text', text: 'x' }, 'k').catch((e) => e);
  expect(err).toBeInstanceOf(PlatformError);
  expect(err.message).toContain('token');
  expect(err.info.retryable).toBe(true);
  expect(fake.delivered).toHaveLength(0);
});

describe('through the outbox', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('queues a card update and a private message and delivers both', async () => {
    h = await startHarness();
    await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'review-1' }, 'oc_centre', { type: 'card', card: CARD });
    await h.fake.waitFor(() => h.fake.delivered.length === 1, 'the review card');
    const reviewCard = h.fake.delivered[0].messageId;
    await h.bot.outbox.updateCard({ tenantKey: 't', key: 'update-1' }, reviewCard, CARD);
    await h.bot.outbox.sendToUser({ tenantKey: 't', key: 'dm-1' }, 'ou_filer', { type: 'text', text: '您的申请已通过' });
    await h.fake.waitFor(() => h.fake.patches.length === 1 && h.fake.delivered.length === 2, 'both operations');
    expect(h.fake.patches[0].messageId).toBe(reviewCard);
    expect(h.fake.delivered[1]).toMatchObject({ receiveIdType: 'open_id', receiveId: 'ou_filer' });
  });

  it('queues a message once however often the same work enqueues it', async () => {
    h = await startHarness();
    for (let i = 0; i < 3; i += 1) await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'same-work' }, 'oc_x', { type: 'text', text: '一次' });
    await h.fake.waitFor(() => h.fake.delivered.length === 1, 'the message');
    // A message queued after them is the marker: once it is out, so would any repeat be (one chat, in order).
    await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'marker' }, 'oc_x', { type: 'text', text: '标记' });
    await h.fake.waitFor(() => h.fake.delivered.length === 2, 'the marker');
    expect(h.fake.messageCalls()).toHaveLength(2);
  });
});

it('downloads a file a user sent, byte for byte, and reports a missing one as a permanent error', async () => {
  const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10, 0x20]);
  fake.resources.set('file_v3_sheet', bytes);
  const got = await platform.downloadResource('om_message_1', 'file_v3_sheet', 'file');
  expect(got.equals(bytes)).toBe(true);
  const call = fake.calls.find((c) => c.path.startsWith('/open-apis/im/v1/messages/om_message_1/resources/'))!;
  expect(call.path).toBe('/open-apis/im/v1/messages/om_message_1/resources/file_v3_sheet');
  expect(call.query).toEqual({ type: 'file' });
  const missing = await platform.downloadResource('om_message_1', 'file_v3_gone', 'file').catch((e) => e);
  expect(missing).toBeInstanceOf(PlatformError);
  expect(missing.info.retryable).toBe(false);
});

it('forwards a message to a chat or a person, with the uuid', async () => {
  const res = await platform.sendToChat('oc_centre', { type: 'forward', messageId: 'om_user_file' }, 'fwd-key');
  const call = fake.calls.find((c) => c.path === '/open-apis/im/v1/messages/om_user_file/forward')!;
  expect(call.method).toBe('POST');
  expect(call.query).toEqual({ receive_id_type: 'chat_id', uuid: 'fwd-key' });
  expect(call.body).toEqual({ receive_id: 'oc_centre' });
  expect(res.messageId).toBe(fake.delivered[0].messageId);
  expect(fake.delivered[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_centre', msgType: 'forward', content: { forwardedFrom: 'om_user_file' } });
  const refused = await platform.reply('om_x', { type: 'forward', messageId: 'om_user_file' }, 'k').catch((e) => e);
  expect(refused).toBeInstanceOf(PlatformError);
});
