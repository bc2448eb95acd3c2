import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBitable } from './fake-bitable';

/**
 * The card checks (test/helpers/card-checks.ts) are written with jest's `expect`: the fake runs
 * them when it runs under jest. The benchmark (bench/) runs it outside jest, without them.
 */
type CardCheck = (card: Record<string, any>, options: { submitsPerForm?: 'one' | 'some' }) => void;
function cardChecks(): CardCheck | undefined {
  if (typeof (globalThis as { expect?: unknown }).expect !== 'function') return undefined;
  // A plain require, so that the build of bench/ (without jest's types) does not compile card-checks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./card-checks') as { expectValidCard: CardCheck }).expectValidCard;
}

/**
 * A fake Feishu Open API on 127.0.0.1 that behaves like the real one where the bot depends on
 * it: tenant tokens (which expire), bot info, message create/reply/patch/forward, uploads, and
 * `uuid` deduplication (a repeated uuid returns the first message and delivers nothing new,
 * FEISHU.md §5.1). Tests script failures and read back exactly what was received.
 *
 * It is strict where Feishu is: receive_id_type and the id's shape, msg_type and the content's
 * shape, every card against the card checks (card JSON 2.0, size, forms, names, FEISHU.md §4),
 * PATCH only of an interactive message it delivered, upload fields, the uuid's length, and the
 * token's expiry. A request that breaks a rule is answered with Feishu's parameter error and
 * recorded in `violations`; the test harness fails the test when there are any.
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

/** Every token the fake issues starts with this (a counter follows), so a leak is easy to find. */
export const FAKE_TOKEN = 't-fake-tenant-token-0123456789';
/** The app the fake issues tokens to; the test events name it as their `app_id`. */
// The form the SDK's long connection insists on: cli_ and 16 hex digits.
export const FAKE_APP_ID = 'cli_a1b2c3d4e5f60718';
/** Feishu's answer to a request that breaks a parameter rule. */
export const CODE_INVALID_PARAM = 230001;
/** Feishu's answer to an invalid or expired tenant_access_token. */
export const CODE_TOKEN_INVALID = 99991663;

const RECEIVE_ID_PREFIX: Record<string, RegExp> = {
  open_id: /^ou_\w+$/,
  chat_id: /^oc_\w+$/,
  union_id: /^on_\w+$/,
  user_id: /^\w+$/,
  email: /^[^@\s]+@[^@\s]+$/,
};
const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user']);
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);
/** FEISHU.md §5.1: a text message's request body is at most 150 KB; uuid at most 50 characters. */
const MAX_TEXT_BYTES = 150 * 1024;
const MAX_UUID_LENGTH = 50;
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
  /** Feishu's rule: one message per uuid (per hour). Off, a repeated uuid delivers again. */
  dedupByUuid = true;
  /** The `expire` (seconds) announced with each token, which is also how long it is honoured. */
  tokenExpireSeconds = 7200;
  /** Tokens issued, in order, with the instant each stops being honoured. */
  readonly tokens: Array<{ token: string; expiresAt: number }> = [];
  /** Requests that broke a rule Feishu checks (each was answered with an error). */
  readonly violations: string[] = [];
  /** Uploads received: what was uploaded, with which fields. */
  readonly uploads: Array<{ kind: 'image' | 'file'; key: string; fields: Record<string, string>; bytes: number }> = [];
  /** Bitable (多维表格): the Bases, tables and records the bot wrote (fake-bitable.ts). */
  readonly bitable = new FakeBitable(this.violations);
  appId = FAKE_APP_ID;
  appSecret = 'test-app-secret-value';
  botOpenId = FAKE_BOT_OPEN_ID;
  /**
   * Routes answered before the token check, by path: the long-connection endpoint discovery
   * (fake-feishu-ws.ts), which the SDK calls on this same base URL.
   */
  readonly extraRoutes = new Map<string, (call: RecordedCall, send: (status: number, payload: unknown) => void) => void | Promise<void>>();
  /** Urgent notices (urgent_app) received: on which delivered message, to whom (issue 13). */
  readonly urgents: Array<{ messageId: string; userIds: string[] }> = [];
  /**
   * More Open APIs, answered after the token check (e.g. the calendar, fake-feishu-calendar.ts):
   * each returns true when it answered the call.
   */
  readonly apis: Array<(call: RecordedCall, send: (status: number, payload: unknown) => void, invalid: (reason: string) => void) => boolean | Promise<boolean>> = [];
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
      const token = `${FAKE_TOKEN}-${this.tokens.length + 1}`;
      this.tokens.push({ token, expiresAt: Date.now() + this.tokenExpireSeconds * 1000 });
      return send(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: this.tokenExpireSeconds });
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (!bearer) return send(400, { code: 99991661, msg: 'Missing access token for authorization' });
    const issued = this.tokens.find((t) => t.token === bearer[1]);
    if (!issued) return send(400, { code: CODE_TOKEN_INVALID, msg: 'Invalid access token for authorization' });
    if (issued.expiresAt <= at) {
      this.violations.push(`${call.method} ${call.path}: an expired tenant_access_token`);
      return send(400, { code: CODE_TOKEN_INVALID, msg: 'Invalid access token for authorization: expired' });
    }
    const invalid = (reason: string) => {
      this.violations.push(`${call.method} ${call.path}: ${reason}`);
      return send(400, { code: CODE_INVALID_PARAM, msg: `invalid request parameter: ${reason}` });
    };
    if (call.path.startsWith('/open-apis/bitable/')) return this.bitable.handle(call, send);
    for (const api of this.apis) if (await api(call, send, invalid)) return;
    if (call.path === '/open-apis/bot/v3/info') {
      return send(200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '企业创新助手', open_id: this.botOpenId } });
    }
    if (call.path === '/open-apis/im/v1/images' || call.path === '/open-apis/im/v1/files') {
      const kind = call.path.endsWith('images') ? 'image' : 'file';
      const form = await parseMultipart(rawBody, String(req.headers['content-type'] ?? ''));
      if (!form) return invalid('an upload must be multipart/form-data');
      const fields = form.fields;
      const bytes = form.files[kind]?.length ?? 0;
      if (req.method !== 'POST') return invalid('uploads are POST');
      if (bytes === 0) return invalid(`the ${kind} part is missing or empty`);
      if (kind === 'image') {
        if (fields.image_type !== 'message' && fields.image_type !== 'avatar') return invalid(`image_type '${fields.image_type}'`);
        if (bytes > 10 * 1024 * 1024) return invalid('an image over 10 MB');
      } else {
        if (!FILE_TYPES.has(fields.file_type)) return invalid(`file_type '${fields.file_type}'`);
        if (!fields.file_name) return invalid('no file_name');
        if (bytes > 30 * 1024 * 1024) return invalid('a file over 30 MB');
      }
      const uploadFailure = this.uploadFailures.shift();
      if (uploadFailure) return send(uploadFailure.status, uploadFailure.body ?? { code: 500, msg: 'internal error' }, uploadFailure.headers);
      this.counter += 1;
      const key = kind === 'image' ? `img_v2_fake_${this.counter}` : `file_v3_fake_${this.counter}`;
      this.uploads.push({ kind, key, fields, bytes });
      return send(200, { code: 0, msg: 'success', data: kind === 'image' ? { image_key: key } : { file_key: key } });
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

    const urgent = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app$/.exec(call.path);
    if (urgent) {
      // FEISHU.md §9: PATCH, user_id_type, a list of ids; only a message the bot itself sent,
      // and (for a private message) only to the person it was sent to.
      if (req.method !== 'PATCH') return invalid('urgent_app is a PATCH');
      if (call.query.user_id_type !== 'open_id') return invalid(`urgent_app user_id_type '${call.query.user_id_type}'`);
      const ids = body?.user_id_list;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && RECEIVE_ID_PREFIX.open_id.test(id))) return invalid('urgent_app needs user_id_list of open_ids');
      const target = this.delivered.find((m) => m.messageId === urgent[1]);
      if (!target) return invalid(`urgent_app on message '${urgent[1]}', which the bot did not send`);
      if (target.receiveIdType === 'open_id' && ids.some((id: string) => id !== target.receiveId)) return invalid('urgent_app to somebody who is not in the private chat');
      this.urgents.push({ messageId: urgent[1], userIds: ids });
      return send(200, { code: 0, msg: 'success', data: { invalid_user_id_list: [] } });
    }
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(call.path);
    if (req.method === 'PATCH' && patch) {
      const target = this.delivered.find((m) => m.messageId === patch[1]);
      if (!target) return invalid(`PATCH of message '${patch[1]}', which the bot did not send`);
      if (target.msgType !== 'interactive') return invalid(`PATCH of a '${target.msgType}' message (only cards can be updated)`);
      const problem = this.checkContent('interactive', body?.content);
      if (problem) return invalid(problem);
      this.patches.push({ messageId: patch[1], content: JSON.parse(body.content) });
      return send(200, { code: 0, msg: 'success', data: {} });
    }
    const forward = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/forward$/.exec(call.path);
    if (req.method === 'POST' && forward) {
      const problem = this.checkReceiver(call.query.receive_id_type, body?.receive_id) ?? this.checkUuid(call.query.uuid) ?? (/^om_\w+$/.test(forward[1]) ? undefined : `forward of message id '${forward[1]}'`);
      if (problem) return invalid(problem);
      const body2 = { msg_type: 'forward', content: JSON.stringify({ forwardedFrom: forward[1] }), uuid: call.query.uuid };
      const message = this.deliver(body2, { kind: 'create', receiveIdType: call.query.receive_id_type, receiveId: body.receive_id });
      return send(200, { code: 0, msg: 'success', data: { message_id: message.messageId, msg_type: message.msgType } });
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(call.path);
    if (req.method === 'POST' && (reply || call.path === '/open-apis/im/v1/messages')) {
      const problem =
        (reply ? (/^om_\w+$/.test(reply[1]) ? undefined : `reply to message id '${reply[1]}'`) : this.checkReceiver(call.query.receive_id_type, body?.receive_id)) ??
        this.checkUuid(body?.uuid) ??
        this.checkContent(body?.msg_type, body?.content);
      if (problem) return invalid(problem);
      const message = this.deliver(body, reply ? { kind: 'reply', parentId: reply[1] } : { kind: 'create', receiveIdType: call.query.receive_id_type, receiveId: body.receive_id });
      if (failure?.deliverThenDelayMs !== undefined) await this.sleep(failure.deliverThenDelayMs);
      return send(200, { code: 0, msg: 'success', data: { message_id: message.messageId, msg_type: message.msgType } });
    }
    return send(404, { code: 404, msg: 'not found' });
  }

  /** What is wrong with a message's receive_id_type and receive_id, if anything. */
  private checkReceiver(type: unknown, id: unknown): string | undefined {
    if (typeof type !== 'string' || !RECEIVE_ID_PREFIX[type]) return `receive_id_type '${String(type)}'`;
    if (typeof id !== 'string' || !RECEIVE_ID_PREFIX[type].test(id)) return `receive_id '${String(id)}' is not a ${type}`;
    return undefined;
  }

  private checkUuid(uuid: unknown): string | undefined {
    if (uuid === undefined) return undefined;
    if (typeof uuid !== 'string' || uuid.length === 0 || uuid.length > MAX_UUID_LENGTH) return `uuid '${String(uuid)}' (1–${MAX_UUID_LENGTH} characters)`;
    return undefined;
  }

  /** What is wrong with a message's msg_type and content (a JSON string), if anything. */
  private checkContent(msgType: unknown, content: unknown): string | undefined {
    if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) return `msg_type '${String(msgType)}'`;
    if (typeof content !== 'string') return 'content must be a JSON string';
    let parsed: any;
    try {
      parsed = JSON.parse(content);
    } catch {
      return 'content is not JSON';
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'content is not a JSON object';
    switch (msgType) {
      case 'text':
        if (typeof parsed.text !== 'string' || parsed.text.trim() === '') return 'a text message needs a non-empty `text`';
        if (Buffer.byteLength(content) > MAX_TEXT_BYTES) return 'a text message over 150 KB';
        return undefined;
      case 'image':
        return typeof parsed.image_key === 'string' && parsed.image_key.startsWith('img_') ? undefined : 'an image message needs an `image_key`';
      case 'file':
        return typeof parsed.file_key === 'string' && parsed.file_key.startsWith('file_') ? undefined : 'a file message needs a `file_key`';
      case 'interactive':
        try {
          // Feishu accepts a form with several submit buttons; the one-submit rule is the project's own.
          cardChecks()?.(parsed, { submitsPerForm: 'some' });
        } catch (err) {
          const title = parsed?.header?.title?.content;
          return `card ${title ? `「${title}」 ` : ''}fails the card checks: ${String(err instanceof Error ? err.message : err).split('\n').slice(0, 6).join(' ')}`;
        }
        return undefined;
      default:
        return undefined;
    }
  }

  private deliver(body: any, where: Pick<DeliveredMessage, 'kind' | 'parentId' | 'receiveIdType' | 'receiveId'>): DeliveredMessage {
    const uuid: string | undefined = body.uuid;
    const seen = uuid && this.dedupByUuid ? this.byUuid.get(uuid) : undefined;
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

/**
 * The parts of a multipart/form-data body: text fields, and file parts (those with a filename,
 * or any part whose name is `file`/`image`, which the SDK sends as streams).
 */
async function parseMultipart(raw: Buffer, contentType: string): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> } | undefined> {
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const fields: Record<string, string> = {};
  const files: Record<string, Buffer> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    pos += delimiter.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') break;
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    const next = raw.indexOf(delimiter, pos);
    if (headerEnd < 0 || next < 0) return undefined;
    const headers = raw.subarray(pos, headerEnd).toString('utf8');
    const body = raw.subarray(headerEnd + 4, next - 2); // the CRLF before the delimiter
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return undefined;
    if (/filename="/i.test(headers) || name === 'file' || name === 'image') files[name] = Buffer.from(body);
    else fields[name] = body.toString('utf8');
    pos = next;
  }
  return { fields, files };
}
