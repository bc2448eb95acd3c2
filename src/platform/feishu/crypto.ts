import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Feishu's Encrypt Key scheme: AES-256-CBC, PKCS7, key = SHA-256(encryptKey),
 * wire format base64(iv ‖ ciphertext). See FEISHU.md §1.3.
 */
export function decryptPayload(encryptKey: string, encrypted: string): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) {
    throw new Error('encrypted payload has an invalid length');
  }
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** hex(SHA-256(timestamp + nonce + encryptKey ‖ rawBody)) over the exact body bytes (FEISHU.md §1.4). */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(timestamp + nonce + encryptKey, 'utf8'))
    .update(rawBody)
    .digest('hex');
}

/** Constant-time string comparison that does not leak the length through an early return. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
