import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { JOBS } from '../../src/jobs/registry';
import { Scheduler } from '../../src/scheduler/scheduler';

/**
 * The cron wiring (issue 16: the README's claims about cron and the catch-up run after start).
 * node-cron runs on timers and Date, which Jest's modern fake timers replace: the test moves
 * the clock through whole hours without waiting.
 */

const lines: string[] = [];
const logger = createLogger('info', new Writable({ write: (c, _e, done) => void (lines.push(String(c)), done()) }));

beforeEach(() => {
  lines.length = 0;
  // 09:58:30 in Shanghai.
  jest.useFakeTimers({ now: new Date('2027-03-01T01:58:30Z') });
});
afterEach(() => jest.useRealTimers());

/** Moves the fake clock in one-second steps, letting each tick's promises settle. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 1000) await jest.advanceTimersByTimeAsync(Math.min(1000, left));
}

it('runs a job at its cron minute in the configured time zone, every hour', async () => {
  const runs: string[] = [];
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  scheduler.add('reminders', '5 * * * *', async () => void runs.push(new Date().toISOString()));
  scheduler.start();
  try {
    await advance(7 * 60_000);
    expect(runs).toEqual(['2027-03-01T02:05:00.000Z']);
    await advance(60 * 60_000);
    expect(runs).toEqual(['2027-03-01T02:05:00.000Z', '2027-03-01T03:05:00.000Z']);
  } finally {
    scheduler.stop();
  }
});

it('reads the cron expression in the configured time zone, not UTC', async () => {
  const runs: string[] = [];
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  // 10:00 in Shanghai is 02:00 UTC.
  scheduler.add('daily', '0 10 * * *', async () => void runs.push(new Date().toISOString()));
  scheduler.start();
  try {
    await advance(3 * 60_000);
    expect(runs).toEqual(['2027-03-01T02:00:00.000Z']);
  } finally {
    scheduler.stop();
  }
});

it('runs a job once shortly after start (the catch-up), then at its cron times', async () => {
  const runs: string[] = [];
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  scheduler.add('reminders', '5 * * * *', async () => void runs.push(new Date().toISOString()), 60_000);
  scheduler.start();
  try {
    await advance(59_000);
    expect(runs).toEqual([]);
    await advance(1000);
    expect(runs).toEqual(['2027-03-01T01:59:30.000Z']);
    await advance(6 * 60_000);
    expect(runs).toEqual(['2027-03-01T01:59:30.000Z', '2027-03-01T02:05:00.000Z']);
  } finally {
    scheduler.stop();
  }
});

it('does not start a run while the previous one is still going, and logs a failed run and carries on', async () => {
  let started = 0;
  let release: () => void = () => undefined;
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  scheduler.add('slow', '* * * * *', async () => {
    started++;
    if (started === 1) await new Promise<void>((r) => (release = r));
    if (started === 2) throw new Error('database gone');
  });
  scheduler.start();
  try {
    await advance(5 * 60_000);
    // The first run hangs through four more ticks: none of them starts another.
    expect(started).toBe(1);
    release();
    await advance(60_000);
    expect(started).toBe(2);
    expect(lines.some((l) => /"job":"slow"/.test(l) && /job failed/.test(l) && /database gone/.test(l))).toBe(true);
    await advance(60_000);
    expect(started).toBe(3);
  } finally {
    scheduler.stop();
  }
});

it('stops every task and pending catch-up on stop', async () => {
  const runs: string[] = [];
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  scheduler.add('reminders', '* * * * *', async () => void runs.push('tick'), 60_000);
  scheduler.start();
  scheduler.stop();
  await advance(10 * 60_000);
  expect(runs).toEqual([]);
});

it('every registered job has a valid cron expression that falls due at least once a day', async () => {
  const seen = new Map<string, number>();
  const scheduler = new Scheduler('Asia/Shanghai', logger);
  for (const [name, entry] of Object.entries(JOBS)) {
    seen.set(name, 0);
    scheduler.add(name, entry.cron, async () => void seen.set(name, seen.get(name)! + 1));
  }
  scheduler.start();
  try {
    await jest.advanceTimersByTimeAsync(24 * 3600_000);
    for (const [name, count] of seen) expect([name, count > 0]).toEqual([name, true]);
  } finally {
    scheduler.stop();
  }
});
