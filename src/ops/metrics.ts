import { createHash, timingSafeEqual } from 'node:crypto';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/**
 * What GET /metrics shows (Prometheus text format, prom-client). The queue gauges are read from
 * the database when scraped, so they are the same whichever instance is asked and need nothing
 * from the inbox and outbox workers; sends and acknowledgement latency are counted in process.
 */

export type SendResult = 'sent' | 'retry' | 'failed';

export class Metrics {
  readonly registry: Registry;
  private readonly sends: Counter<'result' | 'platform'>;
  private readonly ack: Histogram<'route'>;

  constructor(ds: DataSource, private readonly platformName: string, now: () => number = Date.now) {
    // Loaded when used: without METRICS_TOKEN the bot builds no Metrics (memory, issue 14 item 9).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = require('prom-client') as typeof import('prom-client');
    this.registry = new Registry();
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const byStatus = (table: string) =>
      async function (this: Gauge<'status'>) {
        const rows: Array<{ status: string; n: number | string }> = await ds.query(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`);
        this.reset();
        for (const r of rows) this.set({ status: r.status }, Number(r.n));
      };
    new Gauge({ name: 'bot_inbox_events', help: 'Inbound events recorded in inbound_events, by status', labelNames: ['status'], registers, collect: byStatus('inbound_events') });
    new Gauge({ name: 'bot_outbox_messages', help: 'Outbound messages in outbox_messages, by status', labelNames: ['status'], registers, collect: byStatus('outbox_messages') });
    new Gauge({
      name: 'bot_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbound message not yet sent (pending or sending); 0 when none',
      registers,
      async collect() {
        const [row] = await ds.query("SELECT MIN(created_at) AS oldest FROM outbox_messages WHERE status IN ('pending', 'sending')");
        const oldest = row?.oldest == null ? undefined : Number(row.oldest);
        this.set(oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'bot_job_runs',
      help: 'Recorded runs of the scheduled jobs (job_runs, including `npm run job`), by job and result',
      labelNames: ['job', 'result'],
      registers,
      async collect() {
        const rows: Array<{ job: string; status: string; n: number | string }> = await ds.query('SELECT job, status, COUNT(*) AS n FROM job_runs GROUP BY job, status');
        this.reset();
        for (const r of rows) this.set({ job: r.job, result: r.status }, Number(r.n));
      },
    });
    this.sends = new Counter({
      name: 'bot_outbox_sends_total',
      help: 'Attempts to send an outbound message by this process, by result (sent, retry, failed) and platform',
      labelNames: ['result', 'platform'],
      registers,
    });
    this.ack = new Histogram({
      name: 'bot_event_ack_seconds',
      help: 'Time from a webhook request arriving to its answer, by route (events, cards)',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  /** The outbox's hook: one call per send attempt. */
  readonly sent = (result: SendResult): void => {
    this.sends.inc({ result, platform: this.platformName });
  };

  /** Starts timing a webhook request; call the result when it is answered. */
  timeAck(route: string): () => void {
    const end = this.ack.startTimer({ route });
    return () => void end();
  }

  /** An acknowledgement timed elsewhere: the main thread's front, which answers the webhooks. */
  observeAck(route: string, seconds: number): void {
    this.ack.observe({ route }, seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** `Authorization: Bearer <token>`, compared in constant time (hashes, so lengths leak nothing either). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}
