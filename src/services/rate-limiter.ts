/**
 * Sliding one-second windows: at most `perKey` sends per key (Feishu: 5/s to one chat or user)
 * and `global` sends in all (Feishu: 50/s per app). In-process: several instances would need to
 * share a budget, which Feishu's own 429s then enforce.
 */
export class RateLimiter {
  private readonly globalWindow: number[] = [];
  private readonly keyWindows = new Map<string, number[]>();

  constructor(private readonly perKey: number, private readonly global: number, private readonly windowMs = 1000) {}

  /** Takes a slot and returns 0, or returns how many ms until a slot frees up (taking nothing). */
  tryAcquire(key: string, now: number): number {
    const wait = this.wouldWait(key, now);
    if (wait === 0) this.record(key, now);
    return wait;
  }

  /** How many ms until `key` may send (0: now), without taking a slot. */
  wouldWait(key: string, now: number): number {
    const keyWindow = this.keyWindows.get(key) ?? [];
    this.expire(this.globalWindow, now);
    this.expire(keyWindow, now);
    const waits: number[] = [];
    if (this.globalWindow.length >= this.global) waits.push(this.globalWindow[0] + this.windowMs - now);
    if (keyWindow.length >= this.perKey) waits.push(keyWindow[0] + this.windowMs - now);
    return waits.length > 0 ? Math.max(1, ...waits) : 0;
  }

  /** Counts a send made at `now`. */
  record(key: string, now: number): void {
    const keyWindow = this.keyWindows.get(key) ?? [];
    this.globalWindow.push(now);
    keyWindow.push(now);
    this.keyWindows.set(key, keyWindow);
  }

  /** Drops idle keys so that the map does not grow with every chat ever seen. */
  sweep(now: number): void {
    for (const [key, window] of this.keyWindows) {
      this.expire(window, now);
      if (window.length === 0) this.keyWindows.delete(key);
    }
  }

  private expire(window: number[], now: number): void {
    // An empty window's first entry is undefined, and `undefined <= x` is false.
    while (window[0] <= now - this.windowMs) window.shift();
  }
}
