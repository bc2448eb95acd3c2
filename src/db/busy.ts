/**
 * SQLite's busy handling, without TypeORM: the main thread's inbox recorder (src/front/) uses it
 * too, and loads nothing heavier than the driver.
 */

/**
 * SQLite waits this long for another connection's write lock before answering SQLITE_BUSY.
 * Short on purpose: while a statement waits, node-sqlite3 holds the connection's mutex, and
 * every other statement (a /healthz probe, a webhook's insert) and even statement clean-up on
 * the main thread wait behind it. Longer locks are waited out by retrying (`retryBusy`) and by
 * the inbox and outbox loops, which retry on their next pass.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 250;

/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock; worth trying again. */
export function isBusy(err: unknown): boolean {
  const code = (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Runs `fn`, trying again while the database is busy, until `deadlineMs` has passed. */
export async function retryBusy<T>(fn: () => Promise<T>, deadlineMs: number): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let wait = 25; ; wait = Math.min(wait * 2, 200)) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() + wait > giveUpAt) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
