import { z } from 'zod';

/**
 * The only reader of the environment. Everything is parsed and checked once at start-up;
 * a bad value stops the process with one line that names the variable.
 */

export interface Config {
  port: number;
  databaseUrl: string;
  feishu: {
    appId: string | undefined;
    appSecret: string | undefined;
    verificationToken: string | undefined;
    encryptKey: string | undefined;
    baseUrl: string;
    /** How far X-Lark-Request-Timestamp may be from our clock, in seconds. */
    maxClockSkewSeconds: number;
    /** Timeout of one Open API call; an outbound message's claim lasts twice as long. */
    httpTimeoutMs: number;
  };
  /** No app credentials: nothing is sent; what would be sent is logged. */
  dryRun: boolean;
  adminOpenIds: ReadonlySet<string>;
  campaignYear: number;
  timezone: string;
  logLevel: string;
  /** Local hour (SCHEDULE_TIMEZONE) at which reminders and the weekly digest fall due. */
  reminderHour: number;
  /** How long `npm run job` waits to deliver what it queued before leaving it to the running bot. */
  jobDeliveryWaitSeconds: number;
  /** Largest request body the webhooks accept, in bytes. */
  maxBodyBytes: number;
  /**
   * TEST_CLOCK_AT (tests only): the instant (ms) the bot's clock starts at; it runs on from
   * there. Undefined in production: loadConfig refuses it unless NODE_ENV=test and the Open API
   * is on a loopback address (or dry-run).
   */
  testClockAt: number | undefined;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly expected: string) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function yearIn(timezone: string, now: Date): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric' }).format(now));
}

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .default('sqlite:data/bot.sqlite')
    .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v), {
      message: "expected 'sqlite:<file path>' or 'postgres://user:pass@host:5432/db'",
    }),
  FEISHU_APP_ID: optionalText.refine((v) => v === undefined || /^cli_\w+$/.test(v), {
    message: "expected the app's App ID, which starts with 'cli_'",
  }),
  FEISHU_APP_SECRET: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_BASE_URL: z
    .string()
    .trim()
    .default('https://open.feishu.cn')
    .refine((v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
      message: "expected a base URL such as 'https://open.feishu.cn' (no path)",
    })
    .transform((v) => v.replace(/\/$/, '')),
  FEISHU_MAX_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  FEISHU_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  ADMIN_OPEN_IDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((ids) => ids.every((id) => /^ou_\w+$/.test(id)), {
      message: "expected comma-separated open_ids, each starting with 'ou_'",
    }),
  SCHEDULE_TIMEZONE: z
    .string()
    .trim()
    .default('Asia/Shanghai')
    .refine(isTimeZone, { message: "expected an IANA time zone such as 'Asia/Shanghai'" }),
  CAMPAIGN_YEAR: optionalText.refine((v) => v === undefined || /^20\d\d$/.test(v), {
    message: 'expected a four-digit year such as 2027',
  }),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  JOB_DELIVERY_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  NODE_ENV: optionalText,
  TEST_CLOCK_AT: optionalText.refine((v) => v === undefined || parseInstant(v) !== undefined, {
    message: "expected an ISO instant with an offset, such as '2027-06-01T00:30:00+08:00'",
  }),
});

/** An ISO 8601 instant that names its offset (Z or ±hh:mm): never read in the machine's zone. */
function parseInstant(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** 127.0.0.0/8, ::1 or localhost: where the tests' fake Open API listens. */
function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(env: Record<string, string | undefined>, now: Date = new Date()): Config {
  // `PORT=` in an env file means "not set", for every variable alike.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;

  if (Boolean(e.FEISHU_APP_ID) !== Boolean(e.FEISHU_APP_SECRET)) {
    const missing = e.FEISHU_APP_ID ? 'FEISHU_APP_SECRET' : 'FEISHU_APP_ID';
    throw new ConfigError(missing, 'set FEISHU_APP_ID and FEISHU_APP_SECRET together, or neither for dry-run mode');
  }
  const dryRun = !e.FEISHU_APP_ID;
  if (!dryRun && !e.FEISHU_ENCRYPT_KEY && !e.FEISHU_VERIFICATION_TOKEN) {
    throw new ConfigError(
      'FEISHU_ENCRYPT_KEY',
      'with app credentials set, set FEISHU_ENCRYPT_KEY (recommended) or FEISHU_VERIFICATION_TOKEN so inbound requests can be verified',
    );
  }

  // A shifted clock would accept replayed requests and misdate everything: tests only, never
  // against the real Open API.
  const testClockAt = e.TEST_CLOCK_AT === undefined ? undefined : parseInstant(e.TEST_CLOCK_AT);
  if (testClockAt !== undefined) {
    if (e.NODE_ENV !== 'test') throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused unless NODE_ENV=test');
    if (!dryRun && !isLoopback(e.FEISHU_BASE_URL)) {
      throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused when FEISHU_BASE_URL is not a loopback address');
    }
    now = new Date(testClockAt);
  }

  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    feishu: {
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      baseUrl: e.FEISHU_BASE_URL,
      maxClockSkewSeconds: e.FEISHU_MAX_CLOCK_SKEW_SECONDS,
      httpTimeoutMs: e.FEISHU_HTTP_TIMEOUT_MS,
    },
    dryRun,
    adminOpenIds: new Set(e.ADMIN_OPEN_IDS),
    campaignYear: e.CAMPAIGN_YEAR ? Number(e.CAMPAIGN_YEAR) : yearIn(e.SCHEDULE_TIMEZONE, now),
    timezone: e.SCHEDULE_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    reminderHour: e.REMINDER_HOUR,
    jobDeliveryWaitSeconds: e.JOB_DELIVERY_WAIT_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    testClockAt,
  };
}

/**
 * For the process entry points: the configuration, or one line on stderr naming the variable
 * and exit with `exitCode` (other errors are thrown).
 */
export function loadConfigOrExit(env: Record<string, string | undefined>, exitCode: number): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(exitCode);
    }
    throw err;
  }
}
