import { z } from 'zod';
import { baseUrl, commaList, ConfigError, optionalText } from './values';

/** DingTalk (issue 12): off unless DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are set. */

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

export interface DingTalkSettings {
  /** Undefined when DINGTALK_CLIENT_ID/DINGTALK_CLIENT_SECRET are not set (DingTalk off). */
  dingtalk: DingTalkConfig | undefined;
}

export const dingtalkEnv = z.object({
  DINGTALK_CLIENT_ID: optionalText,
  DINGTALK_CLIENT_SECRET: optionalText,
  DINGTALK_ROBOT_CODE: optionalText,
  DINGTALK_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_BASE_URL: baseUrl('https://api.dingtalk.com', 'https://api.dingtalk.com'),
  DINGTALK_FORM_TEMPLATE_ID: optionalText.refine((v) => v === undefined || /^[\w.-]{1,128}$/.test(v), { message: "expected a card template id such as 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.schema'" }),
  DINGTALK_TENANT_KEY: optionalText.refine((v) => v === undefined || /^[\w-]{1,64}$/.test(v), { message: 'expected a tenant key (letters, digits, _ or -)' }),
  DINGTALK_ADMIN_STAFF_IDS: commaList()
    // Never Feishu-shaped (ou_…): the outbox tells the platforms' ids apart by that prefix.
    .refine((ids) => ids.every((id) => /^[\w-]{1,64}$/.test(id) && !/^o[ucmn]_/.test(id)), {
      message: 'expected comma-separated DingTalk staff ids (userid)',
    }),
});

export function dingtalkSettings(e: z.infer<typeof dingtalkEnv>): DingTalkSettings {
  if (Boolean(e.DINGTALK_CLIENT_ID) !== Boolean(e.DINGTALK_CLIENT_SECRET)) {
    const missing = e.DINGTALK_CLIENT_ID ? 'DINGTALK_CLIENT_SECRET' : 'DINGTALK_CLIENT_ID';
    throw new ConfigError(missing, 'set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (AppKey and AppSecret) together, or neither to leave DingTalk off');
  }
  if (!e.DINGTALK_CLIENT_ID || !e.DINGTALK_CLIENT_SECRET) return { dingtalk: undefined };
  return {
    dingtalk: {
      clientId: e.DINGTALK_CLIENT_ID,
      clientSecret: e.DINGTALK_CLIENT_SECRET,
      robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
      mode: e.DINGTALK_MODE,
      baseUrl: e.DINGTALK_BASE_URL,
      adminStaffIds: new Set(e.DINGTALK_ADMIN_STAFF_IDS),
      tenantKey: e.DINGTALK_TENANT_KEY,
      formTemplateId: e.DINGTALK_FORM_TEMPLATE_ID,
    },
  };
}
