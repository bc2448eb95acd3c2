/**
 * The bot's clock: the real one, or (tests only, see TEST_CLOCK_AT in config/test-clock.ts) one that starts
 * at a chosen instant and runs on at the real pace, so timers, backoffs and leases behave as
 * usual. Everything that asks "what time is it" (signature freshness, "today", deadlines, jobs,
 * the inbox and outbox) is given this one function through createBot's `now`.
 */
export function clockStartingAt(startAt: number | undefined, realNow: () => number = Date.now): () => number {
  if (startAt === undefined) return realNow;
  const offset = startAt - realNow();
  return () => realNow() + offset;
}
