import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Payloads from Feishu's documentation (and a few captures), kept in the repository:
 * test/fixtures/feishu/, each file's `_source` and the README there name where it came from.
 * Found from test/helpers/ (jest) and from dist/test/helpers/ (the compiled benchmark).
 */
export const FIXTURES_DIR = [join(__dirname, '..', 'fixtures', 'feishu'), join(__dirname, '..', '..', '..', 'test', 'fixtures', 'feishu')]
  .find((dir) => existsSync(dir)) ?? join(__dirname, '..', 'fixtures', 'feishu');

export function loadFixture<T = Record<string, any>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8')) as T;
}

/** A fixture without its `_source`-style annotations: the payload as Feishu sends it. */
export function payloadFixture(name: string): Record<string, any> {
  const raw = loadFixture(name);
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
}

/** Encrypts as Feishu does: base64(iv ‖ AES-256-CBC(PKCS7, key = SHA-256(encryptKey))). */
export function encrypt(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function sign(timestamp: string, nonce: string, encryptKey: string, body: string | Buffer): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(body)
    .digest('hex');
}

export interface BuiltRequest {
  headers: Record<string, string>;
  body: string;
}

export interface BuildOptions {
  encryptKey?: string;
  /** Seconds since the epoch for X-Lark-Request-Timestamp; default `now()`. */
  timestamp?: number;
  /** The clock to sign with (the bot's clock in the test); default the real one. */
  now?: () => number;
  /** Leave the signature headers off (an unsigned request). */
  unsigned?: boolean;
  /** Send the payload in plain JSON even though an encrypt key is given. */
  plain?: boolean;
}

/** Builds the request Feishu would POST: encrypted body and signature headers when a key is set. */
export function buildFeishuRequest(payload: unknown, opts: BuildOptions = {}): BuiltRequest {
  const json = JSON.stringify(payload);
  const body = opts.encryptKey && !opts.plain ? JSON.stringify({ encrypt: encrypt(json, opts.encryptKey) }) : json;
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (opts.encryptKey && !opts.unsigned) {
    const timestamp = String(opts.timestamp ?? Math.floor((opts.now ?? Date.now)() / 1000));
    const nonce = randomBytes(8).toString('hex');
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = sign(timestamp, nonce, opts.encryptKey, body);
  }
  return { headers, body };
}
