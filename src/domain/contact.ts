import { halfWidthDigits } from './numbers';

/**
 * A mainland mobile number as people type it in a form: the rules and messages of every form's
 * 手机号码 (applications, needs) and of the expert list.
 */

/**
 * The number without what people write around it: full-width digits become ASCII, spaces and
 * dashes go, and so does a +86 or 0086 prefix. The result is not checked; see `mobileError`.
 */
export function normaliseMobile(raw: string): string {
  return halfWidthDigits(raw.trim())
    .replace(/[\s-]/g, '')
    .replace(/^(?:\+86|0086)/, '');
}

/** The form's message for `raw`, or undefined when it is a valid mobile number. */
export function mobileError(raw: string): string | undefined {
  const mobile = normaliseMobile(raw);
  if (!/^\d{11}$/.test(mobile)) return '请输入 11 位手机号码';
  // Stryker disable next-line Regex: `mobile` has just been checked to be exactly 11 digits, so either anchor alone pins the whole string.
  if (!/^1[3-9]\d{9}$/.test(mobile)) return '手机号码格式不正确（应为 13–19 开头的 11 位号码）';
  return undefined;
}
