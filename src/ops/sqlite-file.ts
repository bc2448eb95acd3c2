import { resolve } from 'node:path';

/**
 * A plain node-sqlite3 connection to one database file, outside TypeORM: for copying the live
 * database (`VACUUM INTO` on a connection of its own, so the bot's connection is not held up)
 * and for checking a backup file without running migrations on it.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite3 = require('sqlite3') as typeof import('sqlite3');

export interface SqliteFile {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function openSqliteFile(path: string, mode: 'readonly' | 'readwrite'): Promise<SqliteFile> {
  const flags = mode === 'readonly' ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE;
  return new Promise((resolveOpen, reject) => {
    const db = new sqlite3.Database(path, flags, (err) => {
      if (err) return reject(err);
      db.configure('busyTimeout', 5000);
      resolveOpen({
        all: (sql, params = []) => new Promise((res, rej) => db.all(sql, params, (e, rows) => (e ? rej(e) : res(rows as never)))),
        run: (sql, params = []) => new Promise((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res()))),
        close: () => new Promise((res, rej) => db.close((e) => (e ? rej(e) : res()))),
      });
    });
  });
}

/** The database file of a `sqlite:<path>` DATABASE_URL; undefined for PostgreSQL (or :memory:). */
export function sqlitePathOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const file = databaseUrl.slice('sqlite:'.length);
  return file === ':memory:' ? undefined : resolve(file);
}
