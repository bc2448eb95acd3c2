import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkBackupFile, CheckedBackup } from './backup';
import { openSqliteFile } from './sqlite-file';

/**
 * Restores a backup over the configured SQLite database: only a file that passes the backup
 * check, never while a bot (or a job) holds a lease in `job_locks`, and never destroying the
 * current file: it is renamed aside first, with its WAL.
 */

export class RestoreRefused extends Error {
  constructor(message: string, readonly reason: 'locked' | 'bad-file') {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreResult {
  restored: CheckedBackup;
  /** Where the database that was replaced now is (none when there was no database yet). */
  asideFile?: string;
}

/** Leases still running in the database file: a running bot's heartbeat or a running job. */
export async function liveLeases(databaseFile: string, now: number): Promise<Array<{ job: string; holder: string; leaseUntil: number }>> {
  if (!existsSync(databaseFile)) return [];
  const db = await openSqliteFile(databaseFile, 'readwrite');
  try {
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'job_locks'");
    if (tables.length === 0) return [];
    const rows = await db.all<{ job: string; holder: string; lease_until: number }>('SELECT job, holder, lease_until FROM job_locks WHERE lease_until > ?', [now]);
    return rows.map((r) => ({ job: r.job, holder: r.holder, leaseUntil: Number(r.lease_until) }));
  } finally {
    await db.close();
  }
}

export async function restoreBackup(opts: { backupFile: string; databaseFile: string; now: Date }): Promise<RestoreResult> {
  let restored: CheckedBackup;
  try {
    restored = await checkBackupFile(opts.backupFile);
  } catch (err) {
    throw new RestoreRefused(err instanceof Error ? err.message : String(err), 'bad-file');
  }
  const { databaseFile } = opts;
  if (restored.file === databaseFile) throw new RestoreRefused('the backup file is the database itself', 'bad-file');
  const leases = await liveLeases(databaseFile, opts.now.getTime());
  if (leases.length > 0) {
    const who = leases.map((l) => (l.job.startsWith('bot:') ? `a running bot (${l.holder})` : `the job '${l.job}' (${l.holder})`)).join(', ');
    throw new RestoreRefused(`the database is in use by ${who}; stop the bot first (its lease ends within a minute of stopping)`, 'locked');
  }
  let asideFile: string | undefined;
  if (existsSync(databaseFile)) {
    // Fold the WAL into the file, so that the copy kept aside is whole on its own.
    const db = await openSqliteFile(databaseFile, 'readwrite');
    try {
      await db.all('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      await db.close();
    }
    asideFile = `${databaseFile}.before-restore-${opts.now.toISOString().replace(/:/g, '-')}`;
    renameSync(databaseFile, asideFile);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(databaseFile + suffix)) renameSync(databaseFile + suffix, asideFile + suffix);
    }
  }
  mkdirSync(dirname(databaseFile), { recursive: true });
  const partial = `${databaseFile}.restoring`;
  copyFileSync(restored.file, partial);
  renameSync(partial, databaseFile);
  rmSync(partial, { force: true });
  return { restored, asideFile };
}
