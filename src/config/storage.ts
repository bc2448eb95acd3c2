import { z } from 'zod';
import { optionalText } from './values';

/** The database, its nightly backup, and how long personal data is kept. */

export interface StorageSettings {
  databaseUrl: string;
  /** Where backups go (nightly at 02:00 when set); undefined: no nightly backup. */
  backupDir: string | undefined;
  /** How many backups to keep, newest first. */
  backupKeep: number;
  /** Contacts of a campaign year are masked once the year ended more than this many years ago. */
  dataRetentionYears: number;
}

export const storageEnv = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .default('sqlite:data/bot.sqlite')
    .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v), {
      message: "expected 'sqlite:<file path>' or 'postgres://user:pass@host:5432/db'",
    }),
  BACKUP_DIR: optionalText,
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(14),
  DATA_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(3),
});

export function storageSettings(e: z.infer<typeof storageEnv>): StorageSettings {
  return {
    databaseUrl: e.DATABASE_URL,
    backupDir: e.BACKUP_DIR,
    backupKeep: e.BACKUP_KEEP,
    dataRetentionYears: e.DATA_RETENTION_YEARS,
  };
}
