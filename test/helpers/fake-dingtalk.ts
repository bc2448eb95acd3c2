import { createHmac, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { dingtalkFixture, ROBOT_CODE } from './dingtalk-messages';

/**
 * A fake DingTalk on 127.0.0.1 (DINGTALK.md §2, §3, and test/fixtures/dingtalk): its OpenAPI
 * (access token, group send, batch send) and its Stream gateway (`/v1.0/gateway/connections/open`
 * hands out `ws://127.0.0.1:<port>/connect` and a single-use ticket). Every OpenAPI call is
 * recorded with its token header and its body (msgParam parsed) for assertions; every frame the
 * client sends back (pings' echoes, acks) is recorded too.
 */

export interface DingTalkCall {
  path: string;
  token: string | undefined;
  body: any;
  /** The body's msgParam, parsed. */
  msgParam?: any;
}

export interface UpFrame {
  code: number;
  headers: { messageId?: string; contentType?: string };
  message: string;
  data: string;
}

export class FakeDingTalk {
  readonly clientId = 'dingtestclient0001';
  readonly clientSecret = 'test-app-secret';
  readonly calls: DingTalkCall[] = [];
  readonly upFrames: UpFrame[] = [];
  readonly gatewayOpens: any[] = [];
  /** Staff ids the next batchSend calls report as throttled, with how many times each. */
  readonly throttle = new Map<string, number>();
  readonly invalidStaffIds = new Set<string>();
  /** Card templates this app may use (DINGTALK_FORM_TEMPLATE_ID); others are refused as DingTalk would. */
  readonly cardTemplates = new Set<string>(['form-card-test-template.schema']);
  /** Form cards delivered, by outTrackId: the createAndDeliver body and the staff id it went to. */
  readonly cards = new Map<string, { body: any; staffId: string }>();
  /** The next this-many createAndDeliver calls answer 503 (DingTalk in trouble). */
  failCards = 0;
  /** Staff ids whose card delivery fails (deliverResults[].success false). */
  readonly undeliverable = new Set<string>();
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly silenced = new Set<WebSocket>();
  private tokens = new Set<string>();
  private tokenCounter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  callsTo(path: string): DingTalkCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Makes every token handed out so far invalid (the next call with one answers 401). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** The currently open Stream sockets. */
  openSockets(): WebSocket[] {
    return [...this.sockets].filter((ws) => ws.readyState === WebSocket.OPEN && !this.silenced.has(ws));
  }

  async waitForSocket(timeoutMs = 5000): Promise<WebSocket> {
    const start = Date.now();
    for (;;) {
      const open = this.openSockets();
      if (open.length) return open[open.length - 1];
      if (Date.now() - start > timeoutMs) throw new Error('no Stream connection was opened');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Pushes a frame on the newest socket; resolves with the client's answer for its messageId. */
  async push(frame: { type: string; headers: Record<string, string>; data: string }, timeoutMs = 5000): Promise<UpFrame> {
    const ws = await this.waitForSocket(timeoutMs);
    ws.send(JSON.stringify({ specVersion: '1.0', ...frame }));
    return this.waitForUp(frame.headers.messageId, timeoutMs);
  }

  /**
   * Pushes a form card's callback as a CALLBACK frame on /v1.0/card/instances/callback
   * (DINGTALK.md §4, test/fixtures/dingtalk/stream-frame-card-callback.json), as `userId`
   * submitting `form` (values by field name as the client sends them); resolves with its ack.
   */
  pushCardCallback(input: { outTrackId: string; userId: string; form: Record<string, unknown>; corpId?: string }, messageId = `card_${randomBytes(6).toString('hex')}`): Promise<UpFrame> {
    const card = this.cards.get(input.outTrackId);
    const current = card ? JSON.parse(card.body.cardData.cardParamMap.form ?? '{}') : { fields: [] };
    const data = {
      ...JSON.parse(dingtalkFixture('stream-frame-card-callback.json').downstream.data),
      outTrackId: input.outTrackId,
      corpId: input.corpId ?? 'dingcorp0001',
      userId: input.userId,
      userIdType: 1,
      spaceType: 'IM_ROBOT',
      spaceId: card?.staffId ?? input.userId,
      extension: '{}',
      content: JSON.stringify({ cardPrivateData: { actionIds: ['submit'], params: { form: input.form, current_form: current } } }),
    };
    return this.push({
      type: 'CALLBACK',
      headers: { appId: 'app-uuid', contentType: 'application/json', messageId, time: String(Date.now()), topic: '/v1.0/card/instances/callback' },
      data: JSON.stringify(data),
    });
  }

  /** Pushes a robot message as a CALLBACK frame (DINGTALK.md §2); resolves with its ack. */
  pushRobotMessage(message: Record<string, unknown>, messageId = `stream_${randomBytes(6).toString('hex')}`): Promise<UpFrame> {
    return this.push({
      type: 'CALLBACK',
      headers: { appId: 'app-uuid', contentType: 'application/json', messageId, time: String(Date.now()), topic: '/v1.0/im/bot/messages/get' },
      data: JSON.stringify(message),
    });
  }

  async waitForUp(messageId: string | undefined, timeoutMs = 5000): Promise<UpFrame> {
    const start = Date.now();
    for (;;) {
      const found = this.upFrames.find((f) => f.headers?.messageId === messageId);
      if (found) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`no answer to frame ${messageId}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Makes every open socket go silent (a half-open connection): nothing is read, no pong is sent. */
  silenceSockets(): void {
    for (const ws of this.sockets) {
      (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
      this.silenced.add(ws);
    }
  }

  /** Drops every Stream socket without a close handshake (a network failure). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    const ticket = url.searchParams.get('ticket') ?? '';
    // A ticket works for one connection only (DINGTALK.md §2).
    if (url.pathname !== '/connect' || !this.tickets.delete(ticket)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('message', (raw) => {
        try {
          this.upFrames.push(JSON.parse(raw.toString('utf8')));
        } catch {
          this.upFrames.push({ code: -1, headers: {}, message: 'unparsable', data: raw.toString('utf8') });
        }
      });
      ws.on('close', () => this.sockets.delete(ws));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: any = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return this.json(res, 400, { code: 'InvalidJson', message: 'body is not JSON' });
    }
    const path = new URL(req.url ?? '/', this.url).pathname;
    const token = req.headers['x-acs-dingtalk-access-token'] as string | undefined;
    const call: DingTalkCall = { path, token, body };
    if (typeof body.msgParam === 'string') call.msgParam = JSON.parse(body.msgParam);
    this.calls.push(call);

    if (req.method !== 'POST') return this.json(res, 405, { code: 'MethodNotAllowed' });
    if (path === '/v1.0/gateway/connections/open') {
      this.gatewayOpens.push(body);
      if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) return this.json(res, 401, { code: 'InvalidAuthentication' });
      const ticket = randomBytes(8).toString('hex');
      this.tickets.add(ticket);
      return this.json(res, 200, { endpoint: `${this.url.replace('http:', 'ws:')}/connect`, ticket });
    }
    if (path === '/v1.0/oauth2/accessToken') {
      if (body.appKey !== this.clientId || body.appSecret !== this.clientSecret) return this.json(res, 400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
      const accessToken = `tok_${++this.tokenCounter}`;
      this.tokens.add(accessToken);
      return this.json(res, 200, { accessToken, expireIn: 7200 });
    }
    if (!token || !this.tokens.has(token)) return this.json(res, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    if (path === '/v1.0/robot/groupMessages/send') {
      if (!body.robotCode || !body.openConversationId || !body.msgKey) return this.json(res, 400, { code: 'MissingParameter' });
      return this.json(res, 200, { processQueryKey: `pqk_g_${this.calls.length}` });
    }
    if (path === '/v1.0/robot/oToMessages/batchSend') {
      const ids: string[] = Array.isArray(body.userIds) ? body.userIds : [];
      if (!body.robotCode || ids.length === 0 || ids.length > 20 || !body.msgKey) return this.json(res, 400, { code: 'InvalidParameter' });
      const flowControlledStaffIdList: string[] = [];
      const invalidStaffIdList: string[] = [];
      for (const id of ids) {
        if (this.invalidStaffIds.has(id)) invalidStaffIdList.push(id);
        const left = this.throttle.get(id) ?? 0;
        if (left > 0) {
          flowControlledStaffIdList.push(id);
          this.throttle.set(id, left - 1);
        }
      }
      return this.json(res, 200, { processQueryKey: `pqk_o_${this.calls.length}`, invalidStaffIdList, flowControlledStaffIdList });
    }
    if (path === '/v1.0/card/instances/createAndDeliver') return this.createAndDeliver(res, body);
    return this.json(res, 404, { code: 'NotFound', message: path });
  }

  /**
   * POST /v1.0/card/instances/createAndDeliver (test/fixtures/dingtalk/openapi-card-createAndDeliver.json):
   * a known template, an outTrackId, STREAM callbacks, a private chat's openSpaceId with its
   * deliver model, and cardParamMap values that are all strings; answers deliverResults.
   */
  private createAndDeliver(res: ServerResponse, body: any): void {
    if (this.failCards > 0) {
      this.failCards -= 1;
      return this.json(res, 503, { code: 'ServiceUnavailable', message: 'busy' });
    }
    const map = body.cardData?.cardParamMap;
    const space = /^dtv1\.card\/\/IM_ROBOT\.([\w-]+)$/.exec(String(body.openSpaceId ?? ''));
    if (typeof body.outTrackId !== 'string' || body.outTrackId === '' || body.outTrackId.length > 64) return this.json(res, 400, { code: 'param.invalid', message: 'outTrackId' });
    if (!map || typeof map !== 'object' || !Object.values(map).every((v) => typeof v === 'string')) return this.json(res, 400, { code: 'param.invalid', message: 'cardParamMap values must be strings' });
    if (body.callbackType !== 'STREAM') return this.json(res, 400, { code: 'param.invalid', message: 'callbackType' });
    if (!space || body.imRobotOpenDeliverModel?.spaceType !== 'IM_ROBOT' || !body.imRobotOpenDeliverModel?.robotCode) return this.json(res, 400, { code: 'param.invalid', message: 'openSpaceId' });
    if (!this.cardTemplates.has(body.cardTemplateId)) return this.json(res, 403, { code: 'Forbidden.AccessDenied.CardTemplate', message: '无权限使用该卡片模板' });
    const staffId = space[1];
    const ok = !this.undeliverable.has(staffId);
    if (ok) this.cards.set(body.outTrackId, { body, staffId });
    return this.json(res, 200, {
      success: true,
      result: { outTrackId: body.outTrackId, deliverResults: [{ spaceType: 'IM_ROBOT', spaceId: staffId, success: ok, carrierId: ok ? `carrier_${this.calls.length}` : '', ...(ok ? {} : { errorMsg: 'user not reachable' }) }] },
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** The `timestamp` and `sign` headers of an HTTP-mode callback (DINGTALK.md §1). */
export function dingtalkSignHeaders(appSecret: string, timestamp = Date.now()): Record<string, string> {
  const ts = String(timestamp);
  return { timestamp: ts, sign: createHmac('sha256', appSecret).update(`${ts}\n${appSecret}`).digest('base64') };
}

/** Stream settings that notice a dropped socket in about a second (the defaults take minutes). */
export const FAST_STREAM = { keepAliveMs: 200, silenceMs: 1000, minBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 2000 };

/**
 * The bot's settings for talking to `dt`: its app, robot and OpenAPI address, the mode and the
 * DingTalk admins. `withoutFeishu` clears Feishu's credentials (a DingTalk-only bot), and with
 * 'and-admins' Feishu's admins too; `extra` adds or overrides settings.
 */
export function dingtalkEnv(
  dt: FakeDingTalk,
  opts: { mode: 'stream' | 'http'; admins: string; withoutFeishu?: 'credentials' | 'and-admins'; extra?: Record<string, string | undefined> },
): Record<string, string | undefined> {
  const noFeishu = { FEISHU_APP_ID: undefined, FEISHU_APP_SECRET: undefined, FEISHU_ENCRYPT_KEY: undefined, FEISHU_VERIFICATION_TOKEN: undefined };
  return {
    DINGTALK_CLIENT_ID: dt.clientId,
    DINGTALK_CLIENT_SECRET: dt.clientSecret,
    DINGTALK_ROBOT_CODE: ROBOT_CODE,
    DINGTALK_MODE: opts.mode,
    DINGTALK_BASE_URL: dt.url,
    DINGTALK_ADMIN_STAFF_IDS: opts.admins,
    ...(opts.withoutFeishu ? noFeishu : {}),
    ...(opts.withoutFeishu === 'and-admins' ? { ADMIN_OPEN_IDS: undefined } : {}),
    ...opts.extra,
  };
}
