import { z } from 'zod';

/** What every area's parser shares: the one error type and the value checks. */

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly expected: string) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

/** A text variable; empty (after trimming) means not set. */
export const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** '0' (off) or '1' (on), off by default. */
export const onOffFlag = z.enum(['0', '1'], { message: "expected '0' (off) or '1' (on)" }).default('0');

/** A base URL with no path ('https://host[:port]'), the trailing slash dropped. */
export function baseUrl(defaultUrl: string, example: string) {
  return z
    .string()
    .trim()
    .default(defaultUrl)
    .refine((v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
      message: `expected a base URL such as '${example}' (no path)`,
    })
    .transform((v) => v.replace(/\/$/, ''));
}

/** A comma-separated list; blanks between commas are dropped. */
export function commaList() {
  return z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** 'MM-DD' naming a day every year has (02-29 is refused: most years would have no such day). */
export function isMonthDay(value: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const days = new Date(Date.UTC(2027, Number(m[1]), 0)).getUTCDate();
  return Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= days;
}

/** An ISO 8601 instant that names its offset (Z or ±hh:mm): never read in the machine's zone. */
export function parseInstant(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** 127.0.0.0/8, ::1 or localhost: where the tests' fake Open API listens. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
