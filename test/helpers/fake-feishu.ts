import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Feishu Open API on 127.0.0.1 that behaves like the real one where the bot depends on
 * it: tenant tokens, bot info, message create/reply/patch, uploads, and `uuid` deduplication
 * (a repeated uuid returns the first message and delivers nothing new, FEISHU.md §5.1).
 * Tests script failures and read back exactly what was received.
 */

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  rawBody: Buffer;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface DeliveredMessage {
  messageId: string;
  /** 'create' (to a chat or user) or 'reply'. */
  kind: 'create' | 'reply';
  receiveIdType?: string;
  receiveId?: string;
  /** For replies: the message replied to. */
  parentId?: string;
  msgType: string;
  content: any;
  uuid?: string;
}

export interface ScriptedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Accept and deliver the message, but answer only after this many ms (a lost response). */
  deliverThenDelayMs?: number;
}

export const FAKE_TOKEN = 't-fake-tenant-token-0123456789';
/** The app the fake issues tokens to; the test events name it as their `app_id`. */
// The form the SDK's long connection insists on: cli_ and 16 hex digits.
export const FAKE_APP_ID = 'cli_a1b2c3d4e5f60718';
export const FAKE_BOT_OPEN_ID = 'ou_b6ae052c1064dee6c179d7497fd98c49';

export class FakeFeishu {
  readonly calls: RecordedCall[] = [];
  readonly delivered: DeliveredMessage[] = [];
  readonly patches: Array<{ messageId: string; content: any }> = [];
  /** Files users "sent", by file_key: what GET …/messages/:id/resources/:file_key returns. */
  readonly resources = new Map<string, Buffer>();
  /** Failures for the next message-API calls (create, reply, patch), in order. */
  readonly failures: ScriptedFailure[] = [];
  /** Failures for the next upload calls (images, files), in order. */
  readonly uploadFailures: ScriptedFailure[] = [];
  /** Delay for every message-API answer (the benchmark's slow Open API). */
  messageDelayMs = 0;
  /** Message-API requests being answered right now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  appId = FAKE_APP_ID;
  appSecret = 'test-app-secret-value';
  botOpenId = FAKE_BOT_OPEN_ID;
  /**
   * Routes answered before the token check, by path: the long-connection endpoint discovery
   * (fake-feishu-ws.ts), which the SDK calls on this same base URL.
   */
  readonly extraRoutes = new Map<string, (call: RecordedCall, send: (status: number, payload: unknown) => void) => void | Promise<void>>();
  private readonly byUuid = new Map<string, DeliveredMessage>();
  private counter = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  /** A delay that `stop()` cuts short, so that no timer outlives the test. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeping.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleeping.add(entry);
    });
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  /** The HTTP server, for WebSocket upgrades (fake-feishu-ws.ts). */
  get httpServer(): Server {
    if (!this.server) throw new Error('the fake is not started');
    return this.server;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const entry of this.sleeping) {
      clearTimeout(entry.timer);
      entry.wake();
    }
    this.sleeping.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Calls to the message APIs (not token or bot info). */
  messageCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.path.startsWith('/open-apis/im/v1/messages'));
  }

  /** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
  async waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isJson = String(req.headers['content-type'] ?? '').includes('json');
    let body: any = rawBody.toString('utf8');
    if (isJson && rawBody.length > 0) {
      try {
        body = JSON.parse(body);
      } catch {
        /* leave as text */
      }
    }
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      rawBody,
      at,
    };
    this.calls.push(call);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };

    const extra = this.extraRoutes.get(call.path);
    if (extra) return extra(call, send);
    if (call.path === '/open-apis/auth/v3/tenant_access_token/internal') {
      if (body?.app_id !== this.appId || body?.app_secret !== this.appSecret) {
        return send(200, { code: 10014, msg: 'app secret invalid' });
      }
      return send(200, { code: 0, msg: 'ok', tenant_access_token: FAKE_TOKEN, expire: 7200 });
    }
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return send(400, { code: 99991661, msg: 'Missing access token for authorization' });
    }
    if (call.path === '/open-apis/bot/v3/info') {
      return send(200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '企业创新助手', open_id: this.botOpenId } });
    }
    if (call.path === '/open-apis/im/v1/images' || call.path === '/open-apis/im/v1/files') {
      const uploadFailure = this.uploadFailures.shift();
      if (uploadFailure) return send(uploadFailure.status, uploadFailure.body ?? { code: 500, msg: 'internal error' }, uploadFailure.headers);
      this.counter += 1;
      const data = call.path.endsWith('images') ? { image_key: `img_v2_fake_${this.counter}` } : { file_key: `file_v3_fake_${this.counter}` };
      return send(200, { code: 0, msg: 'success', data });
    }
    const resource = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(call.path);
    if (req.method === 'GET' && resource) {
      const file = this.resources.get(decodeURIComponent(resource[2]));
      if (!file) return send(400, { code: 234003, msg: 'File not in msg.' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length) });
      res.end(file);
      return;
    }
    if (!call.path.startsWith('/open-apis/im/v1/messages')) return send(404, { code: 404, msg: 'not found' });

    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => (this.inFlight -= 1));
    const failure = this.failures.shift();
    if (failure && failure.deliverThenDelayMs === undefined) {
      return send(failure.status, failure.body ?? { code: 500, msg: 'internal error' }, failure.headers);
    }
    if (this.messageDelayMs > 0) await this.sleep(this.messageDelayMs);

    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(call.path);
    if (req.method === 'PATCH' && patch) {
      this.patches.push({ messageId: patch[1], content: JSON.parse(body.content) });
      return send(200, { code: 0, msg: 'success', data: {} });
    }
    const forward = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/forward$/.exec(call.path);
    if (req.method === 'POST' && forward) {
      const body2 = { msg_type: 'forward', content: JSON.stringify({ forwardedFrom: forward[1] }), uuid: call.query.uuid };
      const message = this.deliver(body2, { kind: 'create', receiveIdType: call.query.receive_id_type, receiveId: body.receive_id });
      return send(200, { code: 0, msg: 'success', data: { message_id: message.messageId, msg_type: message.msgType } });
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(call.path);
    if (req.method === 'POST' && (reply || call.path === '/open-apis/im/v1/messages')) {
      const message = this.deliver(body, reply ? { kind: 'reply', parentId: reply[1] } : { kind: 'create', receiveIdType: call.query.receive_id_type, receiveId: body.receive_id });
      if (failure?.deliverThenDelayMs !== undefined) await this.sleep(failure.deliverThenDelayMs);
      return send(200, { code: 0, msg: 'success', data: { message_id: message.messageId, msg_type: message.msgType } });
    }
    return send(404, { code: 404, msg: 'not found' });
  }

  private deliver(body: any, where: Pick<DeliveredMessage, 'kind' | 'parentId' | 'receiveIdType' | 'receiveId'>): DeliveredMessage {
    const uuid: string | undefined = body.uuid;
    const seen = uuid ? this.byUuid.get(uuid) : undefined;
    if (seen) return seen;
    this.counter += 1;
    const message: DeliveredMessage = {
      messageId: `om_fake_${this.counter}`,
      ...where,
      msgType: body.msg_type,
      content: JSON.parse(body.content),
      uuid,
    };
    if (uuid) this.byUuid.set(uuid, message);
    this.delivered.push(message);
    return message;
  }
}
