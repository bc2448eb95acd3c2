import { computeSignature, decryptPayload, safeEqual } from './crypto';

/**
 * Verifies and unwraps one request Feishu pushed to a webhook (events or card callbacks).
 * Transport only: no storage, no business logic. Returns either what to answer right away
 * (a challenge or a rejection) or the verified envelope.
 */

export interface VerifyOptions {
  encryptKey?: string;
  verificationToken?: string;
  maxClockSkewSeconds: number;
  nowMs: number;
}

export interface FeishuEnvelope {
  schema: '2.0' | '1.0';
  eventId: string;
  eventType: string;
  tenantKey: string;
  /** The app it was sent to (v2 `header.app_id`, v1 `event.app_id`), when the payload names one. */
  appId?: string;
  /** v2: the `event` object; v1: the `event` object (with its own `type`). */
  event: Record<string, any>;
}

export type InboundResult =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'envelope'; envelope: FeishuEnvelope }
  | { kind: 'rejected'; status: 400 | 401; reason: string };

const reject = (status: 400 | 401, reason: string): InboundResult => ({ kind: 'rejected', status, reason });

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Deeper than any real payload (a card form callback is some 6 levels deep). Checked on the raw
 * text before JSON.parse, so that no recursion over a hostile nesting (parse, or later
 * stringify when the event is stored) can exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether brackets outside strings nest deeper than `max`: one cheap pass, no recursion. */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const TOO_DEEP = 'JSON nested too deeply';

function parseJson(text: string): unknown {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return TOO_DEEP;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function verifyInbound(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  opts: VerifyOptions,
): InboundResult {
  const timestamp = header(headers, 'x-lark-request-timestamp');
  const nonce = header(headers, 'x-lark-request-nonce');
  const signature = header(headers, 'x-lark-signature');

  let signed = false;
  if (opts.encryptKey && signature) {
    if (!timestamp || !nonce) return reject(401, 'signature headers incomplete');
    const ts = Number(timestamp);
    if (!Number.isFinite(ts)) return reject(401, 'bad timestamp');
    if (Math.abs(opts.nowMs / 1000 - ts) > opts.maxClockSkewSeconds) return reject(401, 'stale timestamp');
    const expected = computeSignature(timestamp, nonce, opts.encryptKey, rawBody);
    if (!safeEqual(expected, signature.toLowerCase())) return reject(401, 'bad signature');
    signed = true;
  }

  let body = parseJson(rawBody.toString('utf8'));
  if (body === TOO_DEEP) return reject(400, TOO_DEEP);
  if (!isObject(body)) return reject(400, 'body is not a JSON object');

  if (typeof body.encrypt === 'string') {
    if (!opts.encryptKey) return reject(400, 'encrypted body but no encrypt key is configured');
    let plain: string;
    try {
      plain = decryptPayload(opts.encryptKey, body.encrypt);
    } catch {
      // Unsigned garbage is a forgery; signed garbage is a malformed request.
      return signed ? reject(400, 'cannot decrypt body') : reject(401, 'cannot decrypt body');
    }
    body = parseJson(plain);
    if (body === TOO_DEEP) return reject(signed ? 400 : 401, TOO_DEEP);
    if (!isObject(body)) return reject(signed ? 400 : 401, 'decrypted body is not a JSON object');
  }

  const token: unknown = isObject(body.header) ? body.header.token : body.token;

  if (body.type === 'url_verification') {
    // Feishu signs no challenge (FEISHU.md §1.2): the token is all there is to check.
    if (typeof body.challenge !== 'string') return reject(400, 'challenge missing');
    if (opts.verificationToken && !(typeof token === 'string' && safeEqual(token, opts.verificationToken))) {
      return reject(401, 'bad verification token');
    }
    return { kind: 'challenge', challenge: body.challenge };
  }

  if (opts.encryptKey && !signed) return reject(401, 'signature missing');
  if (opts.verificationToken) {
    const hasToken = typeof token === 'string' && token !== '';
    if (hasToken && !safeEqual(token, opts.verificationToken)) return reject(401, 'bad verification token');
    if (!hasToken && !signed) return reject(401, 'verification token missing');
  }

  const envelope = toEnvelope(body);
  return envelope ? { kind: 'envelope', envelope } : reject(400, 'not a Feishu event envelope');
}

/** Longer than any real Feishu id; the database columns are sized to these. */
const MAX_ID = 128;
const MAX_TENANT_KEY = 64;

/**
 * The envelope of an already verified and decrypted payload, or undefined when it is not a Feishu
 * event. Shared by the webhooks and the long connection, so both read events the same way.
 */
export function toEnvelope(body: unknown): FeishuEnvelope | undefined {
  if (!isObject(body)) return undefined;
  const envelope = readEnvelope(body);
  if (!envelope) return undefined;
  const tooLong = envelope.eventId.length > MAX_ID || envelope.eventType.length > MAX_ID || envelope.tenantKey.length > MAX_TENANT_KEY;
  return tooLong ? undefined : envelope;
}

function readEnvelope(body: Record<string, any>): FeishuEnvelope | undefined {
  if (body.schema === '2.0' && isObject(body.header)) {
    const h = body.header;
    if (typeof h.event_id !== 'string' || !h.event_id || typeof h.event_type !== 'string') return undefined;
    return {
      schema: '2.0',
      eventId: h.event_id,
      eventType: h.event_type,
      tenantKey: typeof h.tenant_key === 'string' ? h.tenant_key : '',
      appId: typeof h.app_id === 'string' && h.app_id ? h.app_id : undefined,
      event: isObject(body.event) ? body.event : {},
    };
  }
  if (body.type === 'event_callback' && typeof body.uuid === 'string' && isObject(body.event)) {
    return {
      schema: '1.0',
      eventId: body.uuid,
      eventType: String(body.event.type ?? ''),
      tenantKey: typeof body.event.tenant_key === 'string' ? body.event.tenant_key : '',
      appId: typeof body.event.app_id === 'string' && body.event.app_id ? body.event.app_id : undefined,
      event: body.event,
    };
  }
  return undefined;
}
