import { resolve } from 'node:path';
import { retryBusy, SQLITE_BUSY_TIMEOUT_MS } from '../db/busy';
import type { FeishuEnvelope } from '../platform/feishu/inbound';
import { dedupKeyOf } from '../services/dedup-key';

/**
 * The main thread's half of the inbox: the one write an acknowledgement waits for, an INSERT into
 * inbound_events, on the thread's own connection and without TypeORM (which the main thread does
 * not load: it stays small and quick). The same row InboxService.record writes; the processing
 * worker's InboxService takes it from there (told by a message, or by its poll).
 *
 * SQLite: a second connection to the same file (WAL; the worker's connection migrated it). The
 * INSERT is one autocommit statement; when the worker holds the write lock (a transaction,
 * BEGIN IMMEDIATE) it waits in SQLite's busy handler and then in `retryBusy`, as InboxService
 * does, up to 2 s (Feishu waits 3 s). PostgreSQL: a small pool of its own.
 */
export interface InboxRecorder {
  record(envelope: FeishuEnvelope): Promise<{ status: 'new'; id: number } | { status: 'duplicate' }>;
  /** `SELECT 1` answered: /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const RECORD_BUSY_DEADLINE_MS = 2000;

const COLUMNS =
  'tenant_key, platform, dedup_key, event_id, event_type, payload, status, attempts, abandoned_claims, next_attempt_at, lease_until, last_error, received_at, processed_at';

function valuesOf(envelope: FeishuEnvelope, now: number): unknown[] {
  return [envelope.tenantKey, 'feishu', dedupKeyOf(envelope), envelope.eventId, envelope.eventType, JSON.stringify(envelope.event), now, now];
}

export async function openInboxRecorder(databaseUrl: string, now: () => number): Promise<InboxRecorder> {
  return databaseUrl.startsWith('sqlite:') ? openSqlite(databaseUrl.slice('sqlite:'.length), now) : openPostgres(databaseUrl, now);
}

async function openSqlite(file: string, now: () => number): Promise<InboxRecorder> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  const database = file === ':memory:' ? file : resolve(file);
  const db = await new Promise<import('sqlite3').Database>((ok, fail) => {
    const d = new sqlite3.Database(database, (err) => (err ? fail(err) : ok(d)));
  });
  db.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
  const exec = (sql: string) => new Promise<void>((ok, fail) => db.exec(sql, (err) => (err ? fail(err) : ok())));
  // Per connection, as the worker's: WAL with synchronous=NORMAL survives a process crash.
  // No automatic checkpoints on this connection: a commit that crosses the WAL's 1000 pages
  // would copy them into the database and sync it before the acknowledgement could go out. The
  // worker's connection, which commits after every event it processes, checkpoints instead.
  // A small page cache (512 KiB, SQLite's default is 2 MiB per connection): this connection only
  // appends rows and probes the dedup index's last pages (RSS, issue 14 item 9).
  await exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -512');
  // Prepared once: each acknowledgement only binds and steps it.
  const insert = await new Promise<import('sqlite3').Statement>((ok, fail) => {
    const st = db.prepare(`INSERT INTO inbound_events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 'received', 0, 0, ?, NULL, NULL, ?, NULL)`, (err) => (err ? fail(err) : ok(st)));
  });
  return {
    async record(envelope) {
      const values = valuesOf(envelope, now());
      try {
        const id = await retryBusy(
          () =>
            new Promise<number>((ok, fail) =>
              insert.run(values, function (this: { lastID: number }, err: Error | null) {
                if (err) fail(err);
                else ok(this.lastID);
              }),
            ),
          RECORD_BUSY_DEADLINE_MS,
        );
        return { status: 'new', id };
      } catch (err) {
        if (/UNIQUE constraint failed/.test((err as Error)?.message ?? '')) return { status: 'duplicate' };
        throw err;
      }
    },
    ping: () => new Promise<void>((ok, fail) => db.get('SELECT 1', (err) => (err ? fail(err) : ok()))),
    close: () => new Promise<void>((ok) => insert.finalize(() => db.close(() => ok()))),
  };
}

/** What is used of pg's Pool (the project has no @types/pg). */
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  on(event: 'error', listener: (err: Error) => void): void;
  end(): Promise<void>;
}

async function openPostgres(url: string, now: () => number): Promise<InboxRecorder> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool } = require('pg') as { Pool: new (options: { connectionString: string; max: number }) => PgPool };
  const pool = new Pool({ connectionString: url, max: 4 });
  // An idle client's error (the server restarted) must not end the process: the next query reconnects.
  pool.on('error', () => undefined);
  const sql = `INSERT INTO inbound_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 'received', 0, 0, $7, NULL, NULL, $8, NULL) RETURNING id`;
  return {
    async record(envelope) {
      try {
        const result = await pool.query(sql, valuesOf(envelope, now()));
        return { status: 'new', id: Number(result.rows[0].id) };
      } catch (err) {
        if ((err as { code?: string })?.code === '23505') return { status: 'duplicate' };
        throw err;
      }
    },
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}
