import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { DingTalkPlatform } from '../../src/platform/dingtalk/dingtalk-platform';
import { DingTalkOpenApi } from '../../src/platform/dingtalk/openapi';
import { PlatformError } from '../../src/platform/port';
import { FakeDingTalk } from '../helpers/fake-dingtalk';

/** The DingTalk adapter against the fake OpenAPI on loopback: token lifetime and batch sends. */

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
let dt: FakeDingTalk;
let clock: number;

function api(): DingTalkOpenApi {
  return new DingTalkOpenApi({ clientId: dt.clientId, clientSecret: dt.clientSecret, baseUrl: dt.url, timeoutMs: 2000, logger: quiet, now: () => clock });
}

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
  clock = 1_700_000_000_000;
});
afterEach(() => dt.stop());

test('the access token is cached and fetched again 5 minutes before it expires', async () => {
  const client = api();
  expect(await client.accessToken()).toBe('tok_1');
  clock += (7200 - 6 * 60) * 1000;
  expect(await client.accessToken()).toBe('tok_1');
  clock += 2 * 60 * 1000;
  expect(await client.accessToken()).toBe('tok_2');
  expect(dt.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(2);
});

test('concurrent calls share one token request', async () => {
  const client = api();
  const tokens = await Promise.all([client.accessToken(), client.accessToken(), client.accessToken()]);
  expect(new Set(tokens)).toEqual(new Set(['tok_1']));
  expect(dt.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
});

test('wrong credentials are a permanent error naming DingTalk\'s answer, without the secret', async () => {
  const client = new DingTalkOpenApi({ clientId: dt.clientId, clientSecret: 'wrong-secret', baseUrl: dt.url, timeoutMs: 2000, logger: quiet });
  const err = await client.accessToken().catch((e) => e);
  expect(err).toBeInstanceOf(PlatformError);
  expect(err.info.retryable).toBe(false);
  expect(err.message).toContain('invalidClientIdOrSecret');
  expect(err.message).not.toContain('wrong-secret');
});

test('batchSend sends at most 20 staff ids a call and reports throttled and invalid ids', async () => {
  const platform = new DingTalkPlatform({ api: api(), robotCode: 'dingrobot', logger: quiet });
  const ids = Array.from({ length: 45 }, (_, i) => `staff${i}`);
  dt.throttle.set('staff21', 1);
  dt.invalidStaffIds.add('staff44');
  const result = await platform.batchSend(ids, { type: 'text', text: '提醒' });
  const calls = dt.callsTo('/v1.0/robot/oToMessages/batchSend');
  expect(calls.map((c) => c.body.userIds.length)).toEqual([20, 20, 5]);
  expect(calls.flatMap((c) => c.body.userIds)).toEqual(ids);
  expect(calls[0].msgParam).toEqual({ content: '提醒' });
  expect(calls[0].body).toMatchObject({ robotCode: 'dingrobot', msgKey: 'sampleText' });
  expect(result.throttled).toEqual(['staff21']);
  expect(result.invalid).toEqual(['staff44']);
  expect(result.processQueryKeys).toHaveLength(3);
});

test('a card goes to a group as markdown with the token header', async () => {
  const platform = new DingTalkPlatform({ api: api(), robotCode: 'dingrobot', logger: quiet });
  const card = { schema: '2.0', header: { title: { tag: 'plain_text', content: '周报' } }, body: { elements: [{ tag: 'markdown', content: '- 新申请 3' }] } };
  const sent = await platform.sendToChat('cidGroup==', { type: 'card', card });
  const [call] = dt.callsTo('/v1.0/robot/groupMessages/send');
  expect(sent.messageId).toMatch(/^pqk_/);
  expect(call.token).toBe('tok_1');
  expect(call.body).toMatchObject({ robotCode: 'dingrobot', openConversationId: 'cidGroup==', msgKey: 'sampleMarkdown' });
  expect(call.msgParam).toEqual({ title: '周报', text: '### 周报\n\n- 新申请 3' });
});
