import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HTTP-mode callbacks carry `timestamp` (ms) and `sign` = Base64(HmacSHA256(key = appSecret,
 * data = timestamp + "\n" + appSecret)); more than one hour off our clock is refused
 * (DINGTALK.md §1, the official receive-message page). The signature does not cover the body,
 * so a (timestamp, sign) pair can be replayed for an hour: the inbox deduplicates on msgId.
 */

export const MAX_SKEW_MS = 3_600_000;

export type CallbackCheck = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export function signOf(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

export function verifyDingTalkCallback(timestamp: string | undefined, sign: string | undefined, appSecret: string, now: number): CallbackCheck {
  if (!timestamp || !/^\d{10,16}$/.test(timestamp)) return { ok: false, status: 401, reason: 'missing or malformed timestamp' };
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return { ok: false, status: 401, reason: 'timestamp more than one hour off' };
  if (!sign) return { ok: false, status: 403, reason: 'missing sign' };
  const expected = createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest();
  const got = Buffer.from(sign, 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, status: 403, reason: 'sign does not match' };
  return { ok: true };
}
