/** Numbers as people type and read them in the forms. */

/** Full-width digits (０-９) are what a Chinese IME often types; they mean the same digits. */
export function halfWidthDigits(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** A share rounded down to one decimal, so a failing 79.96 % never shows as "80%". */
export function percentText(part: number, whole: number): string {
  const tenths = Math.floor((part * 1000) / whole);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}%`;
}
