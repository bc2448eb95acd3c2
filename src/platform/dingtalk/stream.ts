import WebSocket from 'ws';
import type { Logger } from '../../logger';

/**
 * DingTalk Stream mode (DINGTALK.md §2): open `/v1.0/gateway/connections/open` on
 * DINGTALK_BASE_URL, connect to the returned `endpoint?ticket=…`, answer system pings, ack
 * every CALLBACK frame once it is recorded, reconnect with exponential backoff (1 s … 60 s)
 * after a `disconnect` frame, a closed socket or silence.
 *
 * Our own client rather than the `dingtalk-stream` package: in 2.1.5 the gateway URL is a
 * module constant (no way to point it at DINGTALK_BASE_URL or at a test gateway), reconnects
 * retry every second without backoff, and there is no silence watchdog.
 */

export const ROBOT_TOPIC = '/v1.0/im/bot/messages/get';
/** Form cards' callbacks (DINGTALK.md §2, §4): not auto-acked; the ack carries the card update. */
export const CARD_TOPIC = '/v1.0/card/instances/callback';

export type StreamState = 'connecting' | 'connected' | 'disconnected';

export interface StreamTuning {
  /** A WebSocket ping this often; no frame or pong for `silenceMs` and the socket is dropped. */
  keepAliveMs: number;
  silenceMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Gateway request and WebSocket handshake. */
  timeoutMs: number;
}

export const DEFAULT_STREAM_TUNING: StreamTuning = { keepAliveMs: 20_000, silenceMs: 60_000, minBackoffMs: 1000, maxBackoffMs: 60_000, timeoutMs: 10_000 };

export interface StreamOptions {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  logger: Logger;
  /** Records a robot message; the frame is acked only after this resolves. */
  onRobotMessage(data: unknown): Promise<void>;
  /**
   * A card callback (subscribed only when given): answered in its ack with what this returns,
   * the card update (`{response: …}`), so it must resolve within DingTalk's time.
   */
  onCardCallback?(data: unknown, messageId: string): Promise<unknown>;
  tuning?: Partial<StreamTuning>;
}

interface Frame {
  specVersion?: string;
  type?: string;
  headers?: { topic?: string; messageId?: string; contentType?: string };
  data?: string;
}

export class DingTalkStream {
  private ws: WebSocket | undefined;
  private current: StreamState = 'disconnected';
  private running = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private lastSeen = 0;
  private readonly tuning: StreamTuning;
  private readonly log: Logger;

  constructor(private readonly opts: StreamOptions) {
    this.tuning = { ...DEFAULT_STREAM_TUNING, ...opts.tuning };
    this.log = opts.logger;
  }

  state(): StreamState {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepAliveTimer);
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => undefined);
    this.ws?.terminate();
    this.ws = undefined;
    this.setState('disconnected');
  }

  private setState(state: StreamState): void {
    if (state === this.current) return;
    this.current = state;
    this.log.info({ state }, `dingtalk stream: ${state}`);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.setState('connecting');
    let endpoint: string;
    try {
      endpoint = await this.openGateway();
    } catch (err) {
      this.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'dingtalk stream: gateway refused or unreachable');
      this.scheduleReconnect();
      return;
    }
    if (!this.running) return;
    const ws = new WebSocket(endpoint, { handshakeTimeout: this.tuning.timeoutMs });
    this.ws = ws;
    ws.on('open', () => {
      this.failures = 0;
      this.lastSeen = Date.now();
      this.setState('connected');
      clearInterval(this.keepAliveTimer);
      this.keepAliveTimer = setInterval(() => this.keepAlive(ws), this.tuning.keepAliveMs);
    });
    ws.on('pong', () => {
      this.lastSeen = Date.now();
    });
    ws.on('message', (raw) => {
      this.lastSeen = Date.now();
      void this.onFrame(ws, raw.toString('utf8'));
    });
    ws.on('error', (err) => this.log.warn({ error: err.message }, 'dingtalk stream: socket error'));
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      clearInterval(this.keepAliveTimer);
      this.ws = undefined;
      this.log.warn({ code }, 'dingtalk stream: socket closed');
      this.scheduleReconnect();
    });
  }

  /** The ticket is valid for 90 s and one connection: a fresh one for every connect. */
  private async openGateway(): Promise<string> {
    const res = await fetch(`${this.opts.baseUrl}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.opts.clientId,
        clientSecret: this.opts.clientSecret,
        subscriptions: [{ type: 'CALLBACK', topic: ROBOT_TOPIC }, ...(this.opts.onCardCallback ? [{ type: 'CALLBACK', topic: CARD_TOPIC }] : [])],
        ua: 'innovation-bot',
      }),
      signal: AbortSignal.timeout(this.tuning.timeoutMs),
    });
    if (!res.ok) throw new Error(`gateway answered ${res.status}`);
    const body = (await res.json()) as { endpoint?: string; ticket?: string };
    if (!body.endpoint || !body.ticket) throw new Error('gateway answer without endpoint or ticket');
    return `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
  }

  private keepAlive(ws: WebSocket): void {
    if (Date.now() - this.lastSeen > this.tuning.silenceMs) {
      this.log.warn({ silentMs: Date.now() - this.lastSeen }, 'dingtalk stream: connection silent; reconnecting');
      ws.terminate();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.setState('disconnected');
    const base = Math.min(this.tuning.maxBackoffMs, this.tuning.minBackoffMs * 2 ** this.failures);
    const delay = Math.round(base * (0.8 + 0.4 * Math.random()));
    this.failures += 1;
    this.log.info({ inMs: delay }, 'dingtalk stream: reconnecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private send(ws: WebSocket, messageId: string | undefined, code: number, data: string, message = 'OK'): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ code, headers: { contentType: 'application/json', messageId }, message, data }));
  }

  private async onFrame(ws: WebSocket, text: string): Promise<void> {
    let frame: Frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this.log.warn('dingtalk stream: unreadable frame ignored');
      return;
    }
    const topic = frame.headers?.topic;
    const messageId = frame.headers?.messageId;
    if (frame.type === 'SYSTEM') {
      if (topic === 'ping') this.send(ws, messageId, 200, frame.data ?? '{}');
      else if (topic === 'disconnect') {
        // The server closes the socket ~10 s later; a new connection (new ticket) right away.
        this.log.info({ data: frame.data }, 'dingtalk stream: server asked to reconnect');
        this.failures = 0;
        ws.close();
      }
      return;
    }
    if (frame.type === 'EVENT') {
      // Not subscribed in this slice; acknowledged so that DingTalk does not push it again.
      this.send(ws, messageId, 200, JSON.stringify({ status: 'SUCCESS' }));
      return;
    }
    if (frame.type === 'CALLBACK' && topic === ROBOT_TOPIC) {
      let data: unknown;
      try {
        data = JSON.parse(frame.data ?? '');
      } catch {
        this.send(ws, messageId, 400, JSON.stringify({ response: null }), 'unreadable data');
        return;
      }
      try {
        await this.opts.onRobotMessage(data);
      } catch (err) {
        // Not acked: DingTalk may push it again, and the inbox's msgId key keeps it single.
        this.log.error({ error: err instanceof Error ? err.message : String(err), messageId }, 'dingtalk stream: message could not be recorded; not acknowledged');
        return;
      }
      this.send(ws, messageId, 200, JSON.stringify({ response: null }));
      return;
    }
    if (frame.type === 'CALLBACK' && topic === CARD_TOPIC && this.opts.onCardCallback) {
      let data: unknown;
      try {
        data = JSON.parse(frame.data ?? '');
      } catch {
        this.send(ws, messageId, 400, JSON.stringify({ response: null }), 'unreadable data');
        return;
      }
      let response: unknown;
      try {
        response = await this.opts.onCardCallback(data, String(messageId ?? ''));
      } catch (err) {
        this.log.error({ error: err instanceof Error ? err.message : String(err), messageId }, 'dingtalk stream: card callback failed');
        this.send(ws, messageId, 500, JSON.stringify({ response: null }), 'card callback failed');
        return;
      }
      this.send(ws, messageId, 200, JSON.stringify({ response: response ?? null }));
      return;
    }
    this.send(ws, messageId, 404, JSON.stringify({ response: null }), 'topic not handled');
  }
}
