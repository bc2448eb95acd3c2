/**
 * Preloaded into the bot under test with `node -r dist/bench/loop-probe.js` by the benchmark, to
 * see inside the bot without changing it. Once a second it appends one JSON line to
 * $BENCH_LOOP_PROBE_FILE (and does nothing at all when that is unset) with:
 *   - event-loop delay and utilisation, and the process's CPU time;
 *   - per request, the time from the HTTP server's 'request' event to the end of the response;
 *   - the connections accepted, with their client ports and times, so that the benchmark can
 *     tell how long each new connection waited to be accepted.
 * With BENCH_SQL_STATS=1 it also counts the SQL statements the bot runs through node-sqlite3 (by
 * statement shape), with how long each took from call to callback, queueing included.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_PROBE_FILE;
const RESOLUTION_MS = 5;
type SqlStat = { n: number; ms: number; maxMs: number; rows: number };
let sql: Map<string, SqlStat> | undefined;

/** A statement's shape: verb, table and WHERE clause, literals and parameters folded. */
function shapeOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const verb = /^\w+/.exec(flat)?.[0]?.toUpperCase() ?? '?';
  const table = /(?:FROM|INTO|UPDATE)\s+"?(\w+)"?/i.exec(flat)?.[1] ?? '';
  const where = / WHERE (.*?)(?: ORDER BY| LIMIT|$)/i.exec(flat)?.[1] ?? '';
  const tail = / LIMIT \d+/i.test(flat) ? ' LIMIT n' : '';
  const fold = (part: string) => part.replace(/"\w+"\./g, '').replace(/"/g, '').replace(/\b\d+\b/g, 'n');
  const sets = verb === 'UPDATE' ? ` SET ${fold(/ SET (.*?) WHERE/i.exec(flat)?.[1] ?? '').replace(/ = (\?|n)/g, '')}` : '';
  return `${verb} ${table}${sets}${where ? ` WHERE ${fold(where)}` : ''}${tail}`;
}

function instrumentSqlite(): void {
  // Resolved as the bot resolves it: the same module object, so the same prototype.
  const sqlite3 = require('sqlite3');
  const stats = new Map<string, SqlStat>();
  sql = stats;
  for (const method of ['run', 'all', 'get', 'each', 'exec']) {
    const original = sqlite3.Database.prototype[method];
    sqlite3.Database.prototype[method] = function (this: unknown, text: string, ...args: unknown[]) {
      const start = performance.now();
      const key = shapeOf(String(text));
      if (!args.length || typeof args[args.length - 1] !== 'function') return original.call(this, text, ...args);
      const cb = args.pop() as (...a: unknown[]) => unknown;
      args.push(function (this: unknown, err: unknown, rows: unknown) {
        const ms = performance.now() - start;
        const s = stats.get(key) ?? { n: 0, ms: 0, maxMs: 0, rows: 0 };
        s.n += 1;
        s.ms += ms;
        s.maxMs = Math.max(s.maxMs, ms);
        if (Array.isArray(rows)) s.rows += rows.length;
        stats.set(key, s);
        return cb.apply(this, arguments as unknown as unknown[]);
      });
      return original.call(this, text, ...args);
    };
  }
}

/** Time from the server's 'request' event to the end of the response, per request, inside the bot. */
let serverTimes: number[] | undefined;
/** [client port, epoch ms] of each connection accepted since the last line: the benchmark matches them to its connects. */
let accepts: Array<[number, number]> = [];
/** Connections accepted since the last line. */
let accepted = 0;

function instrumentHttpServer(): void {
  const http = require('node:http') as typeof import('node:http');
  const times: number[] = [];
  serverTimes = times;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: import('node:http').Server, event: string | symbol, ...args: any[]): boolean {
    if (event === 'connection') {
      const at = performance.now();
      accepts.push([(args[0] as import('node:net').Socket).remotePort ?? 0, Math.round((performance.timeOrigin + at) * 100) / 100]);
      accepted += 1;
    }
    if (event === 'request') {
      const start = performance.now();
      args[1].once('finish', () => times.push(performance.now() - start));
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

if (file) {
  if (process.env.BENCH_SQL_STATS === '1') instrumentSqlite();
  instrumentHttpServer();
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    // The histogram holds whole intervals between samples; the delay is what exceeds RESOLUTION_MS.
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    const line = {
      t: Date.now(),
      // In ms: how long a timer that was due had to wait for the loop (blocking, backlog).
      delayP50: ms(histogram.percentile(50)),
      delayP99: ms(histogram.percentile(99)),
      delayMax: ms(histogram.max),
      elu: Math.round(elu.utilization * 1000) / 1000,
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
    };
    if (sql) (line as Record<string, unknown>).sql = Object.fromEntries(sql);
    if (serverTimes) {
      const sorted = serverTimes.splice(0).sort((a, b) => a - b);
      const q = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 100) / 100 : null);
      Object.assign(line, {
        requests: sorted.length,
        serverP50: q(0.5),
        serverP99: q(0.99),
        serverMax: q(1),
        accepted,
        accepts,
      });
      accepts = [];
      accepted = 0;
    }
    histogram.reset();
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      /* the benchmark has gone; nothing to report to */
    }
  }, 1000);
  timer.unref();
}
