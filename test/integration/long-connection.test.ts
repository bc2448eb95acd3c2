import { ADMIN_OPEN_ID, Harness, HarnessOptions, startHarness, TEST_ENCRYPT_KEY, testEnv } from '../helpers/bot-harness';
import { encrypt } from '../helpers/feishu-signer';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, YEAR } from '../helpers/application-driver';
import { CardActionOptions, cardActionEvent, messageEvent, MessageEventOptions } from '../helpers/events';
import { FAKE_APP_ID, FakeFeishu } from '../helpers/fake-feishu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { spawnBot } from '../helpers/bot-process';
import { Ack, FakeFeishuWs, METHOD_DATA } from '../helpers/fake-feishu-ws';

/**
 * FEISHU_EVENT_MODE=long-connection: no HTTP route is configured at Feishu; events and card
 * callbacks arrive over the SDK's WSClient from the fake long-connection endpoint, which speaks
 * the SDK's frame protocol on the fake Open API's address.
 */

/** The SDK accepts only App IDs of this form (FEISHU.md §9). */
const APP_ID = FAKE_APP_ID;
const FILER = 'ou_filer_baotou_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';

/** Drives the bot over the long connection: messages and clicks are frames, answers are acks. */
class WsDriver extends Driver {
  readonly acks: Ack[] = [];

  constructor(h: Harness, readonly ws: FakeFeishuWs) {
    super(h);
  }

  /** As Feishu sends it over the socket: the captured WS event has an empty token. */
  private async send(payload: Record<string, any>): Promise<Ack> {
    payload.header.token = '';
    const ack = await this.ws.push(payload);
    this.acks.push(ack);
    if (ack.code !== 200) throw new Error(`frame answered ${ack.code}`);
    return ack;
  }

  override async say(text: string, opts: Omit<MessageEventOptions, 'text'> = {}): Promise<string> {
    const evt = messageEvent({ chatType: 'p2p', ...opts, text, mentionBot: opts.chatType === 'group' ? true : opts.mentionBot });
    await this.send(evt);
    return evt.event.message.message_id;
  }

  override async click(value: Record<string, unknown>, operator: string, form?: Record<string, unknown>, ctx: CardActionOptions = {}): Promise<any> {
    return (await this.send(cardActionEvent(value, operator, form, ctx))).data;
  }
}

let fake: FakeFeishu;
let ws: FakeFeishuWs;
let h: Harness | undefined;

async function startFakes(): Promise<void> {
  fake = await new FakeFeishu().start();
  fake.appId = APP_ID;
  ws = new FakeFeishuWs(fake);
}

async function startBot(opts: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({
    fake,
    ...opts,
    env: {
      FEISHU_EVENT_MODE: 'long-connection',
      // Only the app's id and secret: no Encrypt Key, no Verification Token.
      FEISHU_ENCRYPT_KEY: undefined,
      FEISHU_VERIFICATION_TOKEN: undefined,
      CAMPAIGN_YEAR: String(YEAR),
      ...opts.env,
    },
  });
  return h;
}

async function healthz(): Promise<any> {
  const res = await fetch(`${h!.url}/healthz`);
  return res.json();
}

const hasLog = (text: string) => h!.logs.some((l) => l.includes(text));

beforeEach(startFakes);

afterEach(async () => {
  await h?.close();
  h = undefined;
  await ws.stop();
  await fake.stop();
});

describe('an application over the long connection', () => {
  it('is filed, reviewed and queried end to end, with no webhook served', async () => {
    await startBot();
    const d = new WsDriver(h!, ws);
    await ws.waitConnected();

    // Discovery was asked with the app's credentials; no webhook route exists to be configured.
    expect(ws.endpointCalls[0].body).toEqual({ AppID: APP_ID, AppSecret: fake.appSecret });
    expect((await h!.postRaw('/feishu/events', '{}')).status).toBe(404);
    expect((await h!.postRaw('/feishu/cards', '{}')).status).toBe(404);
    expect(await healthz()).toEqual({ status: 'ok', database: 'ok', platform: 'feishu', feishu: 'connected' });

    await d.bind(CENTRE_CHAT, '中心');
    const filed = await d.file(FILER);
    expect(filed.toast).toEqual({ type: 'success', content: `已提交，编号 SQ${YEAR}-0001` });
    expect(visibleText(filed.card.data)).toContain('待审核');

    const reviewCards = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive');
    await fake.waitFor(() => reviewCards().length === 1, 'the review card in the centre group');
    const review = reviewCards()[0];
    const approved = await d.click(buttonValue(review.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(approved.toast).toEqual({ type: 'success', content: `已通过：SQ${YEAR}-0001` });
    // The filer's cards (the pre-filled 申请表 also came, as a text and a file).
    const cards = () => d.toUser(FILER).filter((m) => m.msgType === 'interactive');
    await fake.waitFor(() => cards().length === 1, 'the filer’s notice');
    expect(visibleText(cards()[0].content)).toContain('您的申请已通过审核');

    const [detail] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: FILER });
    expect(visibleText(detail.content)).toContain(`SQ${YEAR}-0001`);
    expect(visibleText(detail.content)).toContain('已通过');
    expect(await h!.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '已通过' }]);

    // Every frame was answered on the same frame (same id, the SDK's biz_rt added), with 200.
    expect(d.acks).toHaveLength(5); // 绑定, 申请, 提交申请, 通过, 查询
    for (const ack of d.acks) {
      expect(ack.code).toBe(200);
      expect(ack.frame.method).toBe(METHOD_DATA);
      expect(ack.frame.headers.type).toBe('event');
      expect(ack.frame.headers.biz_rt).toBeDefined();
    }
  });
});

describe('acknowledgement', () => {
  it('records an event before the ack and does the slow work after it', async () => {
    await startBot();
    await ws.waitConnected();
    fake.messageDelayMs = 1500; // the reply to the message is slow
    const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
    const ack = await ws.push(evt);
    expect(ack.code).toBe(200);
    expect(ack.data).toBeUndefined();
    // At the ack: the event is stored, and no reply has gone out yet.
    const rows = await h!.bot.ds.query('SELECT event_type FROM inbound_events WHERE event_id = ?', [evt.header.event_id]);
    expect(rows).toEqual([{ event_type: 'im.message.receive_v1' }]);
    expect(fake.delivered).toHaveLength(0);
    await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply');
  });

  it('processes an event pushed twice (not answered in time, pushed again) once', async () => {
    await startBot();
    await ws.waitConnected();
    const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
    const first = await ws.push(evt, { messageId: 'msg_same_frame' });
    const again = await ws.push(evt, { messageId: 'msg_same_frame' });
    expect([first.code, again.code]).toEqual([200, 200]);
    await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply');
    // The second delivery was recognised before its ack, so nothing can process it later.
    expect(hasLog('repeated delivery ignored')).toBe(true);
    expect(await h!.bot.ds.query('SELECT count(*) AS n FROM inbound_events')).toEqual([{ n: 1 }]);
    expect(fake.delivered.filter((m) => m.parentId === evt.event.message.message_id)).toHaveLength(1);
  });

  it('merges an event split over several frames', async () => {
    await startBot();
    await ws.waitConnected();
    const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
    const ack = await ws.push(evt, { parts: 3 });
    expect(ack.code).toBe(200);
    await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply');
  });

  it('answers a slow card action with the progress toast within Feishu’s 3 s', async () => {
    let finish: () => void = () => undefined;
    await startBot({
      bot: {
        cardActions: {
          'test.slow': async () => {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 10_000);
              finish = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            return { toast: { type: 'success', content: '完成' } };
          },
        },
      },
    });
    await ws.waitConnected();
    const ack = await ws.push(cardActionEvent({ action: 'test.slow' }, FILER), { timeoutMs: 3000 });
    finish();
    expect(ack.code).toBe(200);
    expect(ack.data).toEqual({ toast: { type: 'info', content: '已收到，正在处理，请稍候查看结果。' } });
  });

  it('answers a click on an unknown action with a Chinese error toast', async () => {
    await startBot();
    await ws.waitConnected();
    const ack = await ws.push(cardActionEvent({ action: 'no.such.action' }, FILER));
    expect(ack.data).toEqual({ toast: { type: 'error', content: '这个按钮已失效，请重新发送指令获取新的卡片。' } });
  });
});

describe('payloads', () => {
  it('reads an encrypted payload when an Encrypt Key is configured', async () => {
    await startBot({ env: { FEISHU_ENCRYPT_KEY: TEST_ENCRYPT_KEY } });
    await ws.waitConnected();
    const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
    const ack = await ws.push({ encrypt: encrypt(JSON.stringify(evt), TEST_ENCRYPT_KEY) });
    expect(ack.code).toBe(200);
    await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply');
  });

  it('acknowledges a frame that is no Feishu event and processes nothing', async () => {
    await startBot();
    await ws.waitConnected();
    const ack = await ws.push({ hello: 'world' });
    expect(ack.code).toBe(200);
    expect(await h!.bot.ds.query('SELECT count(*) AS n FROM inbound_events')).toEqual([{ n: 0 }]);
    expect(hasLog('a frame that is not a Feishu event was ignored')).toBe(true);
  });
});

describe('connection state', () => {
  it('shows connecting, then connected, in /healthz and the log; a dropped socket reconnects', async () => {
    ws.holdEndpoint();
    await startBot();
    await fake.waitFor(() => ws.endpointCalls.length === 1, 'endpoint discovery');
    expect(await healthz()).toMatchObject({ status: 'ok', feishu: 'connecting' });
    ws.release();
    await ws.waitConnected();
    await fake.waitFor(() => hasLog('feishu long connection: connected'), 'the connected log line');
    expect((await healthz()).feishu).toBe('connected');

    ws.holdEndpoint();
    ws.drop();
    await fake.waitFor(() => ws.endpointCalls.length === 2, 'discovery again after the drop');
    expect((await healthz()).feishu).toBe('connecting');
    expect(hasLog('feishu long connection: lost, reconnecting')).toBe(true);
    ws.release();
    await ws.waitConnected(2);
    await fake.waitFor(() => hasLog('feishu long connection: reconnected'), 'the reconnected log line');
    expect((await healthz()).feishu).toBe('connected');

    // Events flow over the new socket.
    const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
    expect((await ws.push(evt)).code).toBe(200);
    await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply after reconnecting');
  });

  it('replaces a half-open socket: pings go unanswered, the watchdog reconnects', async () => {
    ws.clientConfig = { ...ws.clientConfig, PingInterval: 1 };
    await startBot({ bot: { longConnection: { pingTimeoutSec: 1 } } });
    const first = await ws.waitConnected();
    ws.silence();
    await ws.waitConnected(2, 10_000);
    // The SDK itself ended the silent socket (nobody closed it on the server side).
    expect(first.readyState).toBe(WebSocket.CLOSED);
    expect(hasLog('no pong/inbound within 1s')).toBe(true);
    // The SDK pinged on the service id it was given.
    expect(ws.pings().every((p) => p.service === ws.serviceId)).toBe(true);
    expect((await healthz()).feishu).toBe('connected');
  });

  it('is disconnected, with a clear log line, when Feishu refuses the credentials', async () => {
    await startBot({ env: { FEISHU_APP_SECRET: 'not-the-secret' } });
    await fake.waitFor(() => hasLog('feishu long connection: gave up'), 'the give-up log line');
    expect(await healthz()).toMatchObject({ status: 'ok', feishu: 'disconnected' });
    expect(ws.sockets).toHaveLength(0);
    expect(h!.logs.join('\n')).not.toContain('not-the-secret');
  });
});

describe('the built bot (npm start)', () => {
  it('connects, answers over the long connection and stops cleanly on SIGTERM', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-ws-'));
    const bot = await spawnBot({
      ...testEnv(fake, dbDir),
      FEISHU_EVENT_MODE: 'long-connection',
      FEISHU_ENCRYPT_KEY: '',
      FEISHU_VERIFICATION_TOKEN: '',
    });
    try {
      await ws.waitConnected();
      await fake.waitFor(async () => ((await (await fetch(`${bot.url}/healthz`)).json()) as any).feishu === 'connected', '/healthz: connected');
      const evt = messageEvent({ chatType: 'p2p', text: '帮助', senderOpenId: FILER });
      expect((await ws.push(evt)).code).toBe(200);
      await fake.waitFor(() => fake.delivered.some((m) => m.parentId === evt.event.message.message_id), 'the reply');
      expect(bot.output.join('')).toContain('"feishuEvents":"long-connection"');
    } finally {
      await bot.stop();
      rmSync(dbDir, { recursive: true, force: true });
    }
    expect(bot.child.exitCode).toBe(0);
  });
});
