// Mutation testing (issue 16 item 7): `npm run mutate`. Not in CI: it is slow on 2 cores.
// A subset: `npm run mutate -- --mutate src/services/retry-policy.ts` (MUTATE_TESTS=unit: unit tests only).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // MUTATE_TESTS=unit: only the unit tests judge the mutants (a quick partial run).
    ...(process.env.MUTATE_TESTS === 'unit' ? { config: { testMatch: ['**/test/unit/**/*.test.ts'] } } : {}),
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // The pure rules, the services (delivery, dates, codes) and the handlers' authorization paths.
  mutate: [
    'src/domain/**/*.ts',
    'src/services/**/*.ts',
    'handlers/application-flow.ts',
    'handlers/application-actions.ts',
    'handlers/need-actions.ts',
    'handlers/report-actions.ts',
    'handlers/summary-actions.ts',
    'handlers/expert-command.ts',
    'handlers/query-command.ts',
  ],
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
};
