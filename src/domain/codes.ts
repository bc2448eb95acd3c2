import { halfWidthDigits } from './numbers';

/**
 * The codes people quote: a prefix, the campaign year and the year's sequence number, e.g.
 * SQ2027-0001 (applications), XQ2027-0001 (needs), BS2027-0001 (report tasks).
 */

export function formatCode(prefix: string, year: number, seq: number): string {
  return `${prefix}${year}-${String(seq).padStart(4, '0')}`;
}

/**
 * A code as people type it: any case, full-width characters, spaces, a missing or different
 * dash ('sq2027 0001', 'ＳＱ２０２７－１'). Undefined unless it is one with this prefix.
 */
export function parseCodeWith(prefix: string, text: string): { year: number; seq: number } | undefined {
  const t = halfWidthDigits(text.normalize('NFKC').trim()).replace(/[－—–]/g, '-');
  const m = new RegExp(`^${prefix}\\s*(\\d{4})\\s*-?\\s*(\\d{1,6})$`, 'i').exec(t);
  if (!m) return undefined;
  const seq = Number(m[2]);
  return seq > 0 ? { year: Number(m[1]), seq } : undefined;
}
