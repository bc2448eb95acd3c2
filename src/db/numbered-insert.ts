import type { ObjectLiteral, Repository } from 'typeorm';
import { isUniqueViolation } from './data-source';
import { withSavepoint } from './unit-of-work';

/**
 * Inserts a row numbered with the next `code_seq` of its `code_year`, computed inside the INSERT:
 * two inserts racing for one number collide on the unique (code_year, code_seq) index and the
 * loser goes round again, so numbers have no gaps and no duplicates on SQLite and PostgreSQL.
 * `existing` finds the row a previous or concurrent attempt made from the same form (a double
 * click), which is returned instead of a second row.
 */
export async function insertNumbered<T extends ObjectLiteral>(opts: {
  repo: Repository<T>;
  table: string;
  year: number;
  values: Record<string, unknown>;
  existing: () => Promise<T | null>;
}): Promise<{ row: T; created: boolean }> {
  const { repo, table, year } = opts;
  // Stands in the SQL below, so it must be a plain integer (and a table name of ours).
  if (!Number.isSafeInteger(year)) throw new RangeError(`year: ${year}`);
  if (!/^[a-z_]+$/.test(table)) throw new RangeError(`table: ${table}`);
  for (let attempt = 0; ; attempt++) {
    const found = await opts.existing();
    if (found) return { row: found, created: false };
    try {
      const res = await withSavepoint(repo.manager, () => repo
        .createQueryBuilder()
        .insert()
        .values({
          ...opts.values,
          codeYear: year,
          codeSeq: () => `(SELECT COALESCE(MAX(s.code_seq), 0) + 1 FROM ${table} s WHERE s.code_year = ${year})`,
        } as any)
        .execute());
      return { row: await repo.findOneByOrFail({ id: res.identifiers[0].id } as any), created: true };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 20) throw err;
    }
  }
}
