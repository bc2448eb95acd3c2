import { namesOnlyUnitTests } from '../helpers/global-setup';

/** The test setup builds dist/ for every run that may start the built bot, and skips it for unit-only runs. */
describe('namesOnlyUnitTests', () => {
  it('is true when every pattern names the unit tests', () => {
    expect(namesOnlyUnitTests(['test/unit/codes.test.ts'])).toBe(true);
    expect(namesOnlyUnitTests(['test/unit', './test/unit/sheet-csv.test.ts'])).toBe(true);
    expect(namesOnlyUnitTests(['/work/x/test/unit/figures'])).toBe(true);
    expect(namesOnlyUnitTests(['test\\unit\\codes.test.ts'])).toBe(true);
  });

  it('is false for a whole run, an integration test, a mixed run or a bare name', () => {
    expect(namesOnlyUnitTests([])).toBe(false);
    expect(namesOnlyUnitTests(['test/integration/season.test.ts'])).toBe(false);
    expect(namesOnlyUnitTests(['test/unit/codes.test.ts', 'test/integration/season.test.ts'])).toBe(false);
    expect(namesOnlyUnitTests(['codes'])).toBe(false);
    expect(namesOnlyUnitTests(['test/units'])).toBe(false);
  });
});
