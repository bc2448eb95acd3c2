/**
 * The clock a test gives the bot (createBot's `now`) and signs its requests with: it starts at a
 * chosen instant and runs on at the real pace (so retries, leases and timers behave as usual).
 * `set` jumps to another instant; set it forwards only while the bot works (a jump back makes
 * leases and backoffs look longer than they are).
 */
export class TestClock {
  private offsetMs = 0;

  constructor(at?: string | number) {
    if (at !== undefined) this.set(at);
  }

  /** Bound, so it can be handed around as a plain function. */
  readonly now = (): number => Date.now() + this.offsetMs;

  /** Jumps to `at`: an ISO instant with its offset ('2027-06-01T00:30:00+08:00') or epoch ms. */
  set(at: string | number): void {
    const ms = typeof at === 'number' ? at : Date.parse(at);
    if (Number.isNaN(ms) || (typeof at === 'string' && !/(Z|[+-]\d{2}:\d{2})$/.test(at))) {
      throw new Error(`TestClock: expected an ISO instant with an offset, got ${String(at)}`);
    }
    this.offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Seconds since the epoch on this clock, as X-Lark-Request-Timestamp carries them. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
