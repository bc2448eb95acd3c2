import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource, ENTITIES, MIGRATIONS } from '../../src/db/data-source';
import { Application } from '../../src/db/entities/application.entity';
import { Expert } from '../../src/db/entities/expert.entity';
import { Need } from '../../src/db/entities/need.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { ChatBinding } from '../../src/db/entities/chat-binding.entity';
import { JobRun } from '../../src/db/entities/job-run.entity';
import { JOB_CLI_JS } from '../helpers/job-process';

/**
 * Upgrades: a database made at every landed migration, with rows written in that migration's
 * schema, is brought to the latest one (as `npm run job -- migrate` and the bot at start do)
 * and nothing is lost. A new migration needs no change here to be covered; give it rows in
 * ROWS when it adds tables or columns worth checking.
 */

const T = 1_780_000_000_000;

/** Rows to write once the database is at a migration, in that migration's own schema (plain SQL). */
const ROWS: Record<string, (q: (sql: string) => Promise<unknown>, tag: string) => Promise<void>> = {
  CreateSpine1763800000000: async (q, tag) => {
    await q(`INSERT INTO inbound_events (tenant_key, dedup_key, event_id, event_type, payload, status, attempts, next_attempt_at, received_at) VALUES ('t1', 'dedup-${tag}', 'ev-${tag}', 'im.message.receive_v1', '{}', 'done', 1, ${T}, ${T})`);
    await q(`INSERT INTO outbox_messages (tenant_key, idempotency_key, operation, target, rate_key, payload, status, attempts, next_attempt_at, created_at) VALUES ('t1', 'key-${tag}', 'send_chat', 'oc_${tag}', 'chat:oc_${tag}', '{"type":"text","text":"hi"}', 'pending', 0, ${T}, ${T})`);
    await q(`INSERT INTO chat_bindings (tenant_key, chat_id, scope, bound_by, created_at, updated_at) VALUES ('t1', 'oc_bound_${tag}', '包头市', 'ou_admin', ${T}, ${T})`);
  },
  CreateApplications1764500000000: async (q, tag) => {
    await q(
      `INSERT INTO applications (tenant_key, form_token, code_year, code_seq, filer_open_id, status, version, org_name, region, start_date, end_date, headcount, contact_name, mobile, email, submitted_at, created_at, updated_at) ` +
        `VALUES ('t1', 'form-${tag}', 2027, ${seq(tag)}, 'ou_filer', '待审核', 1, '单位 ${tag}', '包头市', '2027-06-10', '2027-06-11', 100, '张三', '13800138000', 'a@example.com', ${T}, ${T}, ${T})`,
    );
    await q(`INSERT INTO application_events (application_id, action, from_status, to_status, actor_open_id, at) VALUES (1, 'submit', '草稿', '待审核', 'ou_filer', ${T})`);
  },
  CreateJobs1764600000000: async (q, tag) => {
    await q(`INSERT INTO job_runs (job, as_of, started_at, finished_at, status, sent, skipped, failures) VALUES ('reminders-${tag}', ${T}, ${T}, ${T}, 'done', 2, 0, 0)`);
    await q(`INSERT INTO job_occasions (job, subject, occasion, outcome, at) VALUES ('reminders', 'application:${tag}', 'before-3', 'sent', ${T})`);
  },
  CreateNeeds1764700000000: async (q, tag) => {
    await q(`INSERT INTO experts (tenant_key, name, organisation, fields, contact, added_by, created_at, updated_at) VALUES ('t1', '专家 ${tag}', '内蒙古大学', '["new-materials"]', '13900139000', 'ou_admin', ${T}, ${T})`);
    await q(
      `INSERT INTO needs (tenant_key, form_token, code_year, code_seq, filer_open_id, status, version, enterprise_name, region, industry, need_type, description, contact_name, mobile, created_at, updated_at) ` +
        `VALUES ('t1', 'need-${tag}', 2027, ${seq(tag)}, 'ou_filer', '待对接', 1, '企业 ${tag}', '包头市', 'new-materials', '技术难题', '描述描述描述描述描述', '李四', '13700137000', ${T}, ${T})`,
    );
  },
  CreateReports1764800000000: async (q, tag) => {
    await q(
      `INSERT INTO report_tasks (tenant_key, form_token, code_year, code_seq, title, description, deadline_at, regions, expects, created_by, progress_keys, version, created_at) ` +
        `VALUES ('t1', 'task-${tag}', 2027, ${seq(tag)}, '报送 ${tag}', '要求', ${T}, '["包头市"]', 'text', 'ou_admin', '[]', 1, ${T})`,
    );
    await q(`INSERT INTO report_submissions (task_id, region, text, submitted_by, submitted_at, late, times) VALUES ((SELECT MAX(id) FROM report_tasks), '包头市 ${tag}', '上半年 3 场', 'ou_reporter', ${T}, 0, 1)`);
  },
};

/** A different code per tag, so rows of every stage live side by side (a hash collided once there were 19 stages). */
const seqs = new Map<string, number>();
function seq(tag: string): number {
  if (!seqs.has(tag)) seqs.set(tag, 100 + seqs.size);
  return seqs.get(tag)!;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'innovation-bot-migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A data source that knows only the first `count` migrations, as the code of that time did. */
async function openAt(file: string, count: number): Promise<DataSource> {
  const ds = new DataSource({ type: 'sqlite', database: file, entities: ENTITIES, migrations: MIGRATIONS.slice(0, count), synchronize: false, migrationsRun: false, logging: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

const TABLES = ['inbound_events', 'outbox_messages', 'chat_bindings', 'applications', 'application_events', 'job_runs', 'job_occasions', 'experts', 'needs', 'report_tasks', 'report_submissions'];

async function counts(ds: DataSource): Promise<Record<string, number>> {
  const tables = new Set((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r: { name: string }) => r.name));
  const out: Record<string, number> = {};
  for (const t of TABLES) if (tables.has(t)) out[t] = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  return out;
}

/** Upgrades with the current code (every migration) and reads the rows through the entities. */
async function upgradeAndRead(file: string) {
  const ds = createDataSource(`sqlite:${file}`);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    const read = {
      applications: (await ds.getRepository(Application).find({ order: { id: 'ASC' } })).map((a) => `${a.orgName}|${a.contactName}|${a.mobile}`),
      needs: (await ds.getRepository(Need).find({ order: { id: 'ASC' } })).map((n) => `${n.enterpriseName}|${n.mobile}`),
      experts: (await ds.getRepository(Expert).find({ order: { id: 'ASC' } })).map((e) => `${e.name}|${e.contact}|${e.deletedAt}`),
      submissions: (await ds.getRepository(ReportSubmission).find({ order: { id: 'ASC' } })).map((s) => `${s.region}|${s.text}`),
      outbox: (await ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).map((m) => `${m.idempotencyKey}|${m.status}`),
      bindings: (await ds.getRepository(ChatBinding).count()),
      runs: (await ds.getRepository(JobRun).count()),
    };
    return { applied: applied.map((m) => m.name), counts: await counts(ds), read };
  } finally {
    await ds.destroy();
  }
}

it('lists every migration file in src/db/migrations, in order of their timestamps', () => {
  const files = readdirSync(join(__dirname, '..', '..', 'src', 'db', 'migrations'))
    .filter((f) => /^\d+-\w+\.ts$/.test(f))
    .map((f) => f.replace(/^(\d+)-(\w+)\.ts$/, '$2$1'))
    .sort((a, b) => Number(a.match(/\d+$/)![0]) - Number(b.match(/\d+$/)![0]));
  expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
});

it('upgrades a database migration by migration, with rows written at each stage, and loses none', async () => {
  const file = join(dir, 'bot.sqlite');
  for (let k = 1; k <= MIGRATIONS.length; k++) {
    const ds = await openAt(file, k);
    try {
      // Every stage writes its own rows and those of every earlier stage again (new tags).
      for (const m of MIGRATIONS.slice(0, k)) await ROWS[m.name]?.((sql) => ds.query(sql), `s${k}-${m.name}`);
    } finally {
      await ds.destroy();
    }
  }
  const before = await (async () => {
    const ds = await openAt(file, MIGRATIONS.length);
    try {
      return await counts(ds);
    } finally {
      await ds.destroy();
    }
  })();
  const after = await upgradeAndRead(file);
  expect(after.applied).toEqual([]);
  expect(after.counts).toEqual(before);
  expect(after.read.applications.length).toBe(before.applications);
  const first = MIGRATIONS.findIndex((m) => m.name === 'CreateApplications1764500000000') + 1;
  for (let k = first; k <= MIGRATIONS.length; k++) expect(after.read.applications).toContain(`单位 s${k}-CreateApplications1764500000000|张三|13800138000`);
});

it('`npm run job -- migrate` applies what is pending and names it; run again, says it is up to date', async () => {
  const file = join(dir, 'bot.sqlite');
  await (await openAt(file, 2)).destroy();
  const run = () => {
    const child = spawn(process.execPath, [JOB_CLI_JS, 'migrate'], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  };
  const first = await run();
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
  expect(first.stdout).toBe(`migrate: applied ${MIGRATIONS.length - 2} migration(s):\n${MIGRATIONS.slice(2).map((m) => `  ${m.name}\n`).join('')}`);
  const second = await run();
  expect(second.stdout).toBe(`migrate: the database is up to date (${MIGRATIONS.length} migrations); nothing to apply.\n`);
}, 60_000);

describe.each(MIGRATIONS.map((m, i) => [m.name, i + 1] as const))('a database last migrated at %s', (name, k) => {
  it('upgrades to the latest with every row intact', async () => {
    const file = join(dir, 'bot.sqlite');
    const ds = await openAt(file, k);
    try {
      for (const m of MIGRATIONS.slice(0, k)) await ROWS[m.name]?.((sql) => ds.query(sql), `at-${name}`);
    } finally {
      await ds.destroy();
    }
    const snapshot = await (async () => {
      const again = await openAt(file, k);
      try {
        return await counts(again);
      } finally {
        await again.destroy();
      }
    })();
    const after = await upgradeAndRead(file);
    expect(after.applied).toEqual(MIGRATIONS.slice(k).map((m) => m.name));
    // Tables that existed keep their rows; tables added later start empty.
    for (const [table, n] of Object.entries(snapshot)) expect({ table, n: after.counts[table] }).toEqual({ table, n });
    if (snapshot.applications) expect(after.read.applications).toEqual([`单位 at-${name}|张三|13800138000`]);
    if (snapshot.needs) expect(after.read.needs).toEqual([`企业 at-${name}|13700137000`]);
    if (snapshot.experts) expect(after.read.experts).toEqual([`专家 at-${name}|13900139000|null`]);
    if (snapshot.report_submissions) expect(after.read.submissions).toEqual([`包头市 at-${name}|上半年 3 场`]);
    expect(after.read.outbox).toEqual([`key-at-${name}|pending`]);
  });
});
