import { DateTime } from 'luxon';
import { In } from 'typeorm';
import { createLedger } from '../bot/feishu-sync';
import { createJobDeps } from '../bot/job-deps';
import { createPlatform } from '../bot/platform';
import { loadProcessConfigOrExit } from '../config';
import { createDataSource, MIGRATIONS, migrate, openDatabase } from '../db/data-source';
import { OutboxMessage } from '../db/entities/outbox-message.entity';
import { createLogger } from '../logger';
import { DEFAULT_OUTBOX_OPTIONS, idempotencyKeyOf, OutboxService } from '../services/outbox-service';
import { describeCounts, PG_DUMP_ADVICE } from '../ops/backup';
import { restoreBackup, RestoreRefused } from '../ops/restore';
import { sqlitePathOf } from '../ops/sqlite-file';
import type { Config } from '../config';
import { JobRunner } from './job-runner';
import { JOBS } from './registry';

/**
 * `npm run job -- restore <file>` and `npm run job -- migrate` are the operations commands
 * beside the jobs (see README, Operations).
 *
 * `npm run job -- <name> [--now <ISO-8601>]`: runs one scheduled job as of that instant against
 * the configured database, beside a running bot or without one, never opening the HTTP port.
 * It then delivers what the run queued and exits 0 once that is sent; what cannot be sent within
 * JOB_DELIVERY_WAIT_SECONDS stays safely queued for the running bot, and the command says so.
 * Exit codes: 0 done; 1 the job or a delivery failed; 2 bad usage or configuration; 3 another
 * instance was running the same job.
 */

const USAGE =
  `usage: npm run job -- <${Object.keys(JOBS).join('|')}> [--now <ISO-8601, e.g. 2027-06-06T16:30:00Z>]\n` +
  '       npm run job -- restore <backup file>\n' +
  '       npm run job -- migrate\n' +
  '       npm run job -- ledger-sync [--full]';

export function parseArgs(
  argv: string[],
  timezone: string,
): { name: string; now: Date } | { command: 'restore'; file: string } | { command: 'migrate' } | { command: 'ledger-sync'; full: boolean } | { error: string } {
  const [name, ...rest] = argv;
  if (name === 'ledger-sync') {
    if (rest.some((a) => a !== '--full')) return { error: `ledger-sync takes only --full. ${USAGE}` };
    return { command: 'ledger-sync', full: rest.includes('--full') };
  }
  if (name === 'restore') {
    if (rest.length !== 1 || rest[0].startsWith('--')) return { error: `restore takes the backup file to restore. ${USAGE}` };
    return { command: 'restore', file: rest[0] };
  }
  if (name === 'migrate') return rest.length ? { error: `migrate takes no arguments. ${USAGE}` } : { command: 'migrate' };
  if (!name || !(name in JOBS)) return { error: name ? `unknown job '${name}'. ${USAGE}` : USAGE };
  let now = new Date();
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--now' && rest[i + 1] !== undefined) {
      // An instant without an offset is read in SCHEDULE_TIMEZONE, as people there would mean it.
      const parsed = DateTime.fromISO(rest[++i], { zone: timezone, setZone: true });
      if (!parsed.isValid) return { error: `--now: '${rest[i]}' is not an ISO-8601 instant. ${USAGE}` };
      now = parsed.toJSDate();
    } else {
      return { error: `unexpected argument '${rest[i]}'. ${USAGE}` };
    }
  }
  return { name, now };
}

async function main(): Promise<number> {
  const { config } = loadProcessConfigOrExit(2);
  const args = parseArgs(process.argv.slice(2), config.timezone);
  if ('error' in args) {
    process.stderr.write(`${args.error}\n`);
    return 2;
  }
  if ('command' in args) {
    if (args.command === 'ledger-sync') return ledgerSync(config, args.full);
    return args.command === 'restore' ? restore(config, args.file) : migrateNow(config);
  }
  if (args.name === 'backup') {
    if (!sqlitePathOf(config.databaseUrl)) {
      process.stderr.write(`${PG_DUMP_ADVICE.join('\n')}\n`);
      return 2;
    }
    if (!config.backupDir) {
      process.stderr.write('backup: BACKUP_DIR is not set; set it to the folder backups go to (e.g. BACKUP_DIR=/var/backups/innovation-bot).\n');
      return 2;
    }
  }
  const logger = createLogger(config.logLevel, process.stderr);
  const ds = await openDatabase(config.databaseUrl);
  const platform = createPlatform(config, logger, config.feishu.httpTimeoutMs);
  if (platform.name === 'dry-run') process.stdout.write('dry-run: FEISHU_APP_ID/FEISHU_APP_SECRET are not set; messages are logged, not sent.\n');
  const outbox = new OutboxService(ds, platform, logger.child({ component: 'outbox' }), {
    ...DEFAULT_OUTBOX_OPTIONS,
    leaseMs: 2 * config.feishu.httpTimeoutMs,
  });
  try {
    // The job's own clock runs from --now; the outbox keeps the real one (see createJobDeps).
    const offset = args.now.getTime() - Date.now();
    const deps = createJobDeps(config, ds, platform, outbox, () => Date.now() + offset);
    const entry = JOBS[args.name];
    // By hand a job does its work whatever was done before (a backup now, retention as of --now).
    const result = await new JobRunner(ds, deps, logger.child({ component: 'jobs' })).run(args.name, entry.manual ?? entry.job, args.now);
    for (const line of result.notes) process.stdout.write(`${line}\n`);
    const summary = `${args.name} as of ${args.now.toISOString()}: ${result.status}, ${result.sent} queued, ${result.skipped} skipped, ${result.failures} failures`;
    if (result.status === 'locked') {
      process.stdout.write(`${summary}: another instance is running this job right now; nothing was done.\n`);
      return 3;
    }
    const delivery = await deliver(ds, outbox, result.keys, config.jobDeliveryWaitSeconds * 1000);
    process.stdout.write(`${summary}; delivered ${delivery.sent}, still queued ${delivery.pending}, failed ${delivery.failed}\n`);
    if (delivery.pending > 0) process.stdout.write(`${delivery.pending} message(s) could not be sent yet; they stay queued and the running bot delivers them.\n`);
    for (const error of delivery.errors) process.stderr.write(`delivery failed: ${error}\n`);
    if (result.status === 'failed') process.stderr.write(`job failed: ${result.error}\n`);
    return result.status === 'failed' || result.failures > 0 || delivery.failed > 0 ? 1 : 0;
  } finally {
    await outbox.stop();
    await ds.destroy();
  }
}

/**
 * `npm run job -- ledger-sync [--full]`: writes what the 台账's queue holds now (beside a
 * running bot or without one); with --full, marks every application, need and report
 * submission first, so the Base is rebuilt from the database (tables and fields created or
 * checked first). Waits up to JOB_DELIVERY_WAIT_SECONDS; the rest stays queued for the bot.
 */
async function ledgerSync(config: Config, full: boolean): Promise<number> {
  if (!config.ledger) {
    process.stderr.write('ledger-sync: FEISHU_BITABLE_APP_TOKEN is not set; set it to the app_token of the Base the 台账 goes to.\n');
    return 2;
  }
  const logger = createLogger(config.logLevel, process.stderr);
  const ds = await openDatabase(config.databaseUrl);
  try {
    const ledger = createLedger(config, ds, logger, Date.now);
    if (!ledger?.worker) {
      process.stderr.write('ledger-sync: FEISHU_APP_ID/FEISHU_APP_SECRET are not set; the 台账 cannot be written in dry-run mode.\n');
      return 2;
    }
    const worker = ledger.worker;
    const ready = await worker.ensureTables();
    for (const p of worker.problems()) process.stdout.write(`ledger-sync: ${p}\n`);
    if (!ready) {
      process.stderr.write('ledger-sync: no table of the 台账 can be written; nothing was done.\n');
      return 1;
    }
    if (full) process.stdout.write(`ledger-sync: ${await worker.markAll()} record(s) marked for a full rebuild\n`);
    await worker.drain(Date.now() + config.jobDeliveryWaitSeconds * 1000);
    const state = await worker.state();
    process.stdout.write(`ledger-sync: ${state.synced} written, ${state.pending} still queued, ${state.failed} failed\n`);
    if (state.pending > 0) process.stdout.write(`${state.pending} record(s) could not be written yet; they stay queued and the running bot writes them.\n`);
    return state.failed > 0 ? 1 : 0;
  } finally {
    await ds.destroy();
  }
}

/** Restores a backup over the SQLite database, keeping the current file aside. */
async function restore(config: Config, file: string): Promise<number> {
  const databaseFile = sqlitePathOf(config.databaseUrl);
  if (!databaseFile) {
    process.stderr.write('restore: DATABASE_URL is PostgreSQL; restore a pg_dump file with pg_restore --clean --if-exists --dbname="$DATABASE_URL" <file>.dump, with the bot stopped.\n');
    return 2;
  }
  try {
    const result = await restoreBackup({ backupFile: file, databaseFile, now: new Date() });
    process.stdout.write(`restore: checked ${result.restored.file}: integrity ok, ${result.restored.migrations} migrations, ${describeCounts(result.restored.counts)}\n`);
    process.stdout.write(result.asideFile ? `restore: the database it replaced is kept as ${result.asideFile}\n` : 'restore: there was no database yet\n');
    process.stdout.write(`restore: ${databaseFile} restored; start the bot (it applies any newer migrations at start).\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreRefused)) throw err;
    process.stderr.write(`restore refused: ${err.message}\n`);
    return err.reason === 'locked' ? 3 : 1;
  }
}

/** Applies the pending migrations and names them. */
async function migrateNow(config: Config): Promise<number> {
  const ds = createDataSource(config.databaseUrl);
  await ds.initialize();
  try {
    const applied = await migrate(ds);
    if (applied.length === 0) process.stdout.write(`migrate: the database is up to date (${MIGRATIONS.length} migrations); nothing to apply.\n`);
    else process.stdout.write(`migrate: applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m.name}\n`).join('')}`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

/** Sends what the run queued, waiting up to `waitMs`; reports what is sent, pending, failed. */
async function deliver(ds: import('typeorm').DataSource, outbox: OutboxService, keys: Array<{ tenantKey: string; key: string }>, waitMs: number) {
  const ids = keys.map((k) => idempotencyKeyOf(k.tenantKey, k.key));
  const repo = ds.getRepository(OutboxMessage);
  const look = () => (ids.length ? repo.find({ where: { idempotencyKey: In(ids) } }) : Promise.resolve([]));
  outbox.start();
  const deadline = Date.now() + waitMs;
  let rows = await look();
  while (rows.some((r) => r.status === 'pending' || r.status === 'sending') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await look();
  }
  const failed = rows.filter((r) => r.status === 'failed');
  return {
    sent: rows.filter((r) => r.status === 'sent').length,
    failed: failed.length,
    pending: rows.length - rows.filter((r) => r.status === 'sent').length - failed.length,
    errors: failed.map((r) => `${r.operation} ${r.target}: ${r.lastError}`),
  };
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`job failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
