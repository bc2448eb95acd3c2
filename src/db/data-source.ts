import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, Migration, QueryFailedError } from 'typeorm';
import { Application } from './entities/application.entity';
import { ApplicationEvent } from './entities/application-event.entity';
import { ActivityFile } from './entities/activity-file.entity';
import { ActivitySummary } from './entities/activity-summary.entity';
import { ChatBinding } from './entities/chat-binding.entity';
import { Expert } from './entities/expert.entity';
import { JobLock } from './entities/job-lock.entity';
import { JobOccasion } from './entities/job-occasion.entity';
import { JobRun } from './entities/job-run.entity';
import { NeedEvent } from './entities/need-event.entity';
import { Need } from './entities/need.entity';
import { ReportFile } from './entities/report-file.entity';
import { ReportForm } from './entities/report-form.entity';
import { ReportSubmission } from './entities/report-submission.entity';
import { ReportTask } from './entities/report-task.entity';
import { InboundEvent } from './entities/inbound-event.entity';
import { OutboxMessage } from './entities/outbox-message.entity';
import { LedgerEntry } from './entities/ledger-entry.entity';
import { CreateSpine1763800000000 } from './migrations/1763800000000-CreateSpine';
import { CreateApplications1764500000000 } from './migrations/1764500000000-CreateApplications';
import { CreateJobs1764600000000 } from './migrations/1764600000000-CreateJobs';
import { CreateNeeds1764700000000 } from './migrations/1764700000000-CreateNeeds';
import { CreateReports1764800000000 } from './migrations/1764800000000-CreateReports';
import { CreateReportForms1765000000000 } from './migrations/1765000000000-CreateReportForms';
import { AddApplicationKind1765300000000 } from './migrations/1765300000000-AddApplicationKind';
import { Hardening1765100000000 } from './migrations/1765100000000-Hardening';
import { ExpertDeletion1765200000000 } from './migrations/1765200000000-ExpertDeletion';
import { AddPlatform1765500000000 } from './migrations/1765500000000-AddPlatform';
import { ApplicationChanges1765600000000 } from './migrations/1765600000000-ApplicationChanges';
import { OutboxResultIndex1765700000000 } from './migrations/1765700000000-OutboxResultIndex';
import { CreateFormDrafts1766300000000 } from './migrations/1766300000000-CreateFormDrafts';
import { FormDraft } from './entities/form-draft.entity';
import { RecordOrigin1766400000000 } from './migrations/1766400000000-RecordOrigin';
import { ExpertTeam1766000000000 } from './migrations/1766000000000-ExpertTeam';
import { OriginSubscriber } from './origin';
import { CreateLedgerQueue1766500000000 } from './migrations/1766500000000-CreateLedgerQueue';
import { CalendarEntries1766600000000 } from './migrations/1766600000000-CalendarEntries';
import { DingTalkFormCards1766800000000 } from './migrations/1766800000000-DingTalkFormCards';
import { DingTalkFormCard } from './entities/dingtalk-form-card.entity';
import { FormDraftIdle1766900000000 } from './migrations/1766900000000-FormDraftIdle';
import { CalendarCursor, CalendarEntry } from './entities/calendar-entry.entity';

export const ENTITIES = [InboundEvent, OutboxMessage, ChatBinding, Application, ApplicationEvent, JobOccasion, JobRun, JobLock, ActivitySummary, ActivityFile, Need, NeedEvent, Expert, ReportTask, ReportSubmission, ReportFile, ReportForm, LedgerEntry, CalendarEntry, CalendarCursor, FormDraft, DingTalkFormCard];
/** In order. Append new migrations here; never edit a landed one. */
export const MIGRATIONS = [CreateSpine1763800000000, CreateApplications1764500000000, CreateJobs1764600000000, CreateNeeds1764700000000, CreateReports1764800000000, CreateReportForms1765000000000, Hardening1765100000000, ExpertDeletion1765200000000, AddApplicationKind1765300000000, AddPlatform1765500000000, ApplicationChanges1765600000000, OutboxResultIndex1765700000000, ExpertTeam1766000000000, CreateFormDrafts1766300000000, RecordOrigin1766400000000, CreateLedgerQueue1766500000000, CalendarEntries1766600000000, DingTalkFormCards1766800000000, FormDraftIdle1766900000000];

/**
 * TypeORM switches node-sqlite3 into verbose mode, which builds an Error and inspects the
 * arguments of every statement: measurable on the webhook's hot path (bench/README.md).
 */
function quietSqlite3(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3');
  return Object.assign(Object.create(sqlite3), { verbose: () => sqlite3 });
}

export { isBusy, retryBusy, SQLITE_BUSY_TIMEOUT_MS } from './busy';
import { SQLITE_BUSY_TIMEOUT_MS } from './busy';

/** Builds the data source from DATABASE_URL: `sqlite:<path>` (default) or `postgres://…`. */
export function createDataSource(databaseUrl: string): DataSource {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, subscribers: [OriginSubscriber], synchronize: false, migrationsRun: false, logging: false };
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    const database = file === ':memory:' ? file : resolve(file);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return new DataSource({ ...common, type: 'sqlite', database, enableWAL: true, busyTimeout: SQLITE_BUSY_TIMEOUT_MS, driver: quietSqlite3() });
  }
  return new DataSource({ ...common, type: 'postgres', url: databaseUrl });
}

/** Opens the database and brings its schema up to date; closes it again if that fails. */
export async function openDatabase(databaseUrl: string): Promise<DataSource> {
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  try {
    await migrate(ds);
    return ds;
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}

/** Applies the pending migrations of an initialised data source; returns those it applied, in order. */
export async function migrate(ds: DataSource): Promise<Migration[]> {
  if (ds.options.type === 'sqlite') {
    // WAL with synchronous=NORMAL survives a process crash; only an OS crash may lose the last commits.
    await ds.query('PRAGMA synchronous = NORMAL');
    return ds.runMigrations({ transaction: 'each' });
  }
  return migrateUnderLock(ds);
}

/**
 * Instances starting together on one PostgreSQL database would race to create the same tables;
 * an advisory lock (held by one connection) lets one migrate while the others wait.
 */
async function migrateUnderLock(ds: DataSource): Promise<Migration[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

const MIGRATION_LOCK = 'innovation-bot:migrations';

/** A unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = (err as QueryFailedError & { driverError?: { code?: string; message?: string } }).driverError;
  return driverError?.code === '23505' || /UNIQUE constraint failed/.test(driverError?.message ?? err.message);
}
