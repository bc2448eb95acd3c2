import cron, { ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';

/**
 * Cron wiring. Each job is a plain async function so that it can also be run by hand;
 * a run that is still going when its next tick comes is not started twice.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly jobs: Array<{ name: string; expression: string; run: () => Promise<unknown>; catchUpAfterMs?: number }> = [];

  constructor(private readonly timezone: string, private readonly logger: Logger) {}

  private readonly timers: NodeJS.Timeout[] = [];

  /** `catchUpAfterMs`: also run once this long after start, so what fell due while down goes out soon. */
  add(name: string, expression: string, run: () => Promise<unknown>, catchUpAfterMs?: number): void {
    this.jobs.push({ name, expression, run, catchUpAfterMs });
  }

  start(): void {
    for (const job of this.jobs) {
      let running = false;
      const tick = async () => {
        if (running) return;
        running = true;
        const started = Date.now();
        try {
          const result = await job.run();
          this.logger.info({ job: job.name, ms: Date.now() - started, result }, 'job done');
        } catch (err) {
          this.logger.error({ job: job.name, err }, 'job failed');
        } finally {
          running = false;
        }
      };
      this.tasks.push(cron.schedule(job.expression, tick, { timezone: this.timezone, name: job.name }));
      if (job.catchUpAfterMs !== undefined) this.timers.push(setTimeout(() => void tick(), job.catchUpAfterMs).unref());
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    for (const task of this.tasks.splice(0)) void task.stop();
  }
}
