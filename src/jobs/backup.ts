import { DateTime } from 'luxon';
import { isDue } from './occasions';
import { BackupError, describeBackup, takeBackup } from '../ops/backup';
import { sqlitePathOf } from '../ops/sqlite-file';
import { centreTargets } from '../../handlers/application-flow';
import { clip } from '../../cards/markdown';
import type { Job, JobContext } from './job-runner';
import { BACKUP_HOUR } from './schedule-config';

/**
 * The backup job. `nightlyBackup` (the bot's cron, when BACKUP_DIR is set) takes one backup per
 * night once 02:00 local has come; `backupNow` (`npm run job -- backup`) takes one whenever it
 * is run. A failed nightly backup is told to the centre's admins, once a day, and tried again
 * at the next hourly run.
 */

const SUBJECT = 'database';

async function backup(ctx: JobContext): Promise<void> {
  const ops = ctx.deps.ops;
  if (!ops?.backupDir) throw new BackupError('BACKUP_DIR is not set');
  const databaseFile = sqlitePathOf(ops.databaseUrl);
  if (!databaseFile) throw new BackupError('only an SQLite database can be backed up by this job; use pg_dump for PostgreSQL');
  // The file's name carries the real time it was taken, whatever --now says.
  const result = await takeBackup({ databaseFile, dir: ops.backupDir, keep: ops.backupKeep, at: new Date() });
  for (const line of describeBackup(result, ops.backupKeep)) ctx.note(line);
  ctx.log.info({ file: result.file, bytes: result.bytes, counts: result.counts, removed: result.removed }, 'backup: written and checked');
}

export const backupNow: Job = backup;

export const nightlyBackup: Job = async (ctx) => {
  const occasion = `night-${ctx.today}`;
  if (!isDue(ctx.today, ctx.now, ctx.deps.settings.timezone, BACKUP_HOUR) || (await ctx.done(SUBJECT, occasion))) return;
  try {
    await backup(ctx);
  } catch (err) {
    await tellCentre(ctx, err instanceof Error ? err.message : String(err));
    throw err;
  }
  await ctx.record(SUBJECT, occasion, 'sent');
};

/** Every tenant's centre (its group, or each admin privately) hears of it, once that day. */
async function tellCentre(ctx: JobContext, reason: string): Promise<void> {
  const { deps } = ctx;
  const tenants = [...new Set((await deps.bindings.all()).map((b) => b.tenantKey))];
  // No group bound yet: the admins privately (a self-built app has one tenant; the key only names the messages).
  if (tenants.length === 0) tenants.push('default');
  const when = DateTime.fromJSDate(ctx.now, { zone: deps.settings.timezone }).toFormat('yyyy-MM-dd HH:mm');
  const text =
    `数据库备份失败（${when}）：${clip(reason, 300)}\n` +
    '在修复之前，数据没有新的备份。请检查服务器上的备份目录（BACKUP_DIR）是否存在、可写、磁盘空间是否充足；机器人每小时会再试一次。';
  for (const tenantKey of tenants) {
    for (const target of await centreTargets(deps, tenantKey)) {
      const key = `backup-failed:${ctx.today}:${target.kind}:${target.id}`;
      if (target.kind === 'chat') await ctx.sendToChat(key, tenantKey, target.id, { type: 'text', text });
      else await ctx.sendToUser(key, tenantKey, target.id, { type: 'text', text });
    }
  }
}

