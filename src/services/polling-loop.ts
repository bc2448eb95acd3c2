import type { Logger } from '../logger';

/**
 * A pass of a background worker. It may name when the next pass is due (ms from now: a queue
 * that knows its next row's time, or a worker backing off); otherwise the loop's interval.
 */
export type Pass = () => Promise<number | void>;

export interface PollingLoopOptions {
  /** The pause after a pass that names no time of its own. */
  intervalMs: number;
  /** The pause after a pass that threw (default: intervalMs). */
  retryDelayMs?: number;
  logger: Logger;
  /** Logged at error level when a pass throws; the loop carries on. */
  failureMessage: string;
  /** The log line's fields for the error (default `{ err }`). */
  errorFields?: (err: unknown) => Record<string, unknown>;
}

/**
 * The one loop of the background workers (outbox, inbox, 台账, calendar): start, stop, wake, a
 * pass now and then, never two at once. A pass that throws is logged and the loop carries on
 * after retryDelayMs. `stop` waits for the pass under way, so the database can be closed after.
 * What a pass does (claims with leases, retries with backoff) is the worker's own.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private current: Promise<void> | undefined;
  private again = false;
  private active = false;

  constructor(private readonly pass: Pass, private readonly opts: PollingLoopOptions) {}

  /** Between start and stop. A pass can check it to stop early. */
  get running(): boolean {
    return this.active;
  }

  /** Starts the loop with a pass right away (on the next turn of the event loop). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.wake();
  }

  /** Stops scheduling passes and waits for the one under way (if any). */
  async stop(): Promise<void> {
    this.active = false;
    this.again = false;
    this.clearTimers();
    await this.current;
  }

  /** A pass soon (new work arrived): on the next turn, or right after the one under way. */
  wake(): void {
    if (!this.active) return;
    if (this.current) {
      this.again = true;
      return;
    }
    // A second wake before the pass cancels the pending immediate and queues the same one again:
    // still one pass, on the next turn.
    this.clearTimers();
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.runPass();
    });
  }

  /**
   * Runs a pass now, or joins the one under way; never rejects. Also when the loop is stopped
   * (a one-off drain): then no next pass is scheduled.
   */
  runPass(): Promise<void> {
    if (!this.current) {
      this.clearTimers();
      this.current = this.once().then((delayMs) => {
        this.current = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.after(delayMs);
        }
      });
    }
    return this.current;
  }

  private async once(): Promise<number> {
    try {
      const asked = await this.pass();
      return typeof asked === 'number' ? asked : this.opts.intervalMs;
    } catch (err) {
      this.opts.logger.error(this.opts.errorFields ? this.opts.errorFields(err) : { err }, this.opts.failureMessage);
      return this.opts.retryDelayMs ?? this.opts.intervalMs;
    }
  }

  private after(delayMs: number): void {
    if (!this.active) return;
    this.clearTimers();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runPass();
    }, Math.max(0, delayMs));
  }

  private clearTimers(): void {
    // Both accept undefined (and do nothing then), so no check before them.
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}
