import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_JS } from './bot-process';

/**
 * Process-level tests run the compiled bot. `npm test` compiles first (tsc also type-checks
 * the tests); a bare `npx jest` on a fresh checkout builds here.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(MAIN_JS)) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, '..', '..', 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
  }
}
