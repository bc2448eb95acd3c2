import { isAxiosError } from 'axios';
import { PlatformError } from '../port';

/** Feishu's app-wide rate-limit code, and the per-chat send limit (FEISHU.md §5.5). */
export const CODE_RATE_LIMITED = 99991400;
export const CODE_CHAT_RATE_LIMITED = 230020;
/** Token expired or invalid: the SDK fetches a new one on the next call. */
const TOKEN_CODES = new Set([99991661, 99991663, 99991664, 99991665, 99991668]);

const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

/** Turns a non-zero `code` from a Feishu answer into a PlatformError. */
export function fromFeishuCode(code: number, msg: string, status?: number, resetHeader?: unknown): PlatformError {
  if (code === CODE_RATE_LIMITED || status === 429) {
    return new PlatformError(`Feishu rate limit: ${code} ${msg}`, {
      retryable: true,
      throttled: 'app',
      retryAfterMs: resetMs(resetHeader),
      status,
      code,
    });
  }
  if (code === CODE_CHAT_RATE_LIMITED) {
    return new PlatformError(`Feishu chat rate limit: ${code} ${msg}`, {
      retryable: true,
      throttled: 'target',
      retryAfterMs: resetMs(resetHeader),
      status,
      code,
    });
  }
  if (TOKEN_CODES.has(code)) {
    return new PlatformError(`Feishu token rejected: ${code} ${msg}`, { retryable: true, status, code });
  }
  const serverSide = status !== undefined && status >= 500;
  return new PlatformError(`Feishu error ${code}: ${msg}`, { retryable: serverSide, status, code });
}

function resetMs(header: unknown): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** Classifies anything the SDK threw. Never carries request headers (they hold the token). */
export function classifyFeishuError(err: unknown): PlatformError {
  if (err instanceof PlatformError) return err;
  if (isAxiosError(err)) {
    const res = err.response;
    if (!res) {
      return new PlatformError(`network error: ${err.code ?? err.message}`, { retryable: true });
    }
    const body = (res.data ?? {}) as { code?: unknown; msg?: unknown };
    const code = typeof body.code === 'number' ? body.code : undefined;
    const reset = res.headers?.['x-ogw-ratelimit-reset'];
    if (code !== undefined) return fromFeishuCode(code, String(body.msg ?? ''), res.status, reset);
    if (res.status === 429) return fromFeishuCode(CODE_RATE_LIMITED, 'HTTP 429', 429, reset);
    return new PlatformError(`HTTP ${res.status}`, { retryable: res.status >= 500, status: res.status });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PlatformError(message, { retryable: true });
}
