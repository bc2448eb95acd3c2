/**
 * Event acknowledgement latency and throughput of the real bot process, while the Open API
 * answers slowly.
 *
 *   npm run bench                                   # 500 events/s for 20 s, Open API delay 5 s
 *   npm run bench -- --rate 500 --seconds 20        # the same, explicitly
 *   node dist/bench/ack-latency.js --help           # every option
 *
 * The bot runs as a child process (`node dist/src/main.js`) against a fresh SQLite database in
 * a temporary directory, talking to a fake Feishu Open API in this process whose message APIs
 * answer after 5 s. An open-loop generator POSTs encrypted, signed `im.message.receive_v1`
 * events to /feishu/events at a fixed rate: each one a distinct private chat saying 帮助, so
 * each produces one reply through the slow fake. Sends follow the clock, not the answers, and
 * latency runs from each event's scheduled send time to the end of its response, so a stalled
 * bot cannot hide its stall by slowing the generator down (no coordinated omission).
 *
 * Prints a table and, last, a one-line JSON summary. Exits 1 when p99 ≥ 50 ms, max ≥ 1000 ms or
 * any request failed (non-200, connection error, timeout); 2 when the benchmark itself could not
 * run. Everything is on 127.0.0.1; the child and the temporary directory are removed on exit.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { FakeFeishu } from '../test/helpers/fake-feishu';
import { buildFeishuRequest } from '../test/helpers/feishu-signer';

const HOST = '127.0.0.1';
const ENCRYPT_KEY = 'bench-encrypt-key';
const VERIFICATION_TOKEN = 'bench-verification-token';
const TENANT_KEY = '2e7075328c8f165b';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  openApiDelayMs: number;
  sockets: number;
  requestTimeoutMs: number;
  p99LimitMs: number;
  maxLimitMs: number;
  timeline: boolean;
  newConnections: boolean;
  probe: boolean;
  sqlStats: boolean;
  keep: boolean;
  nodeArgs: string[];
  /** Start the bot with the node flags of `npm start` (package.json), as it runs in production. */
  startFlags: boolean;
  /** Also run the SDK's own EventDispatcher on the same events, after the bot (sdk-dispatcher.ts). */
  sdk: boolean;
  /** PROCESSING_THREAD for the bot: worker (its default) or main (the one-thread bot). */
  processingThread: 'worker' | 'main';
}

const USAGE = `Usage: node dist/bench/ack-latency.js [options]

  --rate N               events per second, open loop (default 500)
  --seconds N            measured load duration in seconds (default 20)
  --warmup N             seconds of load at the same rate before measuring, not counted (default 0)
  --open-api-delay-ms N  how long the fake Open API takes to answer a message call (default 5000)
  --sockets N            sockets the generator may have open at once (default 256)
  --new-connections      a new connection for every event (Connection: close) instead of keep-alive
  --request-timeout-ms N a request unanswered after this long is an error (default 10000)
  --p99-ms N             fail when p99 >= N ms (default 50)
  --max-ms N             fail when max >= N ms (default 1000)
  --timeline             also print latency per second of the run
  --no-probe             do not preload the event-loop probe into the bot
  --sql-stats            have the probe count the bot's SQL statements and print them per event
  --node-arg ARG         pass ARG to the bot's node (repeatable), e.g. --node-arg=--cpu-prof
  --no-start-flags       start the bot without the node flags of \`npm start\` (package.json)
  --processing-thread T  the bot's PROCESSING_THREAD: worker (default) or main (everything on one thread)
  --no-sdk               do not also run the SDK's EventDispatcher on the same events
  --keep                 keep the temporary directory (database, probe log, profiles)
  --help                 this text`;

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    rate: 500,
    seconds: 20,
    warmupSeconds: 0,
    openApiDelayMs: 5000,
    sockets: 256,
    requestTimeoutMs: 10_000,
    p99LimitMs: 50,
    maxLimitMs: 1000,
    timeline: false,
    newConnections: false,
    probe: true,
    sqlStats: false,
    keep: false,
    nodeArgs: [],
    startFlags: true,
    sdk: true,
    processingThread: 'worker',
  };
  const numeric: Record<string, [keyof Options, number, number]> = {
    '--rate': ['rate', 1, 20_000],
    '--seconds': ['seconds', 1, 600],
    '--warmup': ['warmupSeconds', 0, 120],
    '--open-api-delay-ms': ['openApiDelayMs', 0, 60_000],
    '--sockets': ['sockets', 1, 10_000],
    '--request-timeout-ms': ['requestTimeoutMs', 100, 120_000],
    '--p99-ms': ['p99LimitMs', 0, 1e9],
    '--max-ms': ['maxLimitMs', 0, 1e9],
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg in numeric) {
      const [key, min, max] = numeric[arg];
      const raw = takeValue();
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${arg}: expected a number from ${min} to ${max}, got '${raw}'`);
      (o as any)[key] = n;
    } else if (arg === '--timeline') o.timeline = true;
    else if (arg === '--new-connections') o.newConnections = true;
    else if (arg === '--no-probe') o.probe = false;
    else if (arg === '--sql-stats') o.sqlStats = true;
    else if (arg === '--keep') o.keep = true;
    else if (arg === '--no-sdk') o.sdk = false;
    else if (arg === '--no-start-flags') o.startFlags = false;
    else if (arg === '--processing-thread') {
      const v = takeValue();
      if (v !== 'worker' && v !== 'main') throw new UsageError(`--processing-thread: expected worker or main, got '${v}'`);
      o.processingThread = v;
    }
    else if (arg === '--node-arg') o.nodeArgs.push(takeValue());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else throw new UsageError(`unknown option '${argv[i]}'`);
  }
  if (o.sqlStats && !o.probe) throw new UsageError('--sql-stats needs the probe');
  if ((o.warmupSeconds + o.seconds) * o.rate > 2_000_000) throw new UsageError('at most 2,000,000 events per run');
  return o;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The project root: the nearest directory above this file with the project's package.json. */
function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'enterprise-innovation-assistant') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the project root (package.json) above ' + __dirname);
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function getStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

/** The bot process's RSS and CPU, from /proc (Linux). */
class ProcSampler {
  peakRssKb = 0;
  samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(everyMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    const kb = this.statusField('VmRSS');
    if (kb !== undefined) {
      this.samples += 1;
      this.peakRssKb = Math.max(this.peakRssKb, kb);
    }
  }

  /** The kernel's own high-water mark, to cross-check the sampled peak. */
  highWaterKb(): number | undefined {
    return this.statusField('VmHWM');
  }

  /** User + system CPU time so far, in ms. */
  cpuMs(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) → indices 11 and 12.
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
    } catch {
      return undefined;
    }
  }

  private statusField(name: string): number | undefined {
    try {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat: what else ran during the load shows here. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = cpu[3] + (cpu[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Counts by status in the bot's database, read-only while it runs (SQLite WAL allows that). */
async function statusCounts(dbFile: string): Promise<Record<string, Record<string, number>> | undefined> {
  const db = await new Promise<sqlite3.Database | undefined>((resolve) => {
    const d: sqlite3.Database = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY, (err) => resolve(err ? undefined : d));
  });
  if (!db) return undefined;
  const all = (sql: string) =>
    new Promise<Array<{ status: string; n: number }>>((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as any))));
  try {
    db.configure('busyTimeout', 2000);
    const out: Record<string, Record<string, number>> = {};
    for (const table of ['inbound_events', 'outbox_messages']) {
      out[table] = {};
      for (const row of await all(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`)) out[table][row.status] = row.n;
    }
    return out;
  } catch {
    return undefined;
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** An `im.message.receive_v1` in the shape Feishu sends (see test/fixtures/feishu): a private chat saying 帮助. */
function privateHelpMessage(appId: string): Record<string, unknown> {
  const hex = (n: number) => randomBytes(n).toString('hex');
  const now = String(Date.now());
  return {
    schema: '2.0',
    header: {
      event_id: hex(16),
      token: VERIFICATION_TOKEN,
      create_time: now,
      event_type: 'im.message.receive_v1',
      tenant_key: TENANT_KEY,
      app_id: appId,
    },
    event: {
      message: {
        // Everyone has their own private chat with the bot: distinct chats, so Feishu's
        // per-chat rate limit (which the outbox honours) does not serialise the replies.
        chat_id: `oc_${hex(16)}`,
        chat_type: 'p2p',
        content: JSON.stringify({ text: '帮助' }),
        create_time: now,
        message_id: `om_${hex(16)}`,
        message_type: 'text',
        update_time: now,
      },
      sender: {
        sender_id: { open_id: `ou_${hex(16)}`, union_id: `on_${hex(16)}`, user_id: hex(4) },
        sender_type: 'user',
        tenant_key: TENANT_KEY,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The bot under test

interface BotProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

/**
 * The node flags `npm start` gives the bot (package.json: `node <flags> dist/src/main.js`), e.g.
 * --max-semi-space-size: the bot is measured as it is run.
 */
export function startFlagsOf(root: string): string[] {
  const start: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts?.start ?? '';
  const m = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/src\/main\.js/.exec(start);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

/** Starts `node dist/src/main.js` (with the flags of `npm start`); see waitUntilReady. */
async function startBot(root: string, fake: FakeFeishu, dir: string, opts: Options, probeFile: string): Promise<BotProcess> {
  const mainJs = join(root, 'dist', 'src', 'main.js');
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run 'npm run build' first`);
  const port = await freeLoopbackPort();
  const nodeArgs = [...(opts.startFlags ? startFlagsOf(root) : []), ...opts.nodeArgs];
  if (opts.probe) nodeArgs.push('-r', join(__dirname, 'loop-probe.js'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    FEISHU_APP_ID: fake.appId,
    FEISHU_APP_SECRET: fake.appSecret,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    FEISHU_BASE_URL: fake.url,
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    LOG_LEVEL: 'warn',
    PROCESSING_THREAD: opts.processingThread,
    ...(opts.probe ? { BENCH_LOOP_PROBE_FILE: probeFile } : {}),
    ...(opts.sqlStats ? { BENCH_SQL_STATS: '1' } : {}),
  };
  // cwd: the run's own folder, so a .env in the project does not change what is measured.
  const child = spawn(process.execPath, [...nodeArgs, mainJs], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the last 64 KiB of what it says; reading also keeps a chatty child from blocking on a full pipe.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
    child.once('error', (err) => {
      keep(Buffer.from(`spawn failed: ${err.message}\n`));
      exitCode = -1;
      resolve();
    });
  });

  return {
    child,
    port,
    output: () => tail,
    exited: () => exitCode !== undefined,
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      // It finishes the sends under way (at most one Open API delay), then exits.
      const graceMs = Math.min(30_000, opts.openApiDelayMs + 5000);
      await Promise.race([exit, sleep(graceMs)]);
      if (exitCode === undefined) {
        child.kill('SIGKILL');
        await Promise.race([exit, sleep(2000)]);
      }
    },
  };
}

/** Ready when GET /healthz answers 200; gives up after 30 s or when the bot dies. */
async function waitUntilReady(bot: BotProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (bot.exited()) throw new Error(`the bot exited during start-up:\n${bot.output()}`);
    if ((await getStatus(`http://${HOST}:${bot.port}/healthz`, 1000)) === 200) return;
    if (Date.now() > deadline) throw new Error(`the bot did not answer GET /healthz with 200 within 30 s:\n${bot.output()}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// The load

interface LoadResult {
  /** Per measured event: latency in ms, NaN when it failed. */
  latencies: Float64Array;
  /** Scheduled send time of each measured event, ms after the measured start. */
  scheduledAt: Float64Array;
  statuses: Map<string, number>;
  sent: number;
  ok: number;
  errors: number;
  /** From the first measured scheduled send to the last one actually sent. */
  sendSpanMs: number;
  /** From the first measured scheduled send to the last measured response. */
  completionSpanMs: number;
  /** How far behind schedule the generator itself ever was, in ms. */
  maxGeneratorLagMs: number;
  unanswered: number;
  phases: Phases;
  /** New connections the generator had to open (more when answers are slow). */
  connectionsOpened: number;
  connects: Array<[number, number]>;
}

interface Phases {
  socketWait: Float64Array;
  connect: Float64Array;
  answer: Float64Array;
  /** performance.now() when the request could go out (internal). */
  ready: Float64Array;
}

async function runLoad(port: number, events: ReadonlyArray<Record<string, unknown>>, opts: Options, abort: AbortSignal): Promise<LoadResult> {
  // `timeout` matters: without it Node's agent ignores the server's `Keep-Alive: timeout=5` hint and
  // keeps idle sockets forever, so it now and then reuses one the bot is just closing (ECONNRESET).
  const agent = new http.Agent({
    keepAlive: !opts.newConnections,
    maxSockets: opts.sockets,
    maxFreeSockets: opts.sockets,
    scheduling: 'lifo',
    timeout: opts.requestTimeoutMs,
  });
  // Interrupted: stop sending and drop the connections, so the bot can shut down at once.
  abort.addEventListener('abort', () => agent.destroy(), { once: true });
  const warmup = Math.round(opts.rate * opts.warmupSeconds);
  const measured = Math.round(opts.rate * opts.seconds);
  const total = warmup + measured;
  const intervalMs = 1000 / opts.rate;
  const latencies = new Float64Array(measured).fill(NaN);
  const scheduledAt = new Float64Array(measured);
  const statuses = new Map<string, number>();
  // Where each measured event's time went: waiting for a socket (behind schedule or queued in the
  // agent), connecting (new sockets only), and from connected to the end of the answer.
  const phases: Phases = {
    socketWait: new Float64Array(measured).fill(NaN),
    connect: new Float64Array(measured).fill(0),
    answer: new Float64Array(measured).fill(NaN),
    ready: new Float64Array(measured).fill(NaN),
  };
  let connectionsOpened = 0;
  // [local port, epoch ms] of each new connection, to match with the bot's accepts.
  const connects: Array<[number, number]> = [];
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let outstanding = 0;
  let lastResponseAt = 0;
  let maxLag = 0;
  let lastSendAt = 0;
  const t0 = performance.now() + 20;
  const measuredStart = t0 + warmup * intervalMs;

  let closed = false;
  const finish = (i: number, due: number, outcome: string) => {
    if (closed) return;
    outstanding -= 1;
    const at = performance.now();
    if (i < warmup) return;
    const m = i - warmup;
    statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
    lastResponseAt = Math.max(lastResponseAt, at);
    if (outcome === '200') {
      ok += 1;
      latencies[m] = at - due;
    } else errors += 1;
  };

  const fire = (i: number, due: number) => {
    // The same events in the same order for every target; signed and encrypted when sent.
    const { headers, body } = buildFeishuRequest(events[i], { encryptKey: ENCRYPT_KEY });
    const payload = Buffer.from(body, 'utf8');
    let done = false;
    const settle = (outcome: string) => {
      if (done) return;
      done = true;
      finish(i, due, outcome);
    };
    outstanding += 1;
    if (i >= warmup) {
      sent += 1;
      scheduledAt[i - warmup] = due - measuredStart;
    }
    const m = i - warmup;
    const req = http.request(
      {
        agent,
        host: HOST,
        port,
        method: 'POST',
        path: '/feishu/events',
        headers: { ...headers, 'content-length': String(payload.length), ...(opts.newConnections ? { connection: 'close' } : {}) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (m >= 0) phases.answer[m] = performance.now() - phases.ready[m];
          settle(String(res.statusCode));
        });
        res.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? 'response error'));
      },
    );
    req.once('socket', (socket: net.Socket) => {
      const assigned = performance.now();
      if (m >= 0) phases.socketWait[m] = assigned - due;
      if (socket.connecting) {
        connectionsOpened += 1;
        socket.once('connect', () => {
          const connected = performance.now();
          connects.push([socket.localPort ?? 0, performance.timeOrigin + connected]);
          if (m >= 0) {
            phases.connect[m] = connected - assigned;
            phases.ready[m] = connected;
          }
        });
      } else if (m >= 0) phases.ready[m] = assigned;
    });
    req.setTimeout(opts.requestTimeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => settle(`${err.code ?? err.message}${req.reusedSocket ? ' on a reused socket' : ''}`));
    req.end(payload);
  };

  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      if (abort.aborted) return resolve();
      const now = performance.now();
      // Everything that is due goes now; a late tick sends a burst, as a real sender would.
      while (next < total && t0 + next * intervalMs <= now) {
        const due = t0 + next * intervalMs;
        maxLag = Math.max(maxLag, performance.now() - due);
        fire(next, due);
        next += 1;
      }
      if (next >= total) {
        lastSendAt = performance.now();
        return resolve();
      }
      setTimeout(tick, Math.max(0, t0 + next * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });

  // Wait for the answers still out: bounded by the request timeout.
  const drainDeadline = performance.now() + opts.requestTimeoutMs + 2000;
  while (outstanding > 0 && performance.now() < drainDeadline && !abort.aborted) await sleep(10);
  const unanswered = outstanding;
  closed = true;
  agent.destroy();
  if (unanswered > 0) {
    // Whatever is still out counts as failed; late settles are ignored from here on.
    errors += unanswered;
    statuses.set('unanswered', unanswered);
  }
  return {
    latencies,
    scheduledAt,
    statuses,
    sent,
    ok,
    errors,
    sendSpanMs: lastSendAt - measuredStart,
    completionSpanMs: (lastResponseAt || performance.now()) - measuredStart,
    maxGeneratorLagMs: maxLag,
    unanswered,
    phases,
    connectionsOpened,
    connects,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

interface ProbeLine {
  t: number;
  delayP50: number;
  delayP99: number;
  delayMax: number;
  elu: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  sql?: Record<string, { n: number; ms: number; maxMs: number; rows: number }>;
  /** Inside the bot: from its 'request' event to the end of its response. */
  requests?: number;
  serverP50?: number | null;
  serverP99?: number | null;
  serverMax?: number | null;
  accepted?: number;
  accepts?: Array<[number, number]>;
}

/**
 * How long new connections waited to be accepted by the bot: from our 'connect' (the kernel
 * completed the handshake) to the bot's 'connection' event. Matched by client port.
 */
function acceptDelays(connects: Array<[number, number]>, probe: ProbeLine[]): Float64Array {
  // Ports are reused over a run: match each connect to the first later accept on its port.
  const byPort = (pairs: Iterable<[number, number]>) => {
    const map = new Map<number, number[]>();
    for (const [port, at] of pairs) {
      const list = map.get(port);
      if (list) list.push(at);
      else map.set(port, [at]);
    }
    return map;
  };
  const acceptsByPort = byPort(probe.flatMap((line) => line.accepts ?? []));
  const connectsByPort = byPort(connects);
  const delays: number[] = [];
  // The two clocks are the same machine's; allow a few ms of rounding either way.
  const slack = 5;
  for (const [port, times] of connectsByPort) {
    const accepted = (acceptsByPort.get(port) ?? []).sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    let k = 0;
    for (let j = 0; j < times.length; j++) {
      const next = j + 1 < times.length ? times[j + 1] - slack : Infinity;
      while (k < accepted.length && accepted[k] < times[j] - slack) k += 1;
      // The accept must come before the port's next connect; otherwise it was not seen (left out).
      if (k < accepted.length && accepted[k] < next) {
        delays.push(Math.max(0, accepted[k] - times[j]));
        k += 1;
      }
    }
  }
  return Float64Array.from(delays).sort();
}

function readProbe(file: string): ProbeLine[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProbeLine);
  } catch {
    return [];
  }
}

/** SQL statements run between two cumulative probe lines, most frequent first. */
function sqlRows(before: ProbeLine | undefined, after: ProbeLine | undefined, events: number): string[] {
  if (!after?.sql) return ['  (no SQL statistics: the probe wrote none)'];
  const rows = Object.entries(after.sql).map(([shape, s]) => {
    const b = before?.sql?.[shape] ?? { n: 0, ms: 0, maxMs: 0, rows: 0 };
    return { shape, n: s.n - b.n, ms: s.ms - b.ms, maxMs: s.maxMs, rows: s.rows - b.rows };
  });
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const out = [
    `  ${total} statements, ${fmt(total / Math.max(1, events), 2)} per event sent; call to callback, queueing included:`,
    '   per event   count   mean ms  max ms  rows/call  statement',
  ];
  for (const r of rows.filter((r) => r.n > 0).sort((a, b) => b.n - a.n).slice(0, 20)) {
    out.push(
      `  ${fmt(r.n / Math.max(1, events), 3).padStart(10)}  ${String(r.n).padStart(6)}  ${fmt(r.ms / r.n, 2).padStart(8)}  ${fmt(r.maxMs).padStart(6)}` +
        `  ${fmt(r.rows / r.n).padStart(9)}  ${r.shape.slice(0, 140)}`,
    );
  }
  return out;
}

function timelineRows(load: LoadResult): string[] {
  const rows: string[] = [];
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < load.latencies.length; i++) {
    const second = Math.floor(load.scheduledAt[i] / 1000);
    const list = buckets.get(second) ?? [];
    list.push(load.latencies[i]);
    buckets.set(second, list);
  }
  rows.push('  second  events  failed   p50 ms   p99 ms   max ms');
  for (const [second, list] of [...buckets].sort((a, b) => a[0] - b[0])) {
    const okOnes = Float64Array.from(list.filter((x) => !Number.isNaN(x))).sort();
    rows.push(
      `  ${String(second).padStart(6)}  ${String(list.length).padStart(6)}  ${String(list.length - okOnes.length).padStart(6)}` +
        `  ${fmt(percentile(okOnes, 0.5)).padStart(7)}  ${fmt(percentile(okOnes, 0.99)).padStart(7)}  ${fmt(okOnes[okOnes.length - 1]).padStart(7)}`,
    );
  }
  return rows;
}

function fmt(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

// ---------------------------------------------------------------------------------------------
// The SDK's own EventDispatcher, side by side

interface LatencyStats {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

function latencyStats(load: LoadResult): LatencyStats {
  const sorted = Float64Array.from(load.latencies.filter((x) => !Number.isNaN(x))).sort();
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

interface SdkResult {
  load: LoadResult;
  stats: LatencyStats;
  rssMiB: number;
  cpuPct: number;
  otherCpuPct: number;
}

/** Runs bench/sdk-dispatcher.ts as its own process and sends it the same events at the same rate. */
async function runSdk(
  root: string,
  events: ReadonlyArray<Record<string, unknown>>,
  opts: Options,
  abort: AbortSignal,
  started: (child: ChildProcess) => void,
): Promise<SdkResult> {
  const script = join(root, 'dist', 'bench', 'sdk-dispatcher.js');
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, PORT: String(port), FEISHU_ENCRYPT_KEY: ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started(child);
  let errText = '';
  child.stderr!.on('data', (c: Buffer) => (errText = (errText + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 30_000;
    while ((await getStatus(`http://${HOST}:${port}/healthz`, 1000)) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the SDK dispatcher did not start:\n${errText}`);
      await sleep(100);
    }
    const sampler = new ProcSampler(child.pid!);
    sampler.start(200);
    const cpuBefore = sampler.cpuMs();
    const machineBefore = machineJiffies();
    const benchBefore = process.cpuUsage();
    const t = performance.now();
    const load = await runLoad(port, events, opts, abort);
    const wallMs = performance.now() - t;
    const cpuAfter = sampler.cpuMs();
    const machineAfter = machineJiffies();
    const bench = process.cpuUsage(benchBefore);
    sampler.stop();
    const cpuPct = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) / wallMs) * 100 : NaN;
    const machinePct =
      machineBefore && machineAfter ? ((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total)) * 100 * cpus().length : NaN;
    const benchPct = ((bench.user + bench.system) / 1000 / wallMs) * 100;
    return { load, stats: latencyStats(load), rssMiB: sampler.peakRssKb / 1024, cpuPct, otherCpuPct: Math.max(0, machinePct - cpuPct - benchPct) };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function sdkRows(
  opts: Options,
  bot: { stats: LatencyStats; rssMiB: number; cpuPct: number; otherCpuPct: number; errors: number },
  sdk: SdkResult,
): string[] {
  const row = (name: string, s: LatencyStats, errors: number, rss: number, cpu: number, other: number) =>
    `  ${name.padEnd(24)} ${[s.p50, s.p90, s.p99, s.p999, s.max].map((x) => fmt(x, 2).padStart(9)).join('')}` +
    `${String(errors).padStart(8)}${fmt(rss).padStart(9)}${fmt(cpu).padStart(8)} %${fmt(other).padStart(8)} %${other > 20 ? '  WARNING' : ''}`;
  return [
    `Side by side — the same ${sdk.load.sent} events at ${opts.rate}/s, one target after the other (latency in ms, RSS in MiB, CPU of one core):`,
    `  ${'target'.padEnd(24)} ${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}${'errors'.padStart(8)}${'RSS'.padStart(9)}${'CPU'.padStart(10)}${'others'.padStart(10)}`,
    row(`bot (${opts.processingThread} thread)`, bot.stats, bot.errors, bot.rssMiB, bot.cpuPct, bot.otherCpuPct),
    row('SDK EventDispatcher', sdk.stats, sdk.load.errors, sdk.rssMiB, sdk.cpuPct, sdk.otherCpuPct),
    '  (the SDK row decrypts, checks and answers with an empty handler: nothing stored or processed; "others": CPU',
    '   other processes used meanwhile, WARNING above 20 %)',
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (process.platform !== 'linux') process.stderr.write('note: RSS and CPU come from /proc and are only measured on Linux\n');

  const root = projectRoot();
  const dir = mkdtempSync(join(tmpdir(), 'ack-bench-'));
  const probeFile = join(dir, 'loop-probe.jsonl');
  let fake: FakeFeishu | undefined;
  let bot: BotProcess | undefined;
  let sdkChild: ChildProcess | undefined;
  let sampler: ProcSampler | undefined;
  let cleaning: Promise<void> | undefined;
  let cleanedUp = false;

  // Once, however many times it is asked for; every caller waits for the same clean-up.
  const cleanup = () =>
    (cleaning ??= (async () => {
      sampler?.stop();
      await bot?.stop().catch(() => {});
      await fake?.stop().catch(() => {});
      if (opts.keep) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
      cleanedUp = true;
    })());
  // Last resort if we are interrupted or crash: never leave the bot or the directory behind.
  const interrupted = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the bot and cleaning up\n`);
    interrupted.abort();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    if (bot && !bot.exited()) bot.child.kill('SIGKILL');
    if (sdkChild && sdkChild.exitCode === null && sdkChild.signalCode === null) sdkChild.kill('SIGKILL');
    if (!cleanedUp && !opts.keep) rmSync(dir, { recursive: true, force: true });
  });

  try {
    fake = new FakeFeishu();
    fake.messageDelayMs = opts.openApiDelayMs;
    await fake.start();
    const appId = fake.appId;
    const events = Array.from({ length: Math.round(opts.rate * (opts.warmupSeconds + opts.seconds)) }, () => privateHelpMessage(appId));
    bot = await startBot(root, fake, dir, opts, probeFile);
    await waitUntilReady(bot);
    sampler = new ProcSampler(bot.child.pid!);
    sampler.start(200);

    if (opts.probe) {
      // Its first line is the baseline the SQL counts of the load are taken from.
      const until = Date.now() + 3000;
      while (readProbe(probeFile).length === 0 && Date.now() < until) await sleep(50);
    }
    const flags = opts.startFlags ? startFlagsOf(root) : [];
    process.stderr.write(
      `bot pid ${bot.child.pid} on ${HOST}:${bot.port}${flags.length ? ` (node ${flags.join(' ')}, as npm start)` : ''}; ` +
        `${opts.warmupSeconds > 0 ? `${opts.warmupSeconds} s warm-up, then ` : ''}` +
        `${opts.rate} events/s for ${opts.seconds} s, Open API delay ${opts.openApiDelayMs} ms …\n`,
    );
    const cpuBefore = sampler.cpuMs();
    const machineBefore = machineJiffies();
    const benchCpuBefore = process.cpuUsage();
    const wallStart = Date.now();
    const loadStart = performance.now();
    const load = await runLoad(bot.port, events, opts, interrupted.signal);
    if (interrupted.signal.aborted) return 130;
    const loadWallMs = performance.now() - loadStart;
    const cpuAfter = sampler.cpuMs();
    const machineAfter = machineJiffies();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const cores = cpus().length;
    const machineBusyPct =
      machineBefore && machineAfter ? ((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total)) * 100 * cores : NaN;
    const benchCpuPct = ((benchCpu.user + benchCpu.system) / 1000 / loadWallMs) * 100;
    const wallEnd = Date.now();
    sampler.sample();

    // The probe writes once a second: let it write the line that covers the end of the load.
    if (opts.probe) await sleep(1100);
    const delivered = fake.delivered.length;
    const messageCalls = fake.messageCalls().length;
    const counts = await statusCounts(join(dir, 'bench.sqlite'));
    const botAlive = !bot.exited();
    const hwmKb = sampler.highWaterKb();
    const probeAll = opts.probe ? readProbe(probeFile) : [];
    const measuredFrom = wallStart + opts.warmupSeconds * 1000;
    const probe = probeAll.filter((l) => l.t > measuredFrom && l.t <= wallEnd + 1000);
    const probeBefore = probeAll.filter((l) => l.t <= measuredFrom).pop();

    const okSorted = Float64Array.from(load.latencies.filter((x) => !Number.isNaN(x))).sort();
    const p50 = percentile(okSorted, 0.5);
    const p90 = percentile(okSorted, 0.9);
    const p99 = percentile(okSorted, 0.99);
    const p999 = percentile(okSorted, 0.999);
    const max = okSorted.length ? okSorted[okSorted.length - 1] : NaN;
    const achievedRate = load.sent / Math.max(1e-9, load.sendSpanMs / 1000 + 1 / opts.rate);
    const ackThroughput = load.ok / Math.max(1e-9, load.completionSpanMs / 1000);
    const botCpuPct = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) / loadWallMs) * 100 : NaN;
    const otherCpuPct = Math.max(0, machineBusyPct - botCpuPct - benchCpuPct);
    const probeMax = probe.length ? Math.max(...probe.map((p) => p.delayMax)) : NaN;
    const probeP99 = probe.length ? Math.max(...probe.map((p) => p.delayP99)) : NaN;
    const accepts = acceptDelays(load.connects, probeAll);
    const inBotP99 = probe.length ? Math.max(...probe.map((p) => p.serverP99 ?? 0)) : NaN;
    const inBotMax = probe.length ? Math.max(...probe.map((p) => p.serverMax ?? 0)) : NaN;
    const probeElu = probe.length ? probe.reduce((s, p) => s + p.elu, 0) / probe.length : NaN;

    const sortedOf = (a: Float64Array) => Float64Array.from(a.filter((x) => !Number.isNaN(x))).sort();
    const split = {
      socketWaitP99: percentile(sortedOf(load.phases.socketWait), 0.99),
      connectP99: percentile(sortedOf(load.phases.connect), 0.99),
      answerP99: percentile(sortedOf(load.phases.answer), 0.99),
    };
    // The slow acks, and which phase their time went to.
    const slow = { count: 0, socketWait: 0, connect: 0, answer: 0 };
    for (let i = 0; i < load.latencies.length; i++) {
      if (!(load.latencies[i] >= opts.p99LimitMs)) continue;
      slow.count += 1;
      slow.socketWait += load.phases.socketWait[i] || 0;
      slow.connect += load.phases.connect[i] || 0;
      slow.answer += load.phases.answer[i] || 0;
    }
    const mean = (x: number) => (slow.count ? x / slow.count : NaN);

    const failures: string[] = [];
    if (load.errors > 0) failures.push(`${load.errors} failed requests`);
    if (!(p99 < opts.p99LimitMs)) failures.push(`p99 ${fmt(p99)} ms ≥ ${opts.p99LimitMs} ms`);
    if (!(max < opts.maxLimitMs)) failures.push(`max ${fmt(max)} ms ≥ ${opts.maxLimitMs} ms`);
    if (!botAlive) failures.push('the bot exited during the run');

    const statusText = [...load.statuses].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
    const countText = (table: string) =>
      counts?.[table] ? Object.entries(counts[table]).map(([k, v]) => `${k} ${v}`).join(', ') : 'unavailable';
    const lines = [
      '',
      `Ack latency — POST /feishu/events, ${opts.rate} events/s open loop for ${opts.seconds} s` +
        `${opts.newConnections ? ', a new connection per event' : ''}` +
        `${opts.warmupSeconds ? ` (after ${opts.warmupSeconds} s warm-up)` : ''}, Open API answers after ${opts.openApiDelayMs} ms`,
      `  sent                 ${load.sent}`,
      `  ok (200)             ${load.ok}`,
      `  errors               ${load.errors}${load.errors ? `   (${statusText})` : ''}`,
      `  offered rate         ${fmt(achievedRate)} events/s   (generator at most ${fmt(load.maxGeneratorLagMs)} ms behind schedule)`,
      `  ack throughput       ${fmt(ackThroughput)} acks/s`,
      `  latency p50          ${fmt(p50, 2)} ms`,
      `  latency p90          ${fmt(p90, 2)} ms`,
      `  latency p99          ${fmt(p99, 2)} ms   (limit < ${opts.p99LimitMs})`,
      `  latency p99.9        ${fmt(p999, 2)} ms`,
      `  latency max          ${fmt(max, 2)} ms   (limit < ${opts.maxLimitMs})`,
      `  connections opened   ${load.connectionsOpened}`,
      `  time split, p99      waiting for a socket ${fmt(split.socketWaitP99)} ms, connecting ${fmt(split.connectP99)} ms, ` +
        `request to end of answer ${fmt(split.answerP99)} ms`,
      `  acks ≥ ${opts.p99LimitMs} ms          ${slow.count}` +
        (slow.count
          ? `   (on average: ${fmt(mean(slow.socketWait))} ms waiting for a socket, ${fmt(mean(slow.connect))} ms connecting, ` +
            `${fmt(mean(slow.answer))} ms request to end of answer)`
          : ''),
      `  bot peak RSS         ${fmt(sampler.peakRssKb / 1024)} MiB   (${sampler.samples} samples every 200 ms; kernel high-water ${fmt((hwmKb ?? NaN) / 1024)} MiB)`,
      `  CPU during load      bot ${fmt(botCpuPct)} %, benchmark ${fmt(benchCpuPct)} %, whole machine ${fmt(machineBusyPct)} % ` +
        `(of one core; ${cores} cores)`,
      ...(opts.probe
        ? [
            `  bot event loop       delay p99 ≤ ${fmt(probeP99)} ms, max ${fmt(probeMax)} ms, utilisation ${fmt(probeElu * 100)} %`,
            `  inside the bot       request event to response end: worst second's p99 ${fmt(inBotP99)} ms, max ${fmt(inBotMax)} ms`,
            `  accept delay         ${accepts.length} new connections waited p50 ${fmt(percentile(accepts, 0.5))} ms, ` +
              `p99 ${fmt(percentile(accepts, 0.99))} ms, max ${fmt(accepts[accepts.length - 1])} ms for the bot to accept them`,
          ]
        : []),
      `  replies delivered    ${delivered} so far   (${messageCalls} message calls reached the fake; it answers each after ${opts.openApiDelayMs} ms)`,
      `  inbound events       ${countText('inbound_events')}`,
      `  outbox messages      ${countText('outbox_messages')}`,
      `  result               ${failures.length ? `FAIL — ${failures.join('; ')}` : 'PASS'}`,
    ];
    if (otherCpuPct > 20) {
      lines.push(
        `  WARNING              other processes used ${fmt(otherCpuPct)} % of a core during the load: ` +
          'the bot did not have the machine to itself, so these numbers understate it',
      );
    }
    if (opts.timeline) {
      lines.push('', 'Per second (by scheduled send time):', ...timelineRows(load));
      if (probe.length) {
        lines.push(
          '',
          'Inside the bot, per second (event loop; requests from its "request" event to the end of the response):',
          '  loop-delay p99 ms  max ms   utilisation  cpu ms  requests  in-bot p50 ms  p99 ms  max ms  accepted',
        );
        for (const p of probe) {
          lines.push(
            `  ${fmt(p.delayP99).padStart(17)}  ${fmt(p.delayMax).padStart(6)}   ${fmt(p.elu * 100).padStart(9)} %  ${String(p.cpuUserMs + p.cpuSystemMs).padStart(6)}` +
              `  ${String(p.requests ?? '-').padStart(8)}  ${fmt(p.serverP50).padStart(13)}  ${fmt(p.serverP99).padStart(6)}  ${fmt(p.serverMax).padStart(6)}` +
              `  ${String(p.accepted ?? '-').padStart(8)}`,
          );
        }
      }
    }
    if (opts.sqlStats) lines.push('', 'SQL run by the bot during the measured load:', ...sqlRows(probeBefore, probe[probe.length - 1], load.sent));
    if (!botAlive || load.errors > 0) lines.push('', 'Last output of the bot:', bot.output().slice(-4000));

    // The SDK's own dispatcher on the same events, once the bot has stopped (it would still be
    // working through its outbox).
    let sdk: SdkResult | undefined;
    if (opts.sdk) {
      sampler.stop();
      await bot.stop();
      process.stderr.write(`the SDK's EventDispatcher on the same ${events.length} events …\n`);
      sdk = await runSdk(root, events, opts, interrupted.signal, (child) => (sdkChild = child));
      if (interrupted.signal.aborted) return 130;
      const botStats = { p50, p90, p99, p999, max };
      lines.push('', ...sdkRows(opts, { stats: botStats, rssMiB: sampler.peakRssKb / 1024, cpuPct: botCpuPct, otherCpuPct, errors: load.errors }, sdk));
    }
    process.stdout.write(lines.join('\n') + '\n\n');

    const summary = {
      bench: 'ack-latency',
      rate: opts.rate,
      seconds: opts.seconds,
      warmupSeconds: opts.warmupSeconds,
      openApiDelayMs: opts.openApiDelayMs,
      connections: opts.newConnections ? 'new per event' : 'keep-alive',
      sent: load.sent,
      ok: load.ok,
      errors: load.errors,
      statuses: Object.fromEntries(load.statuses),
      achievedRate: round(achievedRate, 1),
      ackThroughput: round(ackThroughput, 1),
      p50Ms: round(p50),
      p90Ms: round(p90),
      p99Ms: round(p99),
      p999Ms: round(p999),
      maxMs: round(max),
      connectionsOpened: load.connectionsOpened,
      slowAcks: slow.count,
      answerP99Ms: round(split.answerP99),
      peakRssMiB: round(sampler.peakRssKb / 1024, 1),
      botCpuPct: round(botCpuPct, 1),
      benchCpuPct: round(benchCpuPct, 1),
      machineCpuPct: round(machineBusyPct, 1),
      otherCpuPct: round(otherCpuPct, 1),
      loopDelayMaxMs: round(probeMax),
      inBotMaxMs: round(inBotMax),
      acceptDelayMaxMs: accepts.length ? round(accepts[accepts.length - 1]) : null,
      repliesDelivered: delivered,
      messageCalls,
      inbound: counts?.inbound_events ?? null,
      outbox: counts?.outbox_messages ?? null,
      cpus: cpus().length,
      node: process.version,
      processingThread: opts.processingThread,
      nodeFlags: [...(opts.startFlags ? startFlagsOf(root) : []), ...opts.nodeArgs],
      ...(sdk
        ? {
            sdk: {
              ok: sdk.load.ok,
              errors: sdk.load.errors,
              p50Ms: round(sdk.stats.p50),
              p90Ms: round(sdk.stats.p90),
              p99Ms: round(sdk.stats.p99),
              p999Ms: round(sdk.stats.p999),
              maxMs: round(sdk.stats.max),
              peakRssMiB: round(sdk.rssMiB, 1),
              cpuPct: round(sdk.cpuPct, 1),
              otherCpuPct: round(sdk.otherCpuPct, 1),
            },
          }
        : {}),
      pass: failures.length === 0,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    return failures.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    if (bot) process.stderr.write(`last output of the bot:\n${bot.output().slice(-4000)}\n`);
    return 2;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  },
);
