import { PlatformError } from '../platform/port';

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 15 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * What to do after attempt number `attempts` (1-based) failed with `error`.
 * Exponential backoff with ±20 % jitter, never sooner than the platform asked us to wait.
 */
export function decideRetry(
  error: PlatformError,
  attempts: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  if (!error.info.retryable) return { retry: false, reason: 'permanent error' };
  if (attempts >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attempts} attempts` };
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return { retry: true, delayMs: Math.max(jittered, error.info.retryAfterMs ?? 0) };
}
