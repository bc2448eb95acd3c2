import { clockStartingAt } from '../../src/clock';

/** The bot's clock (TEST_CLOCK_AT for process-level tests): it starts at the instant given and runs at the real pace. */

it('is the real clock itself when no start is given', () => {
  const real = () => 1_000;
  expect(clockStartingAt(undefined, real)).toBe(real);
});

it('starts at the instant given and moves on as the real clock does', () => {
  let real = Date.UTC(2026, 11, 1, 21, 0);
  const startAt = Date.parse('2027-06-01T00:30:00+08:00');
  const now = clockStartingAt(startAt, () => real);
  expect(now()).toBe(startAt);
  real += 1500;
  expect(now()).toBe(startAt + 1500);
  // A start in the past works the same way.
  const past = clockStartingAt(real - 86_400_000, () => real);
  expect(past()).toBe(real - 86_400_000);
});
