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
  /**
   * CAMPAIGN_YEAR when set. Unset, the year follows the clock: the season that is running or
   * the next one (see `campaignYearOn` in src/domain/application-rules.ts), computed for each
   * filing, so a bot running through December needs no restart.
   */
  campaignYear: number | undefined;
  timezone: string;
  logLevel: string;
  /** Local hour (SCHEDULE_TIMEZONE) at which reminders and the weekly digest fall due. */
  reminderHour: number;
  /** How long `npm run job` waits to deliver what it queued before leaving it to the running bot. */
  jobDeliveryWaitSeconds: number;
  /** Largest request body the webhooks accept, in bytes. */
  maxBodyBytes: number;
  /** The centre's contact (the notice's 联系方式), shown on the help card and on returned or rejected applications. */
  centreContact: CentreContact;
}

/** Each part optional: an empty value is not shown. */
export interface CentreContact {
  name?: string;
  phone?: string;
  email?: string;
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
  CENTRE_CONTACT_NAME: optionalText.refine((v) => v === undefined || [...v].length <= 30, { message: 'expected a name of at most 30 characters' }),
  CENTRE_CONTACT_PHONE: optionalText.refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(v), {
    message: "expected a phone number such as '0471-6939381'",
  }),
  CENTRE_CONTACT_EMAIL: optionalText.refine((v) => v === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: "expected an e-mail address such as 'zzqkczx@126.com'",
  }),
});

export function loadConfig(env: Record<string, string | undefined>): Config {
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
    campaignYear: e.CAMPAIGN_YEAR ? Number(e.CAMPAIGN_YEAR) : undefined,
    timezone: e.SCHEDULE_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    reminderHour: e.REMINDER_HOUR,
    jobDeliveryWaitSeconds: e.JOB_DELIVERY_WAIT_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    centreContact: {
      ...(e.CENTRE_CONTACT_NAME ? { name: e.CENTRE_CONTACT_NAME } : {}),
      ...(e.CENTRE_CONTACT_PHONE ? { phone: e.CENTRE_CONTACT_PHONE } : {}),
      ...(e.CENTRE_CONTACT_EMAIL ? { email: e.CENTRE_CONTACT_EMAIL } : {}),
    },
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
