import { z } from 'zod';
import { baseUrl, commaList, ConfigError, onOffFlag, optionalText } from './values';

/** Feishu: the app's credentials, how events arrive, its administrators, the 台账 and the calendar. */

/** How Feishu reaches the bot: HTTP pushes to a public address, or an outbound WebSocket. */
export type FeishuEventMode = 'webhook' | 'long-connection';

/** The 台账 in the centre's 多维表格 (issue 13 item 1). */
export interface LedgerConfig {
  /** FEISHU_BITABLE_APP_TOKEN: the Base the 台账's tables are in. */
  appToken: string;
  /** FEISHU_BITABLE_URL, or https://feishu.cn/base/<app_token>: the link `台账` answers with. */
  url: string;
}

export interface FeishuSettings {
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
  // --- The 台账 in the centre's 多维表格 (issue 13 item 1) ---
  /** FEISHU_BITABLE_APP_TOKEN and FEISHU_BITABLE_URL; undefined: no 台账. */
  ledger: LedgerConfig | undefined;
  // --- Calendar and escalation (issue 13 items 5, 6) ---
  /** FEISHU_CALENDAR_ID: approved activities become events in this calendar; undefined: no calendar. */
  calendarId: string | undefined;
  /** URGENT_ESCALATION: once the last reminder has passed with nothing done, buzz the responsible person (urgent_app). */
  urgentEscalation: boolean;
}

export const feishuEnv = z.object({
  FEISHU_APP_ID: optionalText.refine((v) => v === undefined || /^cli_\w+$/.test(v), {
    message: "expected the app's App ID, which starts with 'cli_'",
  }),
  FEISHU_APP_SECRET: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_BASE_URL: baseUrl('https://open.feishu.cn', 'https://open.feishu.cn'),
  FEISHU_EVENT_MODE: z.enum(['webhook', 'long-connection']).default('webhook'),
  FEISHU_MAX_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  FEISHU_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  ADMIN_OPEN_IDS: commaList().refine((ids) => ids.every((id) => /^ou_\w+$/.test(id)), {
    message: "expected comma-separated open_ids, each starting with 'ou_'",
  }),
  // The 台账 (issue 13 item 1): the Base's app_token (the part of its address after /base/).
  FEISHU_BITABLE_APP_TOKEN: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9]{8,64}$/.test(v), {
    message: "expected the Base's app_token: the letters and digits after /base/ in its address",
  }),
  FEISHU_BITABLE_URL: optionalText.refine((v) => v === undefined || /^https:\/\/\S+$/.test(v), { message: "expected the Base's https:// address" }),
  // --- Calendar and escalation (issue 13 items 5, 6) ---
  FEISHU_CALENDAR_ID: optionalText.refine((v) => v === undefined || /^[\w.@-]{1,200}$/.test(v), {
    message: "expected a calendar id such as 'feishu.cn_xxxxxxxx@group.calendar.feishu.cn'",
  }),
  URGENT_ESCALATION: onOffFlag,
});

/** App ID and secret come together; none means dry-run. */
export function checkFeishuCredentials(e: z.infer<typeof feishuEnv>): { dryRun: boolean } {
  if (Boolean(e.FEISHU_APP_ID) !== Boolean(e.FEISHU_APP_SECRET)) {
    const missing = e.FEISHU_APP_ID ? 'FEISHU_APP_SECRET' : 'FEISHU_APP_ID';
    throw new ConfigError(missing, 'set FEISHU_APP_ID and FEISHU_APP_SECRET together, or neither for dry-run mode');
  }
  return { dryRun: !e.FEISHU_APP_ID };
}

/** The Feishu settings; the event mode's requirements are checked (after checkFeishuCredentials). */
export function feishuSettings(e: z.infer<typeof feishuEnv>): FeishuSettings {
  const { dryRun } = checkFeishuCredentials(e);
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
  return {
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
    ledger: e.FEISHU_BITABLE_APP_TOKEN
      ? { appToken: e.FEISHU_BITABLE_APP_TOKEN, url: e.FEISHU_BITABLE_URL ?? `https://feishu.cn/base/${e.FEISHU_BITABLE_APP_TOKEN}` }
      : undefined,
    calendarId: e.FEISHU_CALENDAR_ID,
    urgentEscalation: e.URGENT_ESCALATION === '1',
  };
}
