import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium for the browser tests (playwright-core's own browser download does not work
 * here). Outside CI a machine without it skips the browser tests with one line; under CI=true
 * they must run, so a missing browser fails them.
 */

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_PATH: string | undefined = CANDIDATES.find((p): p is string => !!p && existsSync(p));
export const IN_CI = process.env.CI === 'true';
export const MISSING_CHROMIUM = 'browser tests skipped: no Chromium found (install it with `apt-get install chromium`)';

/** `describe` when the browser tests can (or, in CI, must) run; else `describe.skip` and one line saying what to install. */
export function describeInChromium(name: string, body: () => void): void {
  if (CHROMIUM_PATH || IN_CI) {
    describe(name, body);
    return;
  }
  process.stderr.write(`${MISSING_CHROMIUM}\n`);
  describe.skip(name, body);
}

/** Headless Chromium on a fresh profile (its own user-data-dir, removed on close), Chinese locale, Beijing time. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!CHROMIUM_PATH) throw new Error("CI=true: the browser tests must run, but no Chromium was found (install it with `apt-get install chromium`)");
  const profile = mkdtempSync(join(tmpdir(), 'innovation-bot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=zh-CN',
    ],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
