import type { Logger } from '../../logger';
import { PlatformError } from '../port';

/**
 * DingTalk's OpenAPI (api.dingtalk.com, v1.0) with the app's access token: fetched from
 * `/v1.0/oauth2/accessToken`, cached, refreshed 5 minutes before it expires, and fetched
 * anew once when a call answers 401 (DINGTALK.md §3). Plain `fetch`: three JSON calls do not
 * justify the `@alicloud/dingtalk` client and its dependency tree.
 */

export interface OpenApiOptions {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

export class DingTalkOpenApi {
  private token: { value: string; expiresAt: number } | undefined;
  private fetching: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: OpenApiOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** POSTs `body` to `path` with the access token; one fresh token and retry on 401. */
  async post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    const first = await this.call(path, body, await this.accessToken());
    if (first.status !== 401) return this.answer<T>(path, first);
    this.opts.logger.info({ path }, 'dingtalk: access token refused, fetching a new one');
    this.token = undefined;
    return this.answer<T>(path, await this.call(path, body, await this.accessToken()));
  }

  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - REFRESH_MARGIN_MS > this.now()) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.request('/v1.0/oauth2/accessToken', { appKey: this.opts.clientId, appSecret: this.opts.clientSecret });
    const body = await this.answer<{ accessToken?: string; expireIn?: number }>('/v1.0/oauth2/accessToken', res);
    if (!body.accessToken) throw new PlatformError('dingtalk: no accessToken in the token answer', { retryable: true });
    this.token = { value: body.accessToken, expiresAt: this.now() + (Number(body.expireIn) || 7200) * 1000 };
    this.opts.logger.debug({ expireIn: body.expireIn }, 'dingtalk: access token fetched');
    return body.accessToken;
  }

  private call(path: string, body: unknown, token: string): Promise<Response> {
    return this.request(path, body, { 'x-acs-dingtalk-access-token': token });
  }

  private async request(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(`${this.opts.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw new PlatformError(`dingtalk: ${path} unreachable (${err instanceof Error ? err.message : String(err)})`, { retryable: true });
    }
  }

  /** The JSON body of a 2xx answer; otherwise a PlatformError (5xx and 429 retryable). */
  private async answer<T>(path: string, res: Response): Promise<T> {
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    if (res.ok) return body as T;
    // DingTalk's error bodies are {code, message, requestid}; the message never holds a secret.
    const detail = `${res.status} ${body?.code ?? ''} ${String(body?.message ?? '').slice(0, 200)}`.trim();
    const retryable = res.status >= 500 || res.status === 429 || res.status === 401;
    throw new PlatformError(`dingtalk: ${path} answered ${detail}`, {
      retryable,
      status: res.status,
      ...(res.status === 429 ? { throttled: 'app' as const, retryAfterMs: 1000 } : {}),
    });
  }
}
