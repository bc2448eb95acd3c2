import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_JS } from './bot-process';

const ROOT = join(__dirname, '..', '..');
/** What `tsconfig.build.json` compiles, and the files that change how it compiles. */
const SOURCE_DIRS = ['src', 'handlers', 'cards', 'bench'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time (ms) of any file under `dir`, 0 when there is none. */
function newestUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than any source it is built from (tsc rewrites every output). */
export function buildIsStale(): boolean {
  if (!existsSync(MAIN_JS)) return true;
  const built = statSync(MAIN_JS).mtimeMs;
  const sources = Math.max(
    ...SOURCE_DIRS.map((d) => newestUnder(join(ROOT, d))),
    ...SOURCE_FILES.map((f) => (existsSync(join(ROOT, f)) ? statSync(join(ROOT, f)).mtimeMs : 0)),
  );
  return sources > built;
}

/** Whether this run names only unit tests (`npx jest test/unit/…`): none of them runs dist/. */
export function namesOnlyUnitTests(patterns: readonly string[]): boolean {
  return patterns.length > 0 && patterns.every((p) => /(^|[\\/])test[\\/]unit([\\/]|$)/.test(p));
}

/**
 * Process-level tests run the compiled bot (dist/). `npm test` compiles first (tsc also
 * type-checks the tests); a bare `npx jest` builds here whenever dist/ is missing or any source
 * is newer than it, so those tests never run old code after a change. A run that names only
 * unit tests skips the build: none of them starts a process, and a full tsc per try made
 * applying mutants by hand several times slower.
 */
export default async function globalSetup(globalConfig?: { testPathPatterns?: { patterns?: readonly string[] } }): Promise<void> {
  if (namesOnlyUnitTests(globalConfig?.testPathPatterns?.patterns ?? [])) return;
  if (buildIsStale()) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
  }
}
