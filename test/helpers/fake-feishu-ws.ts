import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as protobuf from 'protobufjs';
import { WebSocket, WebSocketServer } from 'ws';
import type { FakeFeishu, RecordedCall } from './fake-feishu';

/**
 * Feishu's long-connection side, on the fake Open API's own address (the SDK derives both from
 * one domain). Written from @larksuiteoapi/node-sdk 1.74's WSClient (lib/index.js):
 *
 * 1. `POST {domain}/callback/ws/endpoint` with `{AppID, AppSecret}` answers
 *    `{code:0, data:{URL, ClientConfig:{PingInterval, ReconnectCount, ReconnectInterval,
 *    ReconnectNonce}}}` (seconds). The SDK reads `device_id` and `service_id` from the URL's
 *    query; any code but 0 (or 1000040343, retried) makes it give up and call onError.
 * 2. The SDK opens the WebSocket at URL. Every message is a protobuf `pbbp2.Frame`
 *    (SeqID, LogID, service, method 0=control 1=data, headers [{key,value}], payload).
 * 3. The SDK pings at once and every PingInterval: control frame, header type=ping,
 *    service=service_id. The server answers type=pong with the ClientConfig as JSON payload.
 *    With wsConfig.pingTimeout set, a ping left without any frame back that long ends the
 *    socket and the SDK reconnects from step 1.
 * 4. Events: data frames with headers type=event, message_id, sum, seq, trace_id; payload =
 *    the event JSON (split over `sum` frames when large). Card callbacks (`card.action.trigger`)
 *    come the same way, as type=event; 1.74 ignores type=card frames entirely (never answers).
 * 5. The SDK answers each event with the same frame, an extra header biz_rt and the payload
 *    `{"code":200|500, "data": base64(JSON(handler result))}`; the result is the card answer.
 */

const PROTO = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
const Frame = protobuf.parse(PROTO).root.lookupType('pbbp2.Frame');

export const METHOD_CONTROL = 0;
export const METHOD_DATA = 1;

export interface DecodedFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload?: Buffer;
}

export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** The SDK's answer to one pushed event. */
export interface Ack {
  frame: DecodedFrame;
  /** 200 when the handler returned, 500 when it threw. */
  code: number;
  /** The handler's result (the card answer), decoded from base64 JSON; undefined when none. */
  data: any;
  /** When the answer arrived, ms since the epoch. */
  at: number;
}

export function encodeFrame(f: { SeqID?: number; LogID?: number; service: number; method: number; headers: Record<string, string>; payload?: Uint8Array }): Buffer {
  const message = Frame.fromObject({
    SeqID: f.SeqID ?? 0,
    LogID: f.LogID ?? 0,
    service: f.service,
    method: f.method,
    headers: Object.entries(f.headers).map(([key, value]) => ({ key, value })),
    ...(f.payload ? { payload: f.payload } : {}),
  });
  return Buffer.from(Frame.encode(message).finish());
}

export function decodeFrame(buf: Buffer): DecodedFrame {
  const o = Frame.toObject(Frame.decode(buf), { longs: Number, defaults: false }) as any;
  const headers: Record<string, string> = {};
  for (const h of o.headers ?? []) headers[h.key] = h.value;
  return { SeqID: o.SeqID, LogID: o.LogID, service: o.service, method: o.method, headers, payload: o.payload ? Buffer.from(o.payload) : undefined };
}

export class FakeFeishuWs {
  /** What the server hands out; seconds. Fast reconnects so that tests take milliseconds. */
  clientConfig: ClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };
  readonly serviceId = 7;
  /** Every endpoint discovery call. */
  readonly endpointCalls: RecordedCall[] = [];
  /** Every frame the SDK sent, in order. */
  readonly received: DecodedFrame[] = [];
  /** Sockets the SDK opened, in order; the last one is the live one. */
  readonly sockets: WebSocket[] = [];
  /** Sockets the SDK has pinged on: it pings from 'open' and listens for frames right after. */
  private readonly pinged = new WeakSet<WebSocket>();
  /** Sockets that went half-open: what the SDK sends still arrives, nothing comes back. */
  private readonly silent = new WeakSet<WebSocket>();
  /** While set, endpoint discovery waits for it (the bot stays "connecting"). */
  private hold: Promise<void> | undefined;
  private releaseHold: (() => void) | undefined;
  private readonly tickets = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly waiting = new Map<string, (ack: Ack) => void>();
  private seq = 0;

  constructor(private readonly fake: FakeFeishu) {
    fake.extraRoutes.set('/callback/ws/endpoint', (call, send) => this.endpoint(call, send));
    fake.httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** The socket currently open, if any. */
  get live(): WebSocket | undefined {
    const last = this.sockets[this.sockets.length - 1];
    return last && last.readyState === WebSocket.OPEN ? last : undefined;
  }

  pings(): DecodedFrame[] {
    return this.received.filter((f) => f.method === METHOD_CONTROL && f.headers.type === 'ping');
  }

  /** Makes endpoint discovery wait until {@link release}. */
  holdEndpoint(): void {
    if (this.hold) return;
    this.hold = new Promise((resolve) => (this.releaseHold = resolve));
  }

  release(): void {
    this.releaseHold?.();
    this.hold = undefined;
    this.releaseHold = undefined;
  }

  /**
   * Waits until `count` connections were opened in all and one is open and ready now. Ready
   * means its first ping arrived: the SDK attaches its frame listener only after the 'open'
   * event has been handled, so a frame pushed right after the handshake could go unheard.
   */
  async waitConnected(count = 1, timeoutMs = 10_000): Promise<WebSocket> {
    const ready = () => this.sockets.length >= count && this.live !== undefined && this.pinged.has(this.live);
    await this.fake.waitFor(ready, `long connection #${count}`, timeoutMs);
    return this.live!;
  }

  /** Makes the live connection half-open: no pong, no frame, no close ever reaches the SDK. */
  silence(): void {
    if (this.live) this.silent.add(this.live);
  }

  /** Cuts the live connection without a closing handshake (a network failure). */
  drop(): void {
    this.live?.terminate();
  }

  /**
   * Pushes one event (or card callback) payload as Feishu does and resolves with the SDK's answer.
   * `messageId` is the frame's id (Feishu reuses it when it pushes the same message again);
   * `parts` splits the payload over that many frames.
   */
  push(payload: unknown, opts: { messageId?: string; parts?: number; type?: string; timeoutMs?: number } = {}): Promise<Ack> {
    const ws = this.live;
    if (!ws) return Promise.reject(new Error('no open long connection to push on'));
    const messageId = opts.messageId ?? `msg_${randomBytes(8).toString('hex')}`;
    const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
    const parts = Math.max(1, opts.parts ?? 1);
    const size = Math.ceil(bytes.length / parts);
    const traceId = randomBytes(8).toString('hex');
    const answered = new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(messageId);
        reject(new Error(`no answer to ${messageId} within ${opts.timeoutMs ?? 5000} ms`));
      }, opts.timeoutMs ?? 5000);
      this.waiting.set(messageId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    this.seq += 1;
    for (let i = 0; i < parts; i++) {
      ws.send(
        encodeFrame({
          SeqID: this.seq,
          LogID: this.seq,
          service: this.serviceId,
          method: METHOD_DATA,
          headers: { type: opts.type ?? 'event', message_id: messageId, sum: String(parts), seq: String(i), trace_id: traceId },
          payload: bytes.subarray(i * size, (i + 1) * size),
        }),
      );
    }
    return answered;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.release();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async endpoint(call: RecordedCall, send: (status: number, payload: unknown) => void): Promise<void> {
    this.endpointCalls.push(call);
    if (this.hold) await this.hold;
    if (call.body?.AppID !== this.fake.appId || call.body?.AppSecret !== this.fake.appSecret) {
      return send(200, { code: 514, msg: 'auth failed', data: {} });
    }
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    const host = (call.headers.host as string | undefined) ?? new URL(this.fake.url).host;
    // service_id must not come first: the SDK reads the query with qs.parse on the whole URL.
    const wsUrl = `ws://${host}/ws/v2?fpid=493&aid=552564&device_id=dev_${ticket.slice(0, 6)}&access_key=ak_fake&service_id=${this.serviceId}&ticket=${ticket}`;
    send(200, { code: 0, msg: 'ok', data: { URL: wsUrl, ClientConfig: this.clientConfig } });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/ws/v2' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.push(ws);
      ws.on('message', (data: Buffer) => this.onFrame(ws, data));
      ws.on('error', () => undefined);
    });
  }

  private onFrame(ws: WebSocket, data: Buffer): void {
    const frame = decodeFrame(data);
    this.received.push(frame);
    if (frame.method === METHOD_CONTROL && frame.headers.type === 'ping') {
      this.pinged.add(ws);
      if (this.silent.has(ws)) return;
      ws.send(
        encodeFrame({
          service: this.serviceId,
          method: METHOD_CONTROL,
          headers: { type: 'pong' },
          payload: Buffer.from(JSON.stringify(this.clientConfig)),
        }),
      );
      return;
    }
    if (frame.method === METHOD_DATA) {
      const waiter = this.waiting.get(frame.headers.message_id);
      if (!waiter) return;
      this.waiting.delete(frame.headers.message_id);
      const answer = JSON.parse(frame.payload?.toString('utf8') ?? '{}');
      const decoded = typeof answer.data === 'string' ? JSON.parse(Buffer.from(answer.data, 'base64').toString('utf8')) : undefined;
      waiter({ frame, code: answer.code, data: decoded, at: Date.now() });
    }
  }
}
