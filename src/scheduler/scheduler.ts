import cron, { ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';

/**
 * Cron wiring. Each job is a plain async function so that it can also be run by hand;
 * a run that is still going when its next tick comes is not started twice.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly jobs: Array<{ name: string; expression: string; run: () => Promise<unknown> }> = [];

  constructor(private readonly timezone: string, private readonly logger: Logger) {}

  add(name: string, expression: string, run: () => Promise<unknown>): void {
    this.jobs.push({ name, expression, run });
  }

  start(): void {
    for (const job of this.jobs) {
      let running = false;
      const task = cron.schedule(
        job.expression,
        async () => {
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
        },
        { timezone: this.timezone, name: job.name },
      );
      this.tasks.push(task);
    }
  }

  stop(): void {
    for (const task of this.tasks.splice(0)) void task.stop();
  }
}
