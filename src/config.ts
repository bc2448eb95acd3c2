import { z } from 'zod';

/**
 * The only reader of the environment (and of `.env`). Everything is parsed and checked once at
 * start-up; a bad value stops the process with one line that names the variable.
 */

/** How Feishu reaches the bot: HTTP pushes to a public address, or an outbound WebSocket. */
export type FeishuEventMode = 'webhook' | 'long-connection';

/** The 台账 in the centre's 多维表格 (issue 13 item 1). */
export interface LedgerConfig {
  /** FEISHU_BITABLE_APP_TOKEN: the Base the 台账's tables are in. */
  appToken: string;
  /** FEISHU_BITABLE_URL, or https://feishu.cn/base/<app_token>: the link `台账` answers with. */
  url: string;
}

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
    eventMode: FeishuEventMode;
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
  http: {
    /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
    trustProxy: boolean;
    /** Concurrent connections; more are refused until some close. */
    maxConnections: number;
    /** Time to receive a whole request, headers and body; slower ones are cut off. */
    requestTimeoutMs: number;
  };
  /**
   * PROCESSING_THREAD (issue 14 item 9): 'worker' (default) acknowledges on the main thread and
   * processes in a worker thread (src/front/); 'main' runs everything on one thread.
   */
  processingThread: 'worker' | 'main';
  /** Where backups go (nightly at 02:00 when set); undefined: no nightly backup. */
  backupDir: string | undefined;
  /** How many backups to keep, newest first. */
  backupKeep: number;
  /** Bearer token for GET /metrics; undefined: no /metrics route. */
  metricsToken: string | undefined;
  /** Contacts of a campaign year are masked once the year ended more than this many years ago. */
  dataRetentionYears: number;
  /** CIRCULAR_TO_REGIONS: the monthly 通报 also goes to each 盟市's group (its own line and rank). */
  circularToRegions: boolean;
  /** YEAR_END_FIGURES_DATE ('MM-DD'): when each 盟市's group gets its year-end figures. */
  yearEndFiguresDate: string;
  // --- The 台账 in the centre's 多维表格 (issue 13 item 1) ---
  /** FEISHU_BITABLE_APP_TOKEN and FEISHU_BITABLE_URL; undefined: no 台账. */
  ledger: LedgerConfig | undefined;
  // --- Calendar and escalation (issue 13 items 5, 6) ---
  /** FEISHU_CALENDAR_ID: approved activities become events in this calendar; undefined: no calendar. */
  calendarId: string | undefined;
  /** URGENT_ESCALATION: once the last reminder has passed with nothing done, buzz the responsible person (urgent_app). */
  urgentEscalation: boolean;
  /** The centre's contact (the notice's 联系方式), shown on the help card and on returned or rejected applications. */
  centreContact: CentreContact;
  /** SCAN_REQUIRED (issue 11): whether the stamped scan of the 申请表 is expected (see ScanRequired). */
  scanRequired: ScanRequired;
  // --- DingTalk (issue 12) ---
  /** Undefined when DINGTALK_CLIENT_ID/DINGTALK_CLIENT_SECRET are not set (DingTalk off). */
  dingtalk: DingTalkConfig | undefined;
  /**
   * TEST_CLOCK_AT (tests only): the instant (ms) the bot's clock starts at; it runs on from
   * there. Undefined in production: loadConfig refuses it unless NODE_ENV=test and the Open API
   * is on a loopback address (or dry-run).
   */
  testClockAt: number | undefined;
}

/** How DingTalk reaches the bot: an outbound Stream WebSocket, or HTTP callbacks to /dingtalk/events. */
export type DingTalkMode = 'stream' | 'http';

export interface DingTalkConfig {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  mode: DingTalkMode;
  /** The OpenAPI host; the Stream gateway is opened through it too. */
  baseUrl: string;
  /** Staff ids (userid) of the centre's administrators on DingTalk. */
  adminStaffIds: ReadonlySet<string>;
  /**
   * DINGTALK_TENANT_KEY: the books DingTalk's records are kept in. Unset: the organisation's
   * corpId (its own books). Set to the Feishu tenant_key to keep one centre's books across both
   * platforms (one numbering, one 待审, one digest). Records still say where they came from.
   */
  tenantKey: string | undefined;
  /** DINGTALK_FORM_TEMPLATE_ID: forms as this form-variable card template (issue 12 item 6); unset → the wizard. */
  formTemplateId?: string;
}

/** Each part optional: an empty value is not shown. */
/**
 * `confirm` (default): 通过 without the stamped scan asks the admin once more, and the filer is
 * reminded of a missing scan; `off`: the scan is optional (no question, no reminder).
 */
export type ScanRequired = 'confirm' | 'off';

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

/** 'MM-DD' naming a day every year has (02-29 is refused: most years would have no such day). */
function isMonthDay(value: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const days = new Date(Date.UTC(2027, Number(m[1]), 0)).getUTCDate();
  return Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= days;
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
  FEISHU_EVENT_MODE: z.enum(['webhook', 'long-connection']).default('webhook'),
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
  TRUST_PROXY: z.enum(['0', '1'], { message: "expected '0' or '1'" }).default('0'),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(512),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  PROCESSING_THREAD: z.enum(['worker', 'main'], { message: "expected 'worker' or 'main'" }).default('worker'),
  BACKUP_DIR: optionalText,
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(14),
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'expected at least 16 characters (a random secret), or leave it empty to turn /metrics off',
  }),
  DATA_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(3),
  CIRCULAR_TO_REGIONS: z.enum(['0', '1'], { message: "expected '0' (off) or '1' (on)" }).default('0'),
  YEAR_END_FIGURES_DATE: z
    .string()
    .trim()
    .default('12-01')
    .refine(isMonthDay, { message: "expected a day of the year as 'MM-DD', e.g. '12-01'" }),
  // The 台账 (issue 13 item 1): the Base's app_token (the part of its address after /base/).
  FEISHU_BITABLE_APP_TOKEN: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9]{8,64}$/.test(v), {
    message: "expected the Base's app_token: the letters and digits after /base/ in its address",
  }),
  FEISHU_BITABLE_URL: optionalText.refine((v) => v === undefined || /^https:\/\/\S+$/.test(v), { message: "expected the Base's https:// address" }),
  // --- Calendar and escalation (issue 13 items 5, 6) ---
  FEISHU_CALENDAR_ID: optionalText.refine((v) => v === undefined || /^[\w.@-]{1,200}$/.test(v), {
    message: "expected a calendar id such as 'feishu.cn_xxxxxxxx@group.calendar.feishu.cn'",
  }),
  URGENT_ESCALATION: z.enum(['0', '1'], { message: "expected '0' (off) or '1' (on)" }).default('0'),
  CENTRE_CONTACT_NAME: optionalText.refine((v) => v === undefined || [...v].length <= 30, { message: 'expected a name of at most 30 characters' }),
  CENTRE_CONTACT_PHONE: optionalText.refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(v), {
    message: "expected a phone number such as '0471-6939381'",
  }),
  CENTRE_CONTACT_EMAIL: optionalText.refine((v) => v === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: "expected an e-mail address such as 'zzqkczx@126.com'",
  }),
  SCAN_REQUIRED: z.enum(['confirm', 'off'], { message: "expected 'confirm' (ask before approving without the stamped scan, remind the filer) or 'off'" }).default('confirm'),
  NODE_ENV: optionalText,
  TEST_CLOCK_AT: optionalText.refine((v) => v === undefined || parseInstant(v) !== undefined, {
    message: "expected an ISO instant with an offset, such as '2027-06-01T00:30:00+08:00'",
  }),
  // --- DingTalk (issue 12) ---
  DINGTALK_CLIENT_ID: optionalText,
  DINGTALK_CLIENT_SECRET: optionalText,
  DINGTALK_ROBOT_CODE: optionalText,
  DINGTALK_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_BASE_URL: z
    .string()
    .trim()
    .default('https://api.dingtalk.com')
    .refine((v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
      message: "expected a base URL such as 'https://api.dingtalk.com' (no path)",
    })
    .transform((v) => v.replace(/\/$/, '')),
  DINGTALK_FORM_TEMPLATE_ID: optionalText.refine((v) => v === undefined || /^[\w.-]{1,128}$/.test(v), { message: "expected a card template id such as 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.schema'" }),
  DINGTALK_TENANT_KEY: optionalText.refine((v) => v === undefined || /^[\w-]{1,64}$/.test(v), { message: 'expected a tenant key (letters, digits, _ or -)' }),
  DINGTALK_ADMIN_STAFF_IDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    // Never Feishu-shaped (ou_…): the outbox tells the platforms' ids apart by that prefix.
    .refine((ids) => ids.every((id) => /^[\w-]{1,64}$/.test(id) && !/^o[ucmn]_/.test(id)), {
      message: 'expected comma-separated DingTalk staff ids (userid)',
    }),
});

function dingtalkConfig(e: z.infer<typeof schema>): DingTalkConfig | undefined {
  if (Boolean(e.DINGTALK_CLIENT_ID) !== Boolean(e.DINGTALK_CLIENT_SECRET)) {
    const missing = e.DINGTALK_CLIENT_ID ? 'DINGTALK_CLIENT_SECRET' : 'DINGTALK_CLIENT_ID';
    throw new ConfigError(missing, 'set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (AppKey and AppSecret) together, or neither to leave DingTalk off');
  }
  if (!e.DINGTALK_CLIENT_ID || !e.DINGTALK_CLIENT_SECRET) return undefined;
  return {
    clientId: e.DINGTALK_CLIENT_ID,
    clientSecret: e.DINGTALK_CLIENT_SECRET,
    robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
    mode: e.DINGTALK_MODE,
    baseUrl: e.DINGTALK_BASE_URL,
    adminStaffIds: new Set(e.DINGTALK_ADMIN_STAFF_IDS),
    tenantKey: e.DINGTALK_TENANT_KEY,
    formTemplateId: e.DINGTALK_FORM_TEMPLATE_ID,
  };
}


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
  const dingtalk = dingtalkConfig(e);
  const longConnection = e.FEISHU_EVENT_MODE === 'long-connection';
  if (longConnection && dryRun) {
    throw new ConfigError('FEISHU_EVENT_MODE', 'long-connection needs FEISHU_APP_ID and FEISHU_APP_SECRET (the connection is opened with them)');
  }
  // The SDK's WSClient silently stays idle for any other id (FEISHU.md §9): say so at start-up.
  if (longConnection && !/^cli_[0-9a-fA-F]{16}$/.test(e.FEISHU_APP_ID ?? '')) {
    throw new ConfigError('FEISHU_APP_ID', "long-connection needs the app's real App ID: 'cli_' followed by 16 hexadecimal digits");
  }
  // Over the long connection Feishu neither signs nor needs a token (FEISHU.md §9).
  if (!dryRun && !longConnection && !e.FEISHU_ENCRYPT_KEY && !e.FEISHU_VERIFICATION_TOKEN) {
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
    if (e.DINGTALK_CLIENT_ID && !isLoopback(e.DINGTALK_BASE_URL)) {
      throw new ConfigError('TEST_CLOCK_AT', 'is for tests only: it is refused when DINGTALK_BASE_URL is not a loopback address');
    }
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
      eventMode: e.FEISHU_EVENT_MODE,
    },
    dryRun,
    adminOpenIds: new Set(e.ADMIN_OPEN_IDS),
    campaignYear: e.CAMPAIGN_YEAR ? Number(e.CAMPAIGN_YEAR) : undefined,
    timezone: e.SCHEDULE_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    reminderHour: e.REMINDER_HOUR,
    jobDeliveryWaitSeconds: e.JOB_DELIVERY_WAIT_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    http: {
      trustProxy: e.TRUST_PROXY === '1',
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    processingThread: e.PROCESSING_THREAD,
    backupDir: e.BACKUP_DIR,
    backupKeep: e.BACKUP_KEEP,
    metricsToken: e.METRICS_TOKEN,
    dataRetentionYears: e.DATA_RETENTION_YEARS,
    circularToRegions: e.CIRCULAR_TO_REGIONS === '1',
    yearEndFiguresDate: e.YEAR_END_FIGURES_DATE,
    calendarId: e.FEISHU_CALENDAR_ID,
    urgentEscalation: e.URGENT_ESCALATION === '1',
    dingtalk,
    ledger: e.FEISHU_BITABLE_APP_TOKEN
      ? { appToken: e.FEISHU_BITABLE_APP_TOKEN, url: e.FEISHU_BITABLE_URL ?? `https://feishu.cn/base/${e.FEISHU_BITABLE_APP_TOKEN}` }
      : undefined,
    centreContact: {
      ...(e.CENTRE_CONTACT_NAME ? { name: e.CENTRE_CONTACT_NAME } : {}),
      ...(e.CENTRE_CONTACT_PHONE ? { phone: e.CENTRE_CONTACT_PHONE } : {}),
      ...(e.CENTRE_CONTACT_EMAIL ? { email: e.CENTRE_CONTACT_EMAIL } : {}),
    },
    scanRequired: e.SCAN_REQUIRED,
    testClockAt,
  };
}

/** The file `npm start` and `npm run job` read, in the working directory (npm: the project's). */
export const ENV_FILE = '.env';

/**
 * Reads `.env` into process.env with Node's own parser (`process.loadEnvFile`, Node ≥ 20.12):
 * a variable already set in the environment wins over the file, even when set to the empty
 * string; a missing file is fine. Returns whether a file was read.
 */
export function loadEnvFile(path: string = ENV_FILE): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * The one configuration loader of the process entry points (`src/main.ts`, `src/jobs/cli.ts`):
 * `.env` (see loadEnvFile), then the environment checked by loadConfig. On a bad value, one line
 * on stderr naming the variable and exit with `exitCode`.
 */
export function loadProcessConfigOrExit(exitCode: number): { config: Config; envFileRead: boolean } {
  let envFileRead = false;
  try {
    envFileRead = loadEnvFile();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Configuration error: ${err.message}\n`);
    process.exit(exitCode);
  }
  return { config: loadConfigOrExit(process.env, exitCode), envFileRead };
}

/**
 * The configuration of `env`, or one line on stderr naming the variable and exit with
 * `exitCode` (other errors are thrown).
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
