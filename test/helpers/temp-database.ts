import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';

const dirs = new WeakMap<DataSource, string>();

/** A migrated SQLite database of its own (a file in a new temporary directory), for one test. */
export async function openTempDatabase(prefix: string): Promise<DataSource> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ds = await openDatabase(`sqlite:${join(dir, 'bot.sqlite')}`);
  dirs.set(ds, dir);
  return ds;
}

/** Closes a database from openTempDatabase (unless a test closed it already) and removes its directory. */
export async function closeTempDatabase(ds: DataSource | undefined): Promise<void> {
  if (!ds) return;
  if (ds.isInitialized) await ds.destroy();
  const dir = dirs.get(ds);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
