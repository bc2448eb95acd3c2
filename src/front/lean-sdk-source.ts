import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';

/**
 * Loads the Feishu SDK's bundle (`@larksuiteoapi/node-sdk/lib/index.js`, one 6 MB file) as ASCII
 * source: every non-ASCII character (its comments are Chinese) is written as a `\uHHHH` escape.
 *
 * Why (issue 14 item 9, RSS): V8 keeps a script's source for as long as its functions may still
 * be compiled, and one character outside Latin-1 makes it keep the whole source as UTF-16 —
 * 11.2 MiB for this file, the largest single object in the processing worker's heap. As ASCII it
 * is 6.5 MiB, and built from a Buffer it lives outside the V8 heap. Measured: the idle bot's RSS
 * 7 MiB lower (bench/README.md, "Where the memory goes").
 *
 * Why it is safe: a `\uHHHH` escape means the same character in a comment, a string, a template
 * (cooked), a regular expression and an identifier. The one place it would not — a backslash
 * right before a non-ASCII character, where the escape would itself be escaped — is checked, and
 * such a file is loaded unchanged. So is any other file: only the SDK's entry is rewritten.
 *
 * The rewritten file is kept in `dist/.cache/` (keyed by the SDK file's size and time) and read
 * from there as node reads any module: from the second start on, loading leaves no garbage behind.
 * (Rewriting in memory leaves two 6 MB buffers that a collection started meanwhile can keep until
 * the next full one, measured for a whole benchmark run. It is the fallback when the folder
 * cannot be written.)
 *
 * `require.extensions` (Module._extensions) is how require hooks work on Node 20 (pirates,
 * ts-node); pirates itself is not used because it hands the hook the source already decoded into
 * a JS string, the very UTF-16 copy this avoids.
 */

type Loader = (module: NodeModule & { _compile(source: string, filename: string): unknown }, filename: string) => void;

let installed = false;

/** Installs the loader for the SDK's entry file. Call before anything imports the SDK. */
export function installLeanSdkSource(): void {
  if (installed) return;
  installed = true;
  let sdkEntry: string;
  try {
    sdkEntry = require.resolve('@larksuiteoapi/node-sdk');
  } catch {
    return;
  }
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const loadJs = extensions['.js'];
  extensions['.js'] = function (module, filename) {
    if (filename !== sdkEntry) return loadJs.call(this, module, filename);
    const source = leanSource(filename);
    if (source === undefined) return loadJs.call(this, module, filename);
    module._compile(source, filename);
  };
}

/** dist/.cache when compiled (dist/src/front/ → dist/.cache). */
const CACHE_DIR = join(__dirname, '..', '..', '.cache');

function leanSource(entry: string): string | undefined {
  const { size, mtimeMs } = statSync(entry);
  const cached = join(CACHE_DIR, `lark-sdk-ascii-${size}-${Math.floor(mtimeMs)}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    /* not written yet */
  }
  const ascii = asciiBytes(readFileSync(entry));
  if (ascii === undefined) return undefined;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${cached}.${process.pid}.${Date.now()}.partial`;
    writeFileSync(partial, ascii);
    renameSync(partial, cached);
  } catch {
    /* a read-only installation: rewritten in memory every time */
  }
  // Latin-1 decoding of ASCII bytes: a one-byte string.
  return ascii.toString('latin1');
}

/**
 * UTF-8 source bytes → the same program in ASCII (non-ASCII characters as `\uHHHH`, astral ones as
 * a surrogate pair), as a one-byte string; undefined when a backslash precedes a non-ASCII
 * character (the rewrite would change its meaning) or the bytes are not valid UTF-8.
 */
export function asciiSource(bytes: Buffer): string | undefined {
  return asciiBytes(bytes)?.toString('latin1');
}

/** {@link asciiSource} as bytes. */
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function asciiBytes(bytes: Buffer): Buffer | undefined {
  let length = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      length += 1;
      i += 1;
      continue;
    }
    if (i > 0 && bytes[i - 1] === 0x5c) return undefined;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (size === 0 || i + size > bytes.length) return undefined;
    for (let k = 1; k < size; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return undefined;
    length += size === 4 ? 12 : 6;
    i += size;
  }
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  // No allocation in this loop: were there any, a minor GC could run while both buffers are
  // alive, move them to the old generation, and their 13 MB would then stay until a full GC
  // (measured: the worker's external memory 23.5 MiB instead of 10.8 for a whole benchmark run).
  const escape = (unit: number) => {
    out[o] = 0x5c; // backslash
    out[o + 1] = 0x75; // u
    out[o + 2] = HEX[(unit >> 12) & 0xf];
    out[o + 3] = HEX[(unit >> 8) & 0xf];
    out[o + 4] = HEX[(unit >> 4) & 0xf];
    out[o + 5] = HEX[unit & 0xf];
    o += 6;
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      out[o++] = b;
      i += 1;
    } else if (b >= 0xf0) {
      const v = (((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f)) - 0x10000;
      escape(0xd800 + (v >> 10));
      escape(0xdc00 + (v & 0x3ff));
      i += 4;
    } else if (b >= 0xe0) {
      escape(((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f));
      i += 3;
    } else {
      escape(((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f));
      i += 2;
    }
  }
  return out;
}
