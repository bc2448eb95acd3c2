import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { ADMIN_OPEN_ID, Harness, startHarness, testEnv } from '../helpers/bot-harness';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { visibleText } from '../helpers/card-text';
import { Driver, YEAR } from '../helpers/application-driver';
import { messageEvent } from '../helpers/events';
import { buildFeishuRequest } from '../helpers/feishu-signer';
import { runJob } from '../helpers/job-process';
import { seedSeason, Season } from '../helpers/season';
import { waitUntilIdle } from '../helpers/idle';

/**
 * Backups and restores as operators run them (`npm run job -- backup`, `restore <file>`), beside
 * the running bot; the restored database must serve a bot that answers 查询 with every application.
 * Process-level: run `npm run build` first.
 */

// Each `npm run job` is a Node process of its own: a few seconds each on a busy machine.
jest.setTimeout(120_000);

const CENTRE_CHAT = 'oc_centre_group_backup_0000000000001';

let h: Harness;
let d: Driver;
let season: Season;
let work: string;
let backups: string;
let other: BotProcess | undefined;

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'innovation-bot-backup-'));
  backups = join(work, 'backups');
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR), BACKUP_DIR: backups } });
  d = new Driver(h);
  season = await seedSeason(h.bot.ds, YEAR);
});
afterEach(async () => {
  await other?.kill();
  other = undefined;
  await h.close();
  rmSync(work, { recursive: true, force: true });
});

const backupFiles = () => (existsSync(backups) ? readdirSync(backups).filter((f) => f.endsWith('.sqlite')).sort() : []);

it('backs up while the bot handles messages; restore refuses while it runs; the restored copy serves 查询 with every application', async () => {
  // Messages keep arriving while the backup is taken.
  const chatter = Promise.all(Array.from({ length: 5 }, () => d.ask('帮助', { senderOpenId: 'ou_someone_chatting_0000000000001' })));
  const out = await runJob(h, ['backup'], { BACKUP_DIR: backups });
  await chatter;
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  expect(out.stdout).toMatch(/backup written: .*bot-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.sqlite/);
  expect(out.stdout).toContain('integrity ok');
  expect(out.stdout).toContain('applications 5');
  expect(out.stdout).toContain('needs 3');
  expect(out.stdout).toContain('report_submissions 2');
  const [file] = backupFiles();
  expect(file).toBeDefined();

  // The bot holds its lease: restoring over its database is refused, and nothing is touched.
  const refused = await runJob(h, ['restore', join(backups, file)]);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('in use by a running bot');
  expect(readdirSync(h.dbDir).filter((f) => f.includes('before-restore'))).toEqual([]);

  // Into a fresh folder (made by the restore), then a bot started on it.
  const fresh = join(work, 'fresh');
  const restored = await runJob(h, ['restore', join(backups, file)], { DATABASE_URL: `sqlite:${join(fresh, 'bot.sqlite')}` });
  expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: '' });
  expect(restored.stdout).toContain('there was no database yet');
  other = await spawnBot({ ...testEnv(h.fake, fresh), CAMPAIGN_YEAR: String(YEAR), LOG_LEVEL: 'info' });
  const evt = messageEvent({ text: '查询', chatType: 'p2p', senderOpenId: ADMIN_OPEN_ID });
  const req = buildFeishuRequest(evt, { encryptKey: h.config.feishu.encryptKey });
  const res = await fetch(`${other.url}/feishu/events`, { method: 'POST', body: req.body, headers: req.headers });
  expect(res.status).toBe(200);
  const reply = () => h.fake.delivered.find((m) => m.kind === 'reply' && m.parentId === evt.event.message.message_id);
  await h.fake.waitFor(() => Boolean(reply()), 'the restored bot answering 查询', 15_000);
  const text = visibleText(reply()!.content);
  for (const code of season.applicationCodes) expect(text).toContain(code);
});

it('restores over a stopped bot, keeping the replaced database aside; refuses a damaged file', async () => {
  expect((await runJob(h, ['backup'], { BACKUP_DIR: backups })).code).toBe(0);
  const [file] = backupFiles();
  // After the backup, more happens; the restore takes the database back to the backup.
  await seedSeason(h.bot.ds, YEAR + 1, { applications: 2 });
  await h.stopBot();

  const garbage = join(work, 'garbage.sqlite');
  writeFileSync(garbage, 'this is not a database');
  const bad = await runJob(h, ['restore', garbage]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('restore refused');
  const half = join(work, 'half.sqlite');
  const whole = readFileSync(join(backups, file));
  writeFileSync(half, whole.subarray(0, Math.floor(whole.length / 2)));
  expect((await runJob(h, ['restore', half])).code).toBe(1);
  expect((await runJob(h, ['restore', join(work, 'missing.sqlite')])).stderr).toContain('no such file');
  expect((await runJob(h, ['restore'])).code).toBe(2);

  const out = await runJob(h, ['restore', join(backups, file)]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  const aside = readdirSync(h.dbDir).filter((f) => /^bot\.sqlite\.before-restore-[^-]/.test(f) && !/-(wal|shm)$/.test(f));
  expect(aside).toHaveLength(1);
  expect(out.stdout).toContain(aside[0]);

  const again = await startHarness({ fake: h.fake, dbDir: h.dbDir, env: { CAMPAIGN_YEAR: String(YEAR) } });
  try {
    expect(await again.bot.ds.query('SELECT COUNT(*) AS n FROM applications')).toEqual([{ n: 5 }]);
  } finally {
    await again.close();
  }
});

it('keeps the newest BACKUP_KEEP backups', async () => {
  for (let i = 0; i < 2; i++) expect((await runJob(h, ['backup'], { BACKUP_DIR: backups, BACKUP_KEEP: '2' })).code).toBe(0);
  const out = await runJob(h, ['backup'], { BACKUP_DIR: backups, BACKUP_KEEP: '2' });
  expect(out.stdout).toMatch(/removed 1: bot-/);
  expect(backupFiles()).toHaveLength(2);
});

it('says what to do without BACKUP_DIR, and to use pg_dump on PostgreSQL (exit 2)', async () => {
  const none = await runJob(h, ['backup']);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('BACKUP_DIR is not set');
  const pg = await runJob(h, ['backup'], { DATABASE_URL: 'postgres://bot:secret@127.0.0.1:1/bot', BACKUP_DIR: backups });
  expect(pg.code).toBe(2);
  expect(pg.stderr).toContain('pg_dump --format=custom');
});

describe('the nightly occasion', () => {
  /** Runs the bot's own backup job as of a local time in Shanghai on 7 June. */
  async function nightly(hour: number, minute: number, env: { backupDir: string }) {
    const at = DateTime.fromObject({ year: YEAR, month: 6, day: 7, hour, minute }, { zone: 'Asia/Shanghai' }).toJSDate();
    const config = { ...h.config, backupDir: env.backupDir };
    const deps = createJobDeps(config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
    return new JobRunner(h.bot.ds, deps, createLogger('silent')).run('backup', JOBS.backup.job, at);
  }

  it('takes one backup a night once 02:00 has come', async () => {
    expect((await nightly(1, 59, { backupDir: backups })).status).toBe('done');
    expect(backupFiles()).toHaveLength(0);
    expect((await nightly(2, 0, { backupDir: backups })).status).toBe('done');
    expect(backupFiles()).toHaveLength(1);
    await nightly(5, 0, { backupDir: backups });
    expect(backupFiles()).toHaveLength(1);
  });

  it('tells the centre when it fails, once that day, and tries again', async () => {
    await d.bind(CENTRE_CHAT, '中心');
    const notAFolder = join(work, 'not-a-folder');
    writeFileSync(notAFolder, 'a file where the backups should go');
    const first = await nightly(2, 0, { backupDir: notAFolder });
    expect(first.status).toBe('failed');
    const second = await nightly(3, 0, { backupDir: notAFolder });
    expect(second.status).toBe('failed');
    const told = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'text' && String(m.content.text).includes('数据库备份失败'));
    await h.fake.waitFor(() => told().length === 1, 'the failure told to the centre');
    await waitUntilIdle(h);
    expect(told()).toHaveLength(1);
    expect(told()[0].content.text).toContain('BACKUP_DIR');
    // Fixed: the next hourly run takes it.
    expect((await nightly(4, 0, { backupDir: backups })).status).toBe('done');
    expect(backupFiles()).toHaveLength(1);
  });
});
