import { FeishuPlatform } from '../../src/platform/feishu/feishu-platform';
import { CODE_INVALID_PARAM, CODE_TOKEN_INVALID, FakeFeishu } from '../helpers/fake-feishu';
import { Harness, startHarness } from '../helpers/bot-harness';
import { Driver } from '../helpers/application-driver';
import { platformFor, refusal, SMALLEST_CARD } from '../helpers/sdk-platform';

/**
 * The fake Open API refuses what Feishu refuses (so a bot that sent it would fail its tests), and
 * its token expires. Driven through the real SDK client.
 */

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


it.each([
  ['a receive_id that is not of its type', () => platform.sendToChat('ou_not_a_chat', { type: 'text', text: 'x' }, 'k1'), 'is not a chat_id'],
  ['an empty text', () => platform.sendToChat('oc_1', { type: 'text', text: '  ' }, 'k2'), 'non-empty `text`'],
  ['a uuid over 50 characters', () => platform.sendToChat('oc_1', { type: 'text', text: 'x' }, 'u'.repeat(51)), 'uuid'],
  ['a card that is not JSON 2.0', () => platform.sendToChat('oc_1', { type: 'card', card: { ...CARD, schema: '1.0' } }, 'k3'), 'card checks'],
  ['a card over 30 KB', () => platform.sendToChat('oc_1', { type: 'card', card: { ...CARD, body: { elements: [{ tag: 'markdown', content: '字'.repeat(11_000) }] } } }, 'k4'), 'card checks'],
  ['a card without update_multi', () => platform.sendToUser('ou_1', { type: 'card', card: { ...CARD, config: {} } }, 'k5'), 'card checks'],
  ['a form nested in a form', () => platform.sendToUser('ou_1', { type: 'card', card: { ...CARD, body: { elements: [{ tag: 'form', name: 'f', elements: [{ tag: 'form', name: 'g', elements: [] }] }] } } }, 'k6'), 'card checks'],
  ['an image message without an image key', () => platform.sendToChat('oc_1', { type: 'image', imageKey: 'nope' }, 'k7'), 'image_key'],
  ['a PATCH of a message the bot never sent', () => platform.updateCard('om_never_sent', CARD), 'did not send'],
  ['an upload without a file name', () => platform.uploadFile(Buffer.from('x'), ''), 'file_name'],
  ['an empty upload', () => platform.uploadImage(Buffer.alloc(0)), 'missing or empty'],
])('refuses %s with Feishu’s parameter error and records it', async (_what, call, reason) => {
  const err = await refusal(call());
  expect(err.info.code).toBe(CODE_INVALID_PARAM);
  expect(err.info.retryable).toBe(false);
  expect(fake.violations).toHaveLength(1);
  expect(fake.violations[0]).toContain(reason);
  expect(fake.delivered).toHaveLength(0);
});

it('refuses a PATCH of a text message: only cards can be updated', async () => {
  const sent = await platform.sendToChat('oc_1', { type: 'text', text: '你好' }, 'k');
  await refusal(platform.updateCard(sent.messageId, CARD));
  expect(fake.violations[0]).toContain("PATCH of a 'text' message");
});

it('honours a token only until it expires, and the SDK fetches a new one in time', async () => {
  fake.tokenExpireSeconds = 181; // the SDK keeps it 3 minutes less: 1 s
  await platform.sendToChat('oc_1', { type: 'text', text: '一' }, 'k1');
  await new Promise((r) => setTimeout(r, 1100));
  await platform.sendToChat('oc_1', { type: 'text', text: '二' }, 'k2');
  const used = fake.messageCalls().map((c) => c.headers.authorization);
  expect(fake.tokens).toHaveLength(2);
  expect(used).toEqual(fake.tokens.map((t) => `Bearer ${t.token}`));

  // An expired token is refused.
  fake.tokens[0].expiresAt = Date.now() - 1;
  const res = await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.tokens[0].token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ receive_id: 'oc_1', msg_type: 'text', content: JSON.stringify({ text: 'x' }) }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { code: number }).code).toBe(CODE_TOKEN_INVALID);
  expect(fake.violations).toEqual(['POST /open-apis/im/v1/messages: an expired tenant_access_token']);
  fake.violations.length = 0;
});

it('delivers a repeated uuid again when a test switches its uuid dedup off', async () => {
  await platform.sendToChat('oc_1', { type: 'text', text: '一次' }, 'same');
  await platform.sendToChat('oc_1', { type: 'text', text: '一次' }, 'same');
  expect(fake.delivered).toHaveLength(1);
  fake.dedupByUuid = false;
  await platform.sendToChat('oc_1', { type: 'text', text: '一次' }, 'same');
  expect(fake.delivered).toHaveLength(2);
});

describe('the running bot', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('refreshes its token while it works (the harness announces 181 s, so the SDK keeps one for 1 s)', async () => {
    h = await startHarness();
    const d = new Driver(h);
    await d.ask('帮助', { senderOpenId: 'ou_token_user_1' });
    await new Promise((r) => setTimeout(r, 1100));
    await d.ask('帮助', { senderOpenId: 'ou_token_user_1' });
    expect(h.fake.tokens.length).toBeGreaterThanOrEqual(2);
    const last = h.fake.messageCalls().pop()!;
    expect(last.headers.authorization).not.toBe(`Bearer ${h.fake.tokens[0].token}`);
  });
});
