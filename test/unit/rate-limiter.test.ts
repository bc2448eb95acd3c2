import { RateLimiter } from '../../src/services/rate-limiter';

const T0 = 1_700_000_000_000;

/** Feishu's limits: 5/s to one chat or user, 50/s per app. */
const feishuLimiter = () => new RateLimiter(5, 50);

/** The limiter's key map; sweeping is only observable through it. */
const keyCount = (limiter: RateLimiter) => (limiter as unknown as { keyWindows: Map<string, number[]> }).keyWindows.size;

describe('RateLimiter', () => {
  it('allows 5 sends per key per second, then returns the wait', () => {
    const limiter = feishuLimiter();
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire('oc_chat', T0 + i * 10)).toBe(0);
    // The oldest slot (T0) frees at T0 + 1000.
    expect(limiter.tryAcquire('oc_chat', T0 + 100)).toBe(900);
    expect(limiter.tryAcquire('oc_chat', T0 + 999)).toBe(1);
  });

  it('a refused call takes nothing', () => {
    const limiter = feishuLimiter();
    for (let i = 0; i < 5; i++) limiter.tryAcquire('oc_chat', T0);
    for (let i = 0; i < 10; i++) expect(limiter.tryAcquire('oc_chat', T0 + 500)).toBeGreaterThan(0);
    // Had the refusals been counted, the window would still be full at T0 + 1000.
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire('oc_chat', T0 + 1000)).toBe(0);
  });

  it('keeps keys independent', () => {
    const limiter = feishuLimiter();
    for (let i = 0; i < 5; i++) limiter.tryAcquire('oc_a', T0);
    expect(limiter.tryAcquire('oc_a', T0)).toBeGreaterThan(0);
    expect(limiter.tryAcquire('oc_b', T0)).toBe(0);
    expect(limiter.tryAcquire('ou_user', T0)).toBe(0);
  });

  it('allows 50 sends in all per second', () => {
    const limiter = feishuLimiter();
    for (let i = 0; i < 50; i++) expect(limiter.tryAcquire(`oc_${i}`, T0 + i)).toBe(0);
    expect(limiter.tryAcquire('oc_new', T0 + 200)).toBe(800);
    // A fresh key is refused too, and the refusal does not spend its per-key budget.
    expect(limiter.tryAcquire('oc_new', T0 + 1000)).toBe(0);
  });

  it('returns the longer wait when both limits are hit', () => {
    const limiter = new RateLimiter(2, 3);
    expect(limiter.tryAcquire('b', T0)).toBe(0);
    expect(limiter.tryAcquire('a', T0 + 200)).toBe(0);
    expect(limiter.tryAcquire('a', T0 + 300)).toBe(0);
    // Global slot frees at T0 + 1000 (600 ms), key 'a' only at T0 + 1200 (800 ms).
    expect(limiter.tryAcquire('a', T0 + 400)).toBe(800);
    // Key 'b' has room, but the global window is full until T0 + 1000.
    expect(limiter.tryAcquire('b', T0 + 400)).toBe(600);
  });

  it('never returns less than 1 ms while refusing', () => {
    const limiter = new RateLimiter(1, 10);
    limiter.tryAcquire('k', T0);
    const wait = limiter.tryAcquire('k', T0 + 999.9);
    expect(wait).toBeGreaterThanOrEqual(1);
  });

  it('slides the window: each slot frees exactly one second after it was taken', () => {
    const limiter = feishuLimiter();
    const times = [0, 100, 200, 300, 400].map((d) => T0 + d);
    for (const t of times) expect(limiter.tryAcquire('oc_chat', t)).toBe(0);
    expect(limiter.tryAcquire('oc_chat', T0 + 999)).toBe(1);
    expect(limiter.tryAcquire('oc_chat', T0 + 1000)).toBe(0); // slot of T0 freed
    expect(limiter.tryAcquire('oc_chat', T0 + 1050)).toBe(50); // next frees at T0 + 1100
    expect(limiter.tryAcquire('oc_chat', T0 + 1100)).toBe(0);
    expect(limiter.tryAcquire('oc_chat', T0 + 1150)).toBe(50);
  });

  it('honours a custom window', () => {
    const limiter = new RateLimiter(1, 10, 60_000);
    expect(limiter.tryAcquire('k', T0)).toBe(0);
    expect(limiter.tryAcquire('k', T0 + 30_000)).toBe(30_000);
    expect(limiter.tryAcquire('k', T0 + 60_000)).toBe(0);
  });

  it('sweep drops idle keys and keeps active ones', () => {
    const limiter = feishuLimiter();
    limiter.tryAcquire('oc_idle', T0);
    limiter.tryAcquire('oc_idle2', T0 + 10);
    limiter.tryAcquire('oc_active', T0 + 800);
    expect(keyCount(limiter)).toBe(3);

    limiter.sweep(T0 + 1500);
    expect(keyCount(limiter)).toBe(1);

    // The active key still remembers its send.
    for (let i = 0; i < 4; i++) expect(limiter.tryAcquire('oc_active', T0 + 1500)).toBe(0);
    expect(limiter.tryAcquire('oc_active', T0 + 1500)).toBe(300);

    limiter.sweep(T0 + 10_000);
    expect(keyCount(limiter)).toBe(0);
    expect(limiter.tryAcquire('oc_idle', T0 + 10_000)).toBe(0);
  });
});

describe('wouldWait and record', () => {
  it('asking does not take a slot; recording does', () => {
    const limiter = new RateLimiter(2, 50);
    expect(limiter.wouldWait('chat:a', 0)).toBe(0);
    expect(limiter.wouldWait('chat:a', 0)).toBe(0);
    expect(limiter.wouldWait('chat:a', 0)).toBe(0);
    limiter.record('chat:a', 0);
    limiter.record('chat:a', 100);
    expect(limiter.wouldWait('chat:a', 200)).toBe(800);
    expect(limiter.wouldWait('chat:a', 999)).toBe(1);
    expect(limiter.wouldWait('chat:a', 1000)).toBe(0);
  });
});
