import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * One transaction for a change and everything it owes: the status change, its audit row and the
 * outbox rows of the messages that announce it are committed together or not at all, so a
 * process killed at any instant leaves either the whole change (and its messages, which the
 * outbox then sends) or none of it.
 *
 * PostgreSQL: each transaction gets its own pooled connection (BEGIN … COMMIT on it); other
 * requests run on other connections, untouched.
 *
 * SQLite: TypeORM's sqlite driver has ONE connection and one query runner for the whole process
 * (SqliteDriver.createQueryRunner returns the same object every time; the `transactionPromise`
 * field of AbstractSqliteQueryRunner in 0.3.x is declared but never used, so nothing queues
 * transactions). A transaction opened on it would take in every other request's statements, and
 * a second "transaction" would become a savepoint inside the first. So the SqliteGate below is
 * installed on that query runner: every statement of the process passes it.
 *   - A transaction is exclusive: transactions run one at a time, in arrival order; one starts
 *     only when the standalone statements that arrived before it have finished, and while it is
 *     queued or open every statement that arrived after it and is not issued from inside it
 *     (told apart by AsyncLocalStorage) waits until it has committed or rolled back.
 *   - Standalone statements (reads, single-statement writes) are shared: any number at once, as
 *     before, between transactions. Arrival order decides, so neither side starves.
 * Transactions begin with BEGIN IMMEDIATE, which takes SQLite's write lock at once: another
 * process on the same file (a job run) makes it wait (busy timeout), never fail half-way.
 */

export interface Tx {
  /** Every statement of the transaction goes through this manager. */
  manager: EntityManager;
  /** Runs after the commit (e.g. wakes the outbox); not at all if the transaction rolls back. */
  afterCommit(fn: () => void): void;
}

interface Holder {
  active: boolean;
  tx?: Tx;
}

/** The process-wide gate for SQLite's one shared connection (see above). */
export class SqliteGate {
  private readonly als = new AsyncLocalStorage<Holder>();
  private inFlight = 0;
  /** Resolves when the last transaction queued so far (and so every earlier one) has finished. */
  private tail: Promise<void> = Promise.resolve();
  private wakers: Array<() => void> = [];

  /** The transaction the calling code runs inside, if any. */
  current(): Holder | undefined {
    const h = this.als.getStore();
    return h?.active ? h : undefined;
  }

  /**
   * A standalone statement: waits for the transactions queued before it (not for later ones, so
   * neither side starves), then runs alongside other standalone statements.
   */
  async shared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current()) return fn();
    await this.tail;
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.wake();
    }
  }

  /** Runs `fn` alone on the connection: after the transactions and statements queued before it, while later ones wait. */
  async exclusive<T>(fn: (holder: Holder) => Promise<T>): Promise<T> {
    const previous = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    const holder: Holder = { active: false };
    try {
      await previous;
      while (this.inFlight > 0) await this.changed();
      holder.active = true;
      return await this.als.run(holder, () => fn(holder));
    } finally {
      holder.active = false;
      done();
    }
  }

  /** Code that must not be taken for part of the open transaction (e.g. a worker it wakes). */
  outside<T>(fn: () => T): T {
    return this.als.exit(fn);
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

const gates = new WeakMap<DataSource, SqliteGate>();

/**
 * Puts every statement of a SQLite data source through a gate. Called once, after migrations
 * (which run alone at start-up). PostgreSQL needs nothing: its pool isolates transactions.
 */
export function installSqliteGate(ds: DataSource): SqliteGate | undefined {
  if (ds.options.type !== 'sqlite') return undefined;
  const existing = gates.get(ds);
  if (existing) return existing;
  const gate = new SqliteGate();
  // The driver's one query runner: every repository, query builder and ds.query() uses it.
  const runner = ds.driver.createQueryRunner('master') as QueryRunner & { query: QueryRunner['query'] };
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) => gate.shared(() => query(...args))) as QueryRunner['query'];
  gates.set(ds, gate);
  return gate;
}

export class UnitOfWork {
  private readonly gate: SqliteGate | undefined;
  private readonly pgCurrent = new AsyncLocalStorage<Tx>();

  constructor(private readonly ds: DataSource) {
    this.gate = installSqliteGate(ds);
  }

  /**
   * Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. Called
   * inside a transaction, `fn` joins it (one commit for all). Work to do after the commit is
   * registered with `tx.afterCommit`, and runs outside the transaction.
   */
  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const joined = this.gate ? this.gate.current()?.tx : this.pgCurrent.getStore();
    if (joined) return fn(joined);
    const after: Array<() => void> = [];
    const result = this.gate ? await this.runSqlite(fn, after) : await this.runPostgres(fn, after);
    for (const f of after) {
      if (this.gate) this.gate.outside(f);
      else this.pgCurrent.exit(f);
    }
    return result;
  }

  private runSqlite<T>(fn: (tx: Tx) => Promise<T>, after: Array<() => void>): Promise<T> {
    return this.gate!.exclusive(async (holder) => {
      const runner = this.ds.driver.createQueryRunner('master');
      const tx: Tx = { manager: this.ds.createEntityManager(runner), afterCommit: (f) => after.push(f) };
      holder.tx = tx;
      await runner.query('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        await runner.query('COMMIT');
        return result;
      } catch (err) {
        after.length = 0;
        await runner.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  private async runPostgres<T>(fn: (tx: Tx) => Promise<T>, after: Array<() => void>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    const tx: Tx = { manager: runner.manager, afterCommit: (f) => after.push(f) };
    try {
      await runner.startTransaction();
      try {
        const result = await this.pgCurrent.run(tx, () => fn(tx));
        await runner.commitTransaction();
        return result;
      } catch (err) {
        after.length = 0;
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await runner.release();
    }
  }
}

let savepointCount = 0;

/**
 * Runs `fn` so that a statement failing in it (a unique violation the caller expects and
 * handles) undoes only `fn`'s work: PostgreSQL otherwise aborts the whole transaction on any
 * error. Outside a transaction (a manager without its own query runner) it simply runs `fn`.
 */
export async function withSavepoint<T>(em: EntityManager, fn: () => Promise<T>): Promise<T> {
  if (!em.queryRunner) return fn();
  const name = `sp_${++savepointCount}`;
  await em.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await em.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await em.query(`ROLLBACK TO SAVEPOINT ${name}`);
    await em.query(`RELEASE SAVEPOINT ${name}`);
    throw err;
  }
}

/** What services are built over: the data source (standalone statements) or a transaction's manager. */
export type Db = DataSource | EntityManager;

