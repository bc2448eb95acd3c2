import { AxiosError, AxiosHeaders, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import {
  classifyFeishuError,
  CODE_CHAT_RATE_LIMITED,
  CODE_RATE_LIMITED,
  fromFeishuCode,
} from '../../src/platform/feishu/errors';
import { PlatformError } from '../../src/platform/port';

const BEARER = 'Bearer t-g1044qeGEDXTB6NDJOGV4JQCYDGHRBARFTGT1234';

function requestConfig(): InternalAxiosRequestConfig {
  return {
    url: 'https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id',
    method: 'post',
    headers: new AxiosHeaders({ Authorization: BEARER, 'Content-Type': 'application/json; charset=utf-8' }),
  };
}

/** An AxiosError as axios throws it for an HTTP answer outside 2xx. */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
  const config = requestConfig();
  const response: AxiosResponse = {
    status,
    statusText: String(status),
    headers: new AxiosHeaders(headers),
    config,
    data,
  };
  const code = status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
  return new AxiosError(`Request failed with status code ${status}`, code, config, {}, response);
}

/** An AxiosError without a response (the request never got an answer). */
function networkError(code: string, message: string): AxiosError {
  return new AxiosError(message, code, requestConfig(), {});
}

function expectNoSecrets(err: PlatformError) {
  expect(err.message).not.toContain(BEARER);
  expect(JSON.stringify(err.info)).not.toContain('t-g1044');
  expect(Object.keys(err)).not.toContain('config');
}

describe('classifyFeishuError', () => {
  it('429 with x-ogw-ratelimit-reset "3" → retryable, app-wide throttle, wait 3 s', () => {
    const err = classifyFeishuError(
      httpError(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '3' }),
    );
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.info).toMatchObject({ retryable: true, throttled: 'app', retryAfterMs: 3000, status: 429 });
    expectNoSecrets(err);
  });

  it('429 without a JSON code still counts as the app rate limit', () => {
    const err = classifyFeishuError(httpError(429, '<html>Too Many Requests</html>', { 'x-ogw-ratelimit-reset': '3' }));
    expect(err.info).toMatchObject({ retryable: true, throttled: 'app', retryAfterMs: 3000, status: 429, code: CODE_RATE_LIMITED });
  });

  it('429 without a reset header waits a default time', () => {
    const err = classifyFeishuError(httpError(429, { code: 99991400, msg: 'request trigger frequency limit' }));
    expect(err.info.retryable).toBe(true);
    expect(err.info.throttled).toBe('app');
    expect(err.info.retryAfterMs).toBeGreaterThan(0);
  });

  it('400 with code 230020 → retryable, throttled per target', () => {
    const err = classifyFeishuError(httpError(400, { code: CODE_CHAT_RATE_LIMITED, msg: 'This operation triggers the frequency limit' }));
    expect(err.info).toMatchObject({ retryable: true, throttled: 'target', status: 400, code: 230020 });
    expect(err.info.retryAfterMs).toBeGreaterThan(0);
  });

  it('400 with the app rate-limit code (older APIs) → throttled app', () => {
    const err = classifyFeishuError(httpError(400, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '2' }));
    expect(err.info).toMatchObject({ retryable: true, throttled: 'app', retryAfterMs: 2000 });
  });

  it('500 without a body code → retryable', () => {
    const err = classifyFeishuError(httpError(500, 'Internal Server Error'));
    expect(err.info).toMatchObject({ retryable: true, status: 500 });
    expect(err.info.throttled).toBeUndefined();
  });

  it('503 with a body code → retryable', () => {
    const err = classifyFeishuError(httpError(503, { code: 1500, msg: 'service unavailable' }));
    expect(err.info).toMatchObject({ retryable: true, status: 503, code: 1500 });
  });

  it('400 with code 230002 (bot not in chat) → permanent', () => {
    const err = classifyFeishuError(httpError(400, { code: 230002, msg: 'Bot/User can NOT be out of the chat.' }));
    expect(err.info).toMatchObject({ retryable: false, status: 400, code: 230002 });
    expect(err.info.throttled).toBeUndefined();
    expect(err.message).toContain('230002');
    expectNoSecrets(err);
  });

  it('404 without a body code → permanent', () => {
    expect(classifyFeishuError(httpError(404, 'not found')).info).toMatchObject({ retryable: false, status: 404 });
  });

  it('a token code (99991663) → retryable (the SDK fetches a new token)', () => {
    const err = classifyFeishuError(httpError(400, { code: 99991663, msg: 'Invalid access token for authorization.' }));
    expect(err.info).toMatchObject({ retryable: true, code: 99991663 });
    expect(err.info.throttled).toBeUndefined();
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443'],
    ['ECONNRESET', 'socket hang up'],
    ['ECONNABORTED', 'timeout of 10000ms exceeded'],
  ])('a network error without a response (%s) → retryable', (code, message) => {
    const err = classifyFeishuError(networkError(code, message));
    expect(err.info.retryable).toBe(true);
    expect(err.info.status).toBeUndefined();
    expect(err.message).toContain(code);
    expectNoSecrets(err);
  });

  it('passes a PlatformError through unchanged', () => {
    const original = new PlatformError('already classified', { retryable: false, code: 1 });
    expect(classifyFeishuError(original)).toBe(original);
  });

  it('anything else thrown → retryable with its message', () => {
    expect(classifyFeishuError(new TypeError('boom')).info.retryable).toBe(true);
    expect(classifyFeishuError(new TypeError('boom')).message).toBe('boom');
    expect(classifyFeishuError('a string').message).toBe('a string');
  });
});

describe('fromFeishuCode', () => {
  it('a 200-style answer with code 99991400 → retryable, app throttle, default wait', () => {
    const err = fromFeishuCode(99991400, 'request trigger frequency limit');
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.info).toMatchObject({ retryable: true, throttled: 'app', code: 99991400 });
    expect(err.info.retryAfterMs).toBe(1000);
  });

  it('reads the reset header in seconds, also fractional or as an array', () => {
    expect(fromFeishuCode(99991400, 'limit', 429, '3').info.retryAfterMs).toBe(3000);
    expect(fromFeishuCode(99991400, 'limit', 429, '0.25').info.retryAfterMs).toBe(250);
    expect(fromFeishuCode(99991400, 'limit', 429, ['4']).info.retryAfterMs).toBe(4000);
  });

  it.each([['0'], ['-3'], ['soon'], [undefined]])('falls back to the default wait for reset header %j', (reset) => {
    expect(fromFeishuCode(99991400, 'limit', 429, reset).info.retryAfterMs).toBe(1000);
  });

  it('230020 → throttled target', () => {
    expect(fromFeishuCode(230020, 'limit').info).toMatchObject({ retryable: true, throttled: 'target' });
  });

  it.each([99991661, 99991663, 99991664, 99991665, 99991668])('token code %d → retryable', (code) => {
    expect(fromFeishuCode(code, 'token').info).toMatchObject({ retryable: true, code });
  });

  it('an unknown code without status → permanent', () => {
    const err = fromFeishuCode(230002, 'Bot/User can NOT be out of the chat.');
    expect(err.info).toMatchObject({ retryable: false, code: 230002 });
    expect(err.message).toContain('Bot/User can NOT be out of the chat.');
  });
});
