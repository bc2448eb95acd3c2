import { Harness, startHarness } from '../helpers/bot-harness';
import { FakeDingTalk, dingtalkSignHeaders, dingtalkEnv, FAST_STREAM } from '../helpers/fake-dingtalk';
import { dingtalkFixture, GROUP_ID, ROBOT_CODE, robotMessage } from '../helpers/dingtalk-messages';
import { messageEvent } from '../helpers/events';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import type { Command } from '../../handlers/types';
import { waitUntilIdle } from '../helpers/idle';
import { until } from '../helpers/dingtalk-chat';

/**
 * DingTalk, first slice (issue 12): robot messages over Stream and over HTTP callbacks go
 * through the inbox to the same command handlers; answers go out through the outbox on the fake
 * DingTalk's OpenAPI. Everything is asserted on what the fake received.
 */

const ADMIN_STAFF = 'admin0001';
const USER_STAFF = '042000297';
const BATCH = '/v1.0/robot/oToMessages/batchSend';
const GROUP_SEND = '/v1.0/robot/groupMessages/send';

let dt: FakeDingTalk;
let h: Harness | undefined;

const env = (mode: 'stream' | 'http', feishu = false) => dingtalkEnv(dt, { mode, admins: ADMIN_STAFF, ...(feishu ? {} : { withoutFeishu: 'credentials' as const }) });

async function start(mode: 'stream' | 'http', opts: { feishu?: boolean; dbDir?: string } = {}): Promise<Harness> {
  h = await startHarness({ env: env(mode, opts.feishu), dbDir: opts.dbDir, bot: { dingtalkStream: FAST_STREAM } });
  if (mode === 'stream') await dt.waitForSocket();
  return h;
}


/**
 * Waits until the bot has finished what it has (every stored event processed, every queued
 * message sent): "nothing more happened" is asserted after this, not after a fixed sleep.
 */
const settle = () => waitUntilIdle(h!);

function postSigned(body: unknown, headers = dingtalkSignHeaders(dt.clientSecret)) {
  return h!.postRaw('/dingtalk/events', JSON.stringify(body), headers);
}

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await dt.stop();
});

describe('DingTalk over Stream', () => {
  test('opens the gateway on DINGTALK_BASE_URL, answers pings and reports connected', async () => {
    await start('stream');
    expect(dt.gatewayOpens[0]).toMatchObject({
      clientId: dt.clientId,
      clientSecret: dt.clientSecret,
      subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }],
    });
    const ping = dingtalkFixture('stream-system-ping.json');
    const answer = await dt.push(ping.ping);
    expect(answer).toEqual(ping.ping_ack);
    const health = await fetch(`${h!.url}/healthz`).then((r) => r.json() as Promise<any>);
    expect(health.dingtalk).toBe('connected');
  });

  test('帮助 in a private chat: acked as documented, answered by batchSend to the sender', async () => {
    await start('stream');
    const frame = dingtalkFixture('stream-frame-robot-message.json');
    const ack = await dt.pushRobotMessage(robotMessage({ text: '帮助', staffId: USER_STAFF }), frame.downstream.headers.messageId);
    expect(ack.code).toBe(200);
    expect(ack.headers.messageId).toBe(frame.downstream.headers.messageId);
    expect(JSON.parse(ack.data)).toEqual(JSON.parse(frame.upstream_ack.data));

    await until('the help message', () => dt.callsTo(BATCH).length === 1);
    const [call] = dt.callsTo(BATCH);
    expect(call.token).toMatch(/^tok_/);
    expect(call.body).toMatchObject({ robotCode: ROBOT_CODE, userIds: [USER_STAFF], msgKey: 'sampleMarkdown' });
    expect(call.msgParam.title).toBe('企业创新助手 · 使用帮助');
    expect(call.msgParam.text).toContain('查询');
    expect(call.msgParam.text).not.toContain('没有识别');
    expect(dt.callsTo('/v1.0/oauth2/accessToken')[0].body).toEqual({ appKey: dt.clientId, appSecret: dt.clientSecret });
  });

  test('查询 in a group that @-mentions the bot (leading space trimmed) goes to the group', async () => {
    await start('stream');
    await dt.pushRobotMessage(robotMessage({ text: '查询', group: true, staffId: USER_STAFF }));
    await until('the group answer', () => dt.callsTo(GROUP_SEND).length === 1);
    const [call] = dt.callsTo(GROUP_SEND);
    expect(call.body).toMatchObject({ robotCode: ROBOT_CODE, openConversationId: GROUP_ID });
    // The unbound group is told how to bind: the 查询 handler ran, not the help card.
    expect(JSON.stringify(call.msgParam)).toContain('本群尚未绑定盟市或中心');
    expect(dt.callsTo(BATCH)).toHaveLength(0);
  });

  test('查询 in a private chat runs the query for the sender', async () => {
    await start('stream');
    await dt.pushRobotMessage(robotMessage({ text: '查询', staffId: USER_STAFF }));
    await until('the answer', () => dt.callsTo(BATCH).length === 1);
    const [call] = dt.callsTo(BATCH);
    expect(call.body.userIds).toEqual([USER_STAFF]);
    expect(JSON.stringify(call.msgParam)).not.toContain('没有识别');
  });

  test('a duplicate msgId is processed once, also after a restart', async () => {
    await start('stream');
    const dbDir = h!.dbDir;
    const message = robotMessage({ text: '帮助', staffId: USER_STAFF });
    expect((await dt.pushRobotMessage(message)).code).toBe(200);
    expect((await dt.pushRobotMessage(message)).code).toBe(200);
    await until('the answer', () => dt.callsTo(BATCH).length === 1);

    await h!.stopBot();
    const first = h!;
    h = await startHarness({ env: env('stream'), dbDir, bot: { dingtalkStream: FAST_STREAM } });
    await until('a new connection', () => dt.openSockets().length === 1);
    expect((await dt.pushRobotMessage(message)).code).toBe(200);
    await settle();
    expect(dt.callsTo(BATCH)).toHaveLength(1);
    const rows = await h.bot.ds.getRepository(InboundEvent).find();
    expect(rows).toHaveLength(1);
    expect(rows[0].platform).toBe('dingtalk');
    // The first harness's database directory is the one in use: only it removes it.
    await h.close();
    h = first;
  });

  test('a dropped socket reconnects with a new ticket; nothing is lost or doubled', async () => {
    await start('stream');
    const before = robotMessage({ text: '帮助', staffId: USER_STAFF });
    await dt.pushRobotMessage(before);
    await until('the first answer', () => dt.callsTo(BATCH).length === 1);

    dt.dropSockets();
    await until('a reconnect', () => dt.gatewayOpens.length === 2 && dt.openSockets().length === 1);
    const health = await fetch(`${h!.url}/healthz`).then((r) => r.json() as Promise<any>);
    expect(health.dingtalk).toBe('connected');

    // DingTalk may push again what it is not sure arrived: the repeat changes nothing.
    await dt.pushRobotMessage(before);
    await dt.pushRobotMessage(robotMessage({ text: '查询', staffId: USER_STAFF }));
    await until('the second answer', () => dt.callsTo(BATCH).length === 2);
    await settle();
    expect(dt.callsTo(BATCH)).toHaveLength(2);
    expect(h!.logs.join('')).toContain('dingtalk stream: socket closed');
  });

  test('a silent (half-open) connection is given up and replaced', async () => {
    await start('stream');
    dt.silenceSockets();
    await until('a reconnect', () => dt.gatewayOpens.length === 2 && dt.openSockets().length === 1);
    expect(h!.logs.join('')).toContain('dingtalk stream: connection silent; reconnecting');
    await dt.pushRobotMessage(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    await until('the answer', () => dt.callsTo(BATCH).length === 1);
  });

  // The wizards themselves: dingtalk-wizard.test.ts.
  test('申请 on DingTalk starts the application form as a conversation', async () => {
    await start('stream');
    await dt.pushRobotMessage(robotMessage({ text: '申请', staffId: USER_STAFF }));
    await until('the answer', () => dt.callsTo(BATCH).length >= 1);
    const texts = dt.callsTo(BATCH).map((c) => JSON.stringify(c.msgParam));
    expect(texts.join('\n')).toContain('第 1/17 项：活动类别');
  });

  test('报送 privately with no 盟市 known says where to send it', async () => {
    await start('stream');
    await dt.pushRobotMessage(robotMessage({ text: '报送', staffId: USER_STAFF }));
    await until('the answer', () => dt.callsTo(BATCH).length >= 1);
    const texts = dt.callsTo(BATCH).map((c) => JSON.stringify(c.msgParam));
    expect(texts.join('\n')).toContain('请在本盟市的工作群里发送「报送」');
  });

  test('a disconnect frame makes the client reconnect', async () => {
    await start('stream');
    const ping = dingtalkFixture('stream-system-ping.json');
    const ws = await dt.waitForSocket();
    ws.send(JSON.stringify(ping.disconnect));
    await until('a reconnect', () => dt.gatewayOpens.length === 2 && dt.openSockets().length === 1);
    await dt.pushRobotMessage(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    await until('the answer', () => dt.callsTo(BATCH).length === 1);
  });
});

describe('DingTalk over HTTP callbacks', () => {
  test('the documented group fixture verifies as signed (sign recomputed with its clock)', async () => {
    const { verifyDingTalkCallback } = await import('../../src/platform/dingtalk/verify');
    for (const name of ['http-callback-group-at-text.json', 'http-callback-p2p-text.json']) {
      const f = dingtalkFixture(name);
      expect(verifyDingTalkCallback(f.headers.timestamp, f.headers.sign, f._test.appSecret, f._test.now)).toEqual({ ok: true });
    }
  });

  test('帮助 privately and 查询 in a group, answered 200 at once and processed afterwards', async () => {
    await start('http');
    const p2p = await postSigned(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    expect(p2p).toEqual({ status: 200, body: {} });
    const group = await postSigned(robotMessage({ text: '查询', group: true, staffId: USER_STAFF }));
    expect(group.status).toBe(200);
    await until('both answers', () => dt.callsTo(BATCH).length === 1 && dt.callsTo(GROUP_SEND).length === 1);
    expect(dt.callsTo(BATCH)[0].msgParam.title).toBe('企业创新助手 · 使用帮助');
    expect(JSON.stringify(dt.callsTo(GROUP_SEND)[0].msgParam)).toContain('本群尚未绑定盟市或中心');
    const health = await fetch(`${h!.url}/healthz`).then((r) => r.json() as Promise<any>);
    expect(health.dingtalk).toBe('http');
  });

  test('a bad signature (403) and a stale timestamp (401) are refused and store nothing', async () => {
    await start('http');
    const message = robotMessage({ text: '帮助', staffId: USER_STAFF });
    const forged = await postSigned(message, dingtalkSignHeaders('not-the-secret'));
    expect(forged.status).toBe(403);
    const stale = await postSigned(message, dingtalkSignHeaders(dt.clientSecret, Date.now() - 3_600_000 - 60_000));
    expect(stale.status).toBe(401);
    const unsigned = await h!.postRaw('/dingtalk/events', JSON.stringify(message));
    expect(unsigned.status).toBe(401);
    await settle();
    expect(await h!.bot.ds.getRepository(InboundEvent).count()).toBe(0);
    expect(await h!.bot.ds.getRepository(OutboxMessage).count()).toBe(0);
    expect(dt.callsTo(BATCH)).toHaveLength(0);
  });

  test('a replayed callback (same msgId) is processed once', async () => {
    await start('http');
    const message = robotMessage({ text: '帮助', staffId: USER_STAFF });
    expect((await postSigned(message)).status).toBe(200);
    expect((await postSigned(message)).status).toBe(200);
    await until('the answer', () => dt.callsTo(BATCH).length === 1);
    await settle();
    expect(dt.callsTo(BATCH)).toHaveLength(1);
  });

  test('a throttled batch send (flowControlledStaffIdList) is retried and then delivered', async () => {
    await start('http');
    dt.throttle.set(USER_STAFF, 1);
    await postSigned(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    await until('the retried send', () => dt.callsTo(BATCH).length === 2, 15_000);
    const calls = dt.callsTo(BATCH);
    expect(calls.map((c) => c.body.userIds)).toEqual([[USER_STAFF], [USER_STAFF]]);
    await until('the row marked sent', async () => (await h!.bot.ds.getRepository(OutboxMessage).findOneBy({ platform: 'dingtalk' }))?.status === 'sent');
  }, 20_000);

  test('an invalid staff id is a permanent failure, recorded on the outbox row', async () => {
    await start('http');
    dt.invalidStaffIds.add(USER_STAFF);
    await postSigned(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    await until('the row marked failed', async () => (await h!.bot.ds.getRepository(OutboxMessage).findOneBy({ platform: 'dingtalk' }))?.status === 'failed');
    const row = await h!.bot.ds.getRepository(OutboxMessage).findOneByOrFail({ platform: 'dingtalk' });
    expect(row.lastError).toContain('invalidStaffIdList');
    expect(dt.callsTo(BATCH)).toHaveLength(1);
  });

  test('an expired access token is replaced once and the send goes through', async () => {
    await start('http');
    await postSigned(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    await until('the first answer', () => dt.callsTo(BATCH).length === 1);
    dt.expireTokens();
    await postSigned(robotMessage({ text: '查询', group: true, staffId: USER_STAFF }));
    await until('the group answer', () => dt.callsTo(GROUP_SEND).length === 2);
    const [refused, accepted] = dt.callsTo(GROUP_SEND);
    expect(refused.token).toBe('tok_1');
    expect(accepted.token).toBe('tok_2');
    expect(dt.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(2);
  });
});

describe('Feishu and DingTalk together', () => {
  test('each message is answered on the platform it came from', async () => {
    await start('http', { feishu: true });
    await postSigned(robotMessage({ text: '帮助', staffId: USER_STAFF }));
    const evt = messageEvent({ chatType: 'p2p', text: '帮助' });
    expect((await h!.post('/feishu/events', evt)).status).toBe(200);
    await until('both answers', () => dt.callsTo(BATCH).length === 1 && h!.fake.messageCalls().length >= 1);
    const rows = await h!.bot.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
    expect(rows.map((r) => r.platform).sort()).toEqual(['dingtalk', 'feishu']);
    const feishuRow = rows.find((r) => r.platform === 'feishu')!;
    expect(feishuRow.target).toBe(evt.event.message.message_id);
    const health = await fetch(`${h!.url}/healthz`).then((r) => r.json() as Promise<any>);
    expect(health).toMatchObject({ platform: 'feishu+dingtalk', dingtalk: 'http' });
  });
});

describe('inside a transaction (deps.atomically)', () => {
  /**
   * A command that queues its answers inside a transaction, as the decision commands do: the
   * transaction's messenger must keep DingTalk's routing (not outbox.within(tx)'s Feishu default),
   * and its admins must be DINGTALK_ADMIN_STAFF_IDS.
   */
  const inTransaction: Command = {
    word: '事务测试',
    usage: '事务测试',
    description: 'test only',
    async run(ctx) {
      const { tenantKey, messageId, chatId, senderOpenId } = ctx.message;
      await ctx.deps.atomically(async (tx) => {
        await tx.messenger.reply({ tenantKey, key: `tx-test:${messageId}:reply` }, messageId, chatId, { type: 'text', text: '事务内的回复' });
        const admin = tx.admins.has(senderOpenId) ? '管理员' : '非管理员';
        await tx.messenger.sendToUser({ tenantKey, key: `tx-test:${messageId}:private` }, senderOpenId, { type: 'text', text: `事务内的私信：${admin}` });
      });
    },
  };

  test('messages queued in the transaction go out on DingTalk, and DingTalk admins are admins there', async () => {
    h = await startHarness({ env: env('http', true), bot: { dingtalkCommands: [inTransaction] } });
    expect((await postSigned(robotMessage({ text: '事务测试', group: true, staffId: ADMIN_STAFF }))).status).toBe(200);
    await until('both messages', () => dt.callsTo(GROUP_SEND).length === 1 && dt.callsTo(BATCH).length === 1);
    expect(dt.callsTo(GROUP_SEND)[0].body).toMatchObject({ openConversationId: GROUP_ID });
    expect(JSON.stringify(dt.callsTo(GROUP_SEND)[0].msgParam)).toContain('事务内的回复');
    expect(dt.callsTo(BATCH)[0].body.userIds).toEqual([ADMIN_STAFF]);
    expect(JSON.stringify(dt.callsTo(BATCH)[0].msgParam)).toContain('事务内的私信：管理员');
    const rows = await h.bot.ds.getRepository(OutboxMessage).find();
    expect(rows.map((r) => r.platform)).toEqual(['dingtalk', 'dingtalk']);
    expect(h.fake.messageCalls()).toHaveLength(0);
  });
});
