// Mutation testing (issue 16 item 7). Not in CI: slow on 2 shared cores. README, "Mutation testing".
//
//   npm run mutate                  everything below, judged by the whole suite (hours)
//   npm run mutate:domain           one group, judged by a fast subset of the tests
//   npm run mutate:domain-applications | mutate:domain-sheets | mutate:domain-rules   (domain in parts)
//   npm run mutate:delivery | mutate:dates | mutate:authorization
//   npm run mutate:records | mutate:figures | mutate:sync    (the rest of src/services)
//   npm run mutate:records-applications | -other, figures-circular | -files, sync-ledger | -loops  (halves)
//
// A group is picked by MUTATE_GROUP (the npm scripts set it). Each group keeps its own
// incremental file under reports/ (gitignored), so a rerun after adding tests only runs the
// mutants whose code or covering tests changed.
import { readdirSync, readFileSync } from 'node:fs';

/** The unit tests, transpiled only (ts-jest) and without the global setup that builds dist/. */
const UNIT = '<rootDir>/test/unit/**/*.test.ts';
const integration = (...names) => names.map((n) => `<rootDir>/test/integration/${n}.test.ts`);
const unit = (...names) => names.map((n) => `<rootDir>/test/unit/${n}.test.ts`);

/**
 * The handlers' authorization paths, as line ranges found by reading the handlers (so the
 * ranges follow the code when lines move): the bodies of the helpers that decide who may do
 * what, and every statement that checks a role (`isAdmin`, the filer, a scope) with the block
 * that refuses.
 */
const AUTH_HELPERS = /^(export )?(async )?function (mayAct|mayView|mayViewNeed|scopeOf|scopeForChat|scopeFromValue|adminInCentre|isExpertSheet)\(/;
const AUTH_CHECK = /\bisAdmin\b|\bmayAct\(|\bmayView(Need)?\(|\badminInCentre\(|\bscopeFromValue\(|\bscopeForChat\(|filerOpenId !==|issuedTo !==|scope \?\? ''\) !== region|opts\.adminOnly &&/;
/** Not authorization: whom to notify, which buttons a card shows (every click is checked again). */
const NOT_AUTH = /notifyFiler|Buttons\b|formButton|isAdmin: /;
function authorizationRanges() {
  const found = [];
  for (const name of readdirSync('handlers').filter((f) => f.endsWith('.ts')).sort()) {
    if (name === 'types.ts' || name === 'registry.ts') continue;
    const lines = readFileSync(`handlers/${name}`, 'utf8').split('\n');
    const endOfBlock = (i, indent) => {
      for (let j = i + 1; j < lines.length; j++) if (lines[j].startsWith(`${indent}}`)) return j;
      return i;
    };
    const ranges = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const indent = line.match(/^\s*/)[0];
      if (AUTH_HELPERS.test(line)) {
        const end = endOfBlock(i, indent);
        ranges.push([i, end]);
        i = end;
      } else if (AUTH_CHECK.test(line) && !/^\s*(\*|\/\/|import |\w+,$)/.test(line) && !NOT_AUTH.test(line) && !/^\s*\/\/.*buttons/i.test(lines[i - 1] ?? '')) {
        // An `if (…) {` takes its refusing block with it.
        ranges.push([i, line.trimEnd().endsWith('{') ? endOfBlock(i, indent) : i]);
      }
    }
    found.push(...ranges.map(([from, to]) => `handlers/${name}:${from + 1}-${to + 1}`));
  }
  return found;
}
const authorization = authorizationRanges();

/**
 * The line ranges of the named functions or class methods in `file` (from the declaration to
 * the closing brace at its indentation), so that they follow the code too.
 */
function functionRanges(file, names) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:export )?(?:(?:private|public|protected|static|async) )*(?:function )?(\w+)\(/.exec(line);
    if (!m || !names.includes(m[2])) return;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(`${m[1]}}`));
    found.push(`${file}:${i + 1}-${end + 1}`);
  });
  if (found.length === 0) throw new Error(`stryker.config.mjs: none of ${names.join(', ')} found in ${file}`);
  return found;
}

// The service groups' files, in the halves each group is split into (below).
const RECORDS_APPLICATIONS = ['src/services/application-*.ts'];
const RECORDS_OTHER = [
  'src/services/need-service.ts',
  'src/services/report-service.ts',
  'src/services/expert-service.ts',
  'src/services/binding-service.ts',
  'src/services/form-draft-service.ts',
  'src/services/summary-service.ts',
];
const RECORDS_TESTS = [UNIT, ...integration('applications', 'application-change', 'needs', 'reports', 'expert-list', 'expert-team', 'season')];
/** 通报 and its data / the files: exports, year-end data, spreadsheets, the stamped form. */
const FIGURES_CIRCULAR = ['src/services/figures-circular.ts', 'src/services/figures-data.ts', 'src/services/figures-docx.ts'];
const FIGURES_FILES = ['src/services/figures-exports.ts', 'src/services/figures-year-end.ts', 'src/services/sheet-writing.ts', 'src/services/stamped-form-docx.ts'];
const FIGURES_TESTS = [UNIT, ...integration('circular', 'ledger-exports', 'stamped-form', 'hostile-files')];
const SYNC_LEDGER = ['src/services/ledger/**/*.ts'];
const SYNC_LOOPS = [
  'src/services/calendar-sync.ts',
  'src/services/outbox/**/*.ts',
  'src/services/polling-loop.ts',
  // What the delivery group leaves of the inbox and the outbox.
  ...functionRanges('src/services/inbox-service.ts', ['schedule', 'start', 'stop', 'poll', 'drain', 'setAsidePoison']),
  ...functionRanges('src/services/outbox-service.ts', ['sendToChat', 'sendToUser', 'reply', 'updateCard', 'urgentApp', 'updateCardOf', 'sentMessageId', 'within', 'start', 'stop', 'kick', 'pendingHeads']),
];
const SYNC_TESTS = [UNIT, ...integration('ledger-bitable', 'calendar', 'strict-fake-calendar', 'delivery', 'mentions-urgent', 'delivery-layers', 'rate-limits', 'card-callbacks')];

const GROUPS = {
  /** The pure rules, judged by the unit tests. */
  domain: {
    mutate: ['src/domain/**/*.ts'],
    tests: [UNIT],
    // The rules import nothing else of the project: type-checking them alone makes each check
    // several times faster. A mutant that would break only a caller's types then runs the tests.
    tsconfig: 'tsconfig.stryker-domain.json',
  },
  // The domain group in three parts, each short enough to finish within a sitting (a Stryker run
  // keeps nothing until it ends); together the same mutants as `domain`.
  'domain-applications': {
    mutate: ['src/domain/application-*.ts', 'src/domain/activity-menu.ts'],
    tests: [UNIT],
    tsconfig: 'tsconfig.stryker-domain.json',
  },
  'domain-sheets': {
    mutate: ['src/domain/sheet-*.ts', 'src/domain/expert-*.ts', 'src/domain/industries.ts', 'src/domain/contact.ts', 'src/domain/numbers.ts', 'src/domain/codes.ts'],
    tests: [UNIT],
    tsconfig: 'tsconfig.stryker-domain.json',
  },
  'domain-rules': {
    mutate: ['src/domain/need-*.ts', 'src/domain/json-lists.ts', 'src/domain/report-rules.ts', 'src/domain/summary-rules.ts', 'src/domain/calendar.ts', 'src/domain/working-days.ts', 'src/domain/regions.ts'],
    tests: [UNIT],
    tsconfig: 'tsconfig.stryker-domain.json',
  },
  /** Delivery: the inbox, the outbox (keys, claims, leases, pauses), retries, rate limits. */
  delivery: {
    mutate: [
      // The inbox's dedup storage, claims, retries, abandoned leases and prune (not yet: its polling loop).
      ...functionRanges('src/services/inbox-service.ts', ['record', 'process', 'releaseAbandoned', 'prune']),
      // The outbox's keys, claims, leases, pauses and retries (not yet: card re-posts, urgent notices).
      ...functionRanges('src/services/outbox-service.ts', ['idempotencyKeyOf', 'enqueue', 'pump', 'recoverExpiredClaims', 'deliver', 'prune']),
      'src/services/retry-policy.ts',
      'src/services/rate-limiter.ts',
      'src/services/dedup-key.ts',
      'src/services/leases.ts',
    ],
    tests: [
      ...unit('inbox-service', 'inbox-retry', 'inbox-poison', 'retry-policy', 'rate-limiter', 'unit-of-work', 'card-repost', 'delivery-prune', 'delivery-rows', 'outbox-delivery'),
      ...integration('delivery-layers', 'rate-limits'),
    ],
  },
  /** Dates: the clock, calendar days and zones, working days, deadlines, the jobs' occasions. */
  dates: {
    mutate: [
      'src/clock.ts',
      'src/domain/calendar.ts',
      'src/domain/working-days.ts',
      'src/domain/report-rules.ts',
      'src/jobs/occasions.ts',
      // "today" and the campaign year in the handlers.
      ...functionRanges('handlers/application-flow.ts', ['todayOf', 'campaignYearOf']),
    ],
    tests: [
      ...unit('calendar', 'occasions', 'report-rules', 'report-reminders', 'config', 'application-rules', 'clock'),
      ...integration('clock-and-zones'),
    ],
  },
  /** The services that keep the records: applications, needs, reports, experts, bindings, drafts, summaries. */
  records: {
    mutate: [...RECORDS_APPLICATIONS, ...RECORDS_OTHER],
    tests: RECORDS_TESTS,
  },
  /** The figures: exports, 通报, year-end data, spreadsheets and the stamped form. */
  figures: {
    mutate: [...FIGURES_CIRCULAR, ...FIGURES_FILES],
    tests: FIGURES_TESTS,
  },
  /** The workers around delivery: the 台账 and calendar sync, card re-posts, urgent notices, the loops. */
  sync: {
    mutate: [...SYNC_LEDGER, ...SYNC_LOOPS],
    tests: SYNC_TESTS,
  },
  // Each service group in two halves (~500 mutants each, about an hour alone on 2 cores), so a
  // half ends within a sitting: a Stryker run keeps nothing until it ends.
  'records-applications': { mutate: RECORDS_APPLICATIONS, tests: RECORDS_TESTS },
  'records-other': { mutate: RECORDS_OTHER, tests: RECORDS_TESTS },
  'figures-circular': { mutate: FIGURES_CIRCULAR, tests: FIGURES_TESTS },
  'figures-files': { mutate: FIGURES_FILES, tests: FIGURES_TESTS },
  'sync-ledger': { mutate: SYNC_LEDGER, tests: SYNC_TESTS },
  'sync-loops': { mutate: SYNC_LOOPS, tests: SYNC_TESTS },
  /** Who may do what in the handlers, judged by the authorization table and the unit tests. */
  authorization: {
    mutate: authorization,
    tests: [UNIT, ...integration('authorization-table', 'report-authorization', 'applications', 'needs', 'authorization-scopes', 'authorization-pages')],
  },
};

const group = process.env.MUTATE_GROUP;
if (group && !GROUPS[group]) throw new Error(`MUTATE_GROUP: unknown group "${group}" (${Object.keys(GROUPS).join(', ')})`);
const chosen = group ? GROUPS[group] : undefined;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      // Each mutant runs only the test files that import its file, directly or not (jest's
      // related-test search). That search walks only files under `roots`, and the suite's roots
      // are `test/` alone: then a test reaching the mutated file through another source file
      // is not found (the delivery group's integration tests were left out, so the outbox's pump
      // was reported as covered by no test). So the sources are roots here too.
      roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/handlers', '<rootDir>/cards'],
      // A group runs only its tests, and none of them runs the built bot, so the global setup
      // (which rebuilds dist/ when sources are newer, as they always are in Stryker's sandbox) is off.
      ...(chosen ? { testMatch: chosen.tests, globalSetup: null } : {}),
    },
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  plugins: ['@stryker-mutator/*', './stryker-ignore-logging.mjs'],
  ignorers: ['logging'],
  // The checker type-checks the sources only (the build's program, without test/): a mutant is
  // a compile error when the bot would not build, and each check skips the ~200 test files.
  tsconfigFile: chosen?.tsconfig ?? 'tsconfig.build.json',
  coverageAnalysis: 'perTest',
  mutate: chosen
    ? chosen.mutate
    : [
        'src/domain/**/*.ts',
        'src/services/**/*.ts',
        'src/clock.ts',
        'src/jobs/occasions.ts',
        ...functionRanges('handlers/application-flow.ts', ['todayOf', 'campaignYearOf']),
        ...authorization,
      ],
  // A group skips static mutants (module-level constants, run once at load): each would need
  // every test of the group, which is most of a group's time. The full run keeps them.
  ignoreStatic: Boolean(chosen),
  incremental: true,
  incrementalFile: `reports/stryker-incremental${group ? `-${group}` : ''}.json`,
  concurrency: 1,
  // Added to 1.5 × a mutant's expected test time: enough for the integration tests' harness start.
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${group ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/mutation/${group ?? 'all'}.json` },
  tempDirName: '.stryker-tmp',
  // Not needed in the sandbox: local databases, coverage output. The build is copied: tests of
  // the service groups run `npm run job` as operators do, which is the built (so unmutated) job
  // beside the mutated bot in the test process; the service groups' npm scripts build first.
  ignorePatterns: ['data', 'coverage'],
  thresholds: { high: 90, low: 85, break: null },
};
