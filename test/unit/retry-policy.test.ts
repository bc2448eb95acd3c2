import { PlatformError, PlatformErrorInfo } from '../../src/platform/port';
import { decideRetry, DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/services/retry-policy';

const POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5 };
const retryable = (extra: Partial<PlatformErrorInfo> = {}) => new PlatformError('boom', { retryable: true, ...extra });
/** random() = 0.5 makes the ±20 % jitter factor exactly 1. */
const noJitter = () => 0.5;

describe('decideRetry', () => {
  it('never retries a permanent error, even on the first attempt', () => {
    const decision = decideRetry(new PlatformError('bot not in chat', { retryable: false, code: 230002 }), 1, POLICY, noJitter);
    expect(decision).toEqual({ retry: false, reason: 'permanent error' });
  });

  it('gives up once maxAttempts attempts have failed', () => {
    expect(decideRetry(retryable(), 4, POLICY, noJitter).retry).toBe(true);
    const decision = decideRetry(retryable(), 5, POLICY, noJitter);
    expect(decision.retry).toBe(false);
    expect(decision).toMatchObject({ reason: expect.stringContaining('5') });
    expect(decideRetry(retryable(), 6, POLICY, noJitter).retry).toBe(false);
  });

  it('doubles the delay with each attempt, starting at baseDelayMs', () => {
    const delays = [1, 2, 3, 4].map((n) => decideRetry(retryable(), n, POLICY, noJitter));
    expect(delays).toEqual([
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 4000 },
      { retry: true, delayMs: 8000 },
    ]);
  });

  it('jitters by at most ±20 %', () => {
    expect(decideRetry(retryable(), 3, POLICY, () => 0)).toEqual({ retry: true, delayMs: 3200 });
    expect(decideRetry(retryable(), 3, POLICY, () => 0.25)).toEqual({ retry: true, delayMs: 3600 });
    const high = decideRetry(retryable(), 3, POLICY, () => 0.999999);
    expect(high.retry && high.delayMs).toBeLessThanOrEqual(4800);
    expect(high.retry && high.delayMs).toBeGreaterThan(4790);
  });

  it('caps the exponential part at maxDelayMs', () => {
    const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 100 };
    expect(decideRetry(retryable(), 4, policy, noJitter)).toEqual({ retry: true, delayMs: 5000 });
    expect(decideRetry(retryable(), 50, policy, noJitter)).toEqual({ retry: true, delayMs: 5000 });
    // Jitter applies on top of the cap, so the result stays within 20 % of it.
    const jittered = decideRetry(retryable(), 50, policy, () => 0.999999);
    expect(jittered.retry && jittered.delayMs).toBeLessThanOrEqual(6000);
  });

  it('never retries sooner than retryAfterMs', () => {
    expect(decideRetry(retryable({ retryAfterMs: 3000 }), 1, POLICY, noJitter)).toEqual({ retry: true, delayMs: 3000 });
    expect(decideRetry(retryable({ retryAfterMs: 3000 }), 1, POLICY, () => 0)).toEqual({ retry: true, delayMs: 3000 });
  });

  it('keeps the backoff when it is already longer than retryAfterMs', () => {
    expect(decideRetry(retryable({ retryAfterMs: 500 }), 4, POLICY, noJitter)).toEqual({ retry: true, delayMs: 8000 });
  });

  it('uses the default policy when none is given', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(decideRetry(retryable(), 1, undefined, noJitter)).toEqual({ retry: true, delayMs: DEFAULT_RETRY_POLICY.baseDelayMs });
    expect(decideRetry(retryable(), DEFAULT_RETRY_POLICY.maxAttempts).retry).toBe(false);
  });

  it('returns whole milliseconds', () => {
    const d = decideRetry(retryable(), 2, { baseDelayMs: 333, maxDelayMs: 10_000, maxAttempts: 5 }, () => 0.123);
    expect(d.retry).toBe(true);
    expect(d.retry && Number.isInteger(d.delayMs)).toBe(true);
  });
});
