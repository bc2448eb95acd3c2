import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { PollingLoop } from '../../src/services/polling-loop';

/**
 * The background workers' one loop (outbox, inbox, 台账, calendar). Jest's modern fake timers
 * replace setTimeout and setImmediate: the test moves time on without waiting, and records the
 * fake clock at each pass.
 */

const lines: Array<Record<string, unknown>> = [];
const logger = createLogger('info', new Writable({ write: (c, _e, done) => void (lines.push(JSON.parse(String(c))), done()) }));

beforeEach(() => {
  lines.length = 0;
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => jest.useRealTimers());

/** A deferred a pass can wait on, so the test decides when it ends. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

it('runs a pass right after start, then every interval, and none after stop', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(async () => void at.push(Date.now()), { intervalMs: 1000, logger, failureMessage: 'x' });
  expect(loop.running).toBe(false);
  loop.start();
  expect(loop.running).toBe(true);
  await jest.advanceTimersByTimeAsync(3500);
  expect(at).toEqual([0, 1000, 2000, 3000]);
  await loop.stop();
  expect(loop.running).toBe(false);
  await jest.advanceTimersByTimeAsync(5000);
  expect(at).toEqual([0, 1000, 2000, 3000]);
});

it('schedules the next pass when the pass names a time, clamped at now', async () => {
  const at: number[] = [];
  const asks = [250, -40, 5000];
  const loop = new PollingLoop(async () => (at.push(Date.now()), asks.shift()), { intervalMs: 1000, logger, failureMessage: 'x' });
  loop.start();
  await jest.advanceTimersByTimeAsync(4000);
  // 0 asks 250; 250 asks -40, so at once (a timer of 0, which Node runs after 1 ms); 251 asks 5000.
  expect(at).toEqual([0, 250, 251]);
  await jest.advanceTimersByTimeAsync(1500);
  // 5251 asks nothing, so the interval follows.
  expect(at).toEqual([0, 250, 251, 5251]);
  await jest.advanceTimersByTimeAsync(1000);
  expect(at).toEqual([0, 250, 251, 5251, 6251]);
  await loop.stop();
});

it('logs a failed pass, waits retryDelayMs and carries on', async () => {
  const at: number[] = [];
  let fail = 2;
  const loop = new PollingLoop(
    async () => {
      at.push(Date.now());
      if (fail-- > 0) throw new Error('database is locked');
    },
    { intervalMs: 1000, retryDelayMs: 300, logger, failureMessage: 'worker: pass failed', errorFields: (err) => ({ err: (err as Error).message }) },
  );
  loop.start();
  await jest.advanceTimersByTimeAsync(1700);
  expect(at).toEqual([0, 300, 600, 1600]);
  expect(lines.filter((l) => l.msg === 'worker: pass failed').map((l) => [l.level, l.err])).toEqual([
    [50, 'database is locked'],
    [50, 'database is locked'],
  ]);
  await loop.stop();
});

it('without retryDelayMs a failed pass is retried after the interval, the error logged whole', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(
    async () => {
      at.push(Date.now());
      throw new Error('gone');
    },
    { intervalMs: 1000, logger, failureMessage: 'worker: pass failed' },
  );
  loop.start();
  await jest.advanceTimersByTimeAsync(1500);
  expect(at).toEqual([0, 1000]);
  expect((lines[0].err as { message: string }).message).toBe('gone');
  await loop.stop();
});

it('never runs two passes at once: a wake during a pass runs one more right after it', async () => {
  const at: number[] = [];
  let inPass = 0;
  let overlap = false;
  const first = gate();
  const loop = new PollingLoop(
    async () => {
      overlap ||= inPass > 0;
      inPass += 1;
      at.push(Date.now());
      if (at.length === 1) await first.wait;
      inPass -= 1;
    },
    { intervalMs: 10_000, logger, failureMessage: 'x' },
  );
  loop.start();
  await jest.advanceTimersByTimeAsync(10);
  expect(at).toEqual([0]);
  loop.wake();
  loop.wake();
  await jest.advanceTimersByTimeAsync(100);
  expect(at).toEqual([0]);
  first.open();
  await jest.advanceTimersByTimeAsync(0);
  // The wakes during the first pass make one pass, right after it; then the interval.
  expect(at).toEqual([0, 110]);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(at).toEqual([0, 110, 10_110]);
  expect(overlap).toBe(false);
  await loop.stop();
});

it('a wake between passes runs one soon instead of waiting for the interval; wakes before it merge', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(async () => void at.push(Date.now()), { intervalMs: 10_000, logger, failureMessage: 'x' });
  loop.start();
  await jest.advanceTimersByTimeAsync(500);
  loop.wake();
  loop.wake();
  await jest.advanceTimersByTimeAsync(1);
  expect(at).toEqual([0, 500]);
  // The interval counts from the woken pass.
  await jest.advanceTimersByTimeAsync(10_000);
  expect(at).toEqual([0, 500, 10_500]);
  await loop.stop();
});

it('stop waits for the pass under way, and a wake after stop does nothing', async () => {
  const done: string[] = [];
  const slow = gate();
  const loop = new PollingLoop(
    async () => {
      await slow.wait;
      done.push('pass');
    },
    { intervalMs: 1000, logger, failureMessage: 'x' },
  );
  loop.start();
  await jest.advanceTimersByTimeAsync(1);
  const stopped = loop.stop().then(() => done.push('stopped'));
  await jest.advanceTimersByTimeAsync(50);
  expect(done).toEqual([]);
  slow.open();
  await stopped;
  expect(done).toEqual(['pass', 'stopped']);
  loop.wake();
  await jest.advanceTimersByTimeAsync(5000);
  expect(done).toEqual(['pass', 'stopped']);
});

it('runPass runs a pass while stopped (a one-off drain) and joins one under way', async () => {
  let passes = 0;
  const slow = gate();
  const loop = new PollingLoop(
    async () => {
      passes += 1;
      await slow.wait;
    },
    { intervalMs: 1000, logger, failureMessage: 'x' },
  );
  const a = loop.runPass();
  const b = loop.runPass();
  slow.open();
  await Promise.all([a, b]);
  expect(passes).toBe(1);
  // Stopped: nothing follows.
  await jest.advanceTimersByTimeAsync(5000);
  expect(passes).toBe(1);
});

it('a start while running changes nothing: the next pass still waits for the interval', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(async () => void at.push(Date.now()), { intervalMs: 1000, logger, failureMessage: 'x' });
  loop.start();
  await jest.advanceTimersByTimeAsync(500);
  loop.start();
  await jest.advanceTimersByTimeAsync(400);
  expect(at).toEqual([0]);
  await jest.advanceTimersByTimeAsync(200);
  expect(at).toEqual([0, 1000]);
  await loop.stop();
});

it('a stop right after start runs no pass at all', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(async () => void at.push(Date.now()), { intervalMs: 1000, logger, failureMessage: 'x' });
  loop.start();
  await loop.stop();
  await jest.advanceTimersByTimeAsync(5000);
  expect(at).toEqual([]);
});

it('a restart after stop runs one pass at once, then waits for the interval again', async () => {
  const at: number[] = [];
  const loop = new PollingLoop(async () => void at.push(Date.now()), { intervalMs: 1000, logger, failureMessage: 'x' });
  loop.start();
  await jest.advanceTimersByTimeAsync(100);
  await loop.stop();
  loop.start();
  await jest.advanceTimersByTimeAsync(1500);
  expect(at).toEqual([0, 100, 1100]);
  await loop.stop();
});
