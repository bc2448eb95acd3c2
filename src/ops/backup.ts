import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openSqliteFile } from './sqlite-file';

/**
 * Backups of the SQLite database: `VACUUM INTO` on a connection of its own writes a consistent
 * copy while the bot keeps running (a plain copy of a WAL database can miss or tear the latest
 * commits). Each copy is checked before it counts, and only the newest `keep` are kept.
 */

/** The tables whose rows are counted when a backup is checked: what a season is made of. */
export const MAIN_TABLES = ['applications', 'application_events', 'needs', 'experts', 'report_tasks', 'report_submissions', 'chat_bindings', 'activity_summaries'] as const;

const BACKUP_NAME = /^bot-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.sqlite$/;

export interface CheckedBackup {
  file: string;
  bytes: number;
  /** Rows per main table (tables an old database does not have yet are left out). */
  counts: Record<string, number>;
  /** Migrations recorded in the file. */
  migrations: number;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** `bot-2027-06-07T02-00-00.000Z.sqlite`: the instant in UTC, so names sort by time. */
export function backupFileName(at: Date): string {
  return `bot-${at.toISOString().replace(/:/g, '-')}.sqlite`;
}

/** Opens a database file read-only and checks it: integrity, this bot's schema, rows per main table. */
export async function checkBackupFile(path: string): Promise<CheckedBackup> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`${file}: no such file`);
  let db;
  try {
    db = await openSqliteFile(file, 'readonly');
  } catch (err) {
    throw new BackupError(`${file}: cannot be opened as an SQLite database (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    const integrity = await db.all<{ integrity_check: string }>('PRAGMA integrity_check').catch((err: Error) => {
      throw new BackupError(`${file}: not a readable SQLite database (${err.message})`);
    });
    const verdict = integrity.map((r) => r.integrity_check).join('; ');
    if (verdict !== 'ok') throw new BackupError(`${file}: PRAGMA integrity_check says: ${verdict.slice(0, 500)}`);
    const tables = new Set((await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => r.name));
    if (!tables.has('migrations') || !tables.has('outbox_messages')) throw new BackupError(`${file}: not a database of this bot (no migrations or outbox_messages table)`);
    const [{ n: migrations }] = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM migrations');
    const counts: Record<string, number> = {};
    for (const table of MAIN_TABLES) {
      if (!tables.has(table)) continue;
      const [{ n }] = await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`);
      counts[table] = Number(n);
    }
    return { file, bytes: statSync(file).size, counts, migrations: Number(migrations) };
  } finally {
    await db.close();
  }
}

export interface BackupResult extends CheckedBackup {
  /** Older backups removed to keep the newest `keep`. */
  removed: string[];
}

/** Writes, checks and keeps a backup of `databaseFile` in `dir`; removes the oldest beyond `keep`. */
export async function takeBackup(opts: { databaseFile: string; dir: string; keep: number; at: Date }): Promise<BackupResult> {
  if (!existsSync(opts.databaseFile)) throw new BackupError(`${opts.databaseFile}: the database file does not exist`);
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const final = join(dir, backupFileName(opts.at));
  const partial = `${final}.partial`;
  if (existsSync(final)) throw new BackupError(`${final} already exists`);
  rmSync(partial, { force: true });
  const source = await openSqliteFile(opts.databaseFile, 'readwrite');
  try {
    await source.run('VACUUM INTO ?', [partial]);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BackupError(`VACUUM INTO ${partial} failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await source.close();
  }
  let checked: CheckedBackup;
  try {
    checked = await checkBackupFile(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  // Only a checked copy gets a backup's name, so a half-written file is never kept or restored.
  renameSync(partial, final);
  return { ...checked, file: final, removed: pruneBackups(dir, opts.keep) };
}

/** Keeps the newest `keep` backups in `dir` (by the time in their names); returns what it removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir).filter((name) => BACKUP_NAME.test(name)).sort().reverse();
  const removed = backups.slice(keep);
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}

/** One line on what a backup holds: `applications 12, needs 3, …`. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts).map(([table, n]) => `${table} ${n}`).join(', ');
}

export function describeBackup(r: BackupResult, keep: number): string[] {
  const lines = [
    `backup written: ${r.file} (${(r.bytes / 1024).toFixed(1)} KiB)`,
    `checked: integrity ok, ${r.migrations} migrations, ${describeCounts(r.counts)}`,
    `kept the newest ${keep} backups${r.removed.length ? `; removed ${r.removed.length}: ${r.removed.join(', ')}` : '; removed none'}`,
  ];
  return lines;
}

export const PG_DUMP_ADVICE = [
  'backup: DATABASE_URL is PostgreSQL; this job backs up SQLite only. Use pg_dump, e.g.',
  '  pg_dump --format=custom --file="innovation-bot-$(date -u +%Y%m%dT%H%M%SZ).dump" "$DATABASE_URL"',
  'and restore with: pg_restore --clean --if-exists --dbname="$DATABASE_URL" <file>.dump (with the bot stopped).',
];
