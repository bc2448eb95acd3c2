import { z } from 'zod';
import { optionalText } from './values';

/** The centre running the campaign: the campaign year, its contact, and whether the stamped scan is expected. */

/**
 * `confirm` (default): 通过 without the stamped scan asks the admin once more, and the filer is
 * reminded of a missing scan; `off`: the scan is optional (no question, no reminder).
 */
export type ScanRequired = 'confirm' | 'off';

/** Each part optional: an empty value is not shown. */
export interface CentreContact {
  name?: string;
  phone?: string;
  email?: string;
}

export interface CentreSettings {
  /**
   * CAMPAIGN_YEAR when set. Unset, the year follows the clock: the season that is running or
   * the next one (see `campaignYearOn` in src/domain/application-season.ts), computed for each
   * filing, so a bot running through December needs no restart.
   */
  campaignYear: number | undefined;
  /** The centre's contact (the notice's 联系方式), shown on the help card and on returned or rejected applications. */
  centreContact: CentreContact;
  /** SCAN_REQUIRED (issue 11): whether the stamped scan of the 申请表 is expected (see ScanRequired). */
  scanRequired: ScanRequired;
}

export const centreEnv = z.object({
  CAMPAIGN_YEAR: optionalText.refine((v) => v === undefined || /^20\d\d$/.test(v), {
    message: 'expected a four-digit year such as 2027',
  }),
  CENTRE_CONTACT_NAME: optionalText.refine((v) => v === undefined || [...v].length <= 30, { message: 'expected a name of at most 30 characters' }),
  CENTRE_CONTACT_PHONE: optionalText.refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(v), {
    message: "expected a phone number such as '0471-6939381'",
  }),
  CENTRE_CONTACT_EMAIL: optionalText.refine((v) => v === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: "expected an e-mail address such as 'zzqkczx@126.com'",
  }),
  SCAN_REQUIRED: z.enum(['confirm', 'off'], { message: "expected 'confirm' (ask before approving without the stamped scan, remind the filer) or 'off'" }).default('confirm'),
});

export function centreSettings(e: z.infer<typeof centreEnv>): CentreSettings {
  return {
    campaignYear: e.CAMPAIGN_YEAR ? Number(e.CAMPAIGN_YEAR) : undefined,
    centreContact: {
      ...(e.CENTRE_CONTACT_NAME ? { name: e.CENTRE_CONTACT_NAME } : {}),
      ...(e.CENTRE_CONTACT_PHONE ? { phone: e.CENTRE_CONTACT_PHONE } : {}),
      ...(e.CENTRE_CONTACT_EMAIL ? { email: e.CENTRE_CONTACT_EMAIL } : {}),
    },
    scanRequired: e.SCAN_REQUIRED,
  };
}
