import { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in BIGINT columns: numeric comparison works the
 * same on SQLite and PostgreSQL, with no time-zone or string-format ambiguity. The pg driver
 * returns BIGINT as a string, hence the transformer.
 */
export const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
