import type { DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS, openDatabase } from '../../src/db/data-source';
import { ChatBinding } from '../../src/db/entities/chat-binding.entity';
import { Job, JobDeps, JobRunner } from '../../src/jobs/job-runner';
import { NeedService } from '../../src/services/need-service';
import { createLogger } from '../../src/logger';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { OutboxMessage } from '../../src/db/entities/outbox-message.entity';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { waitUntilIdle } from '../helpers/idle';
import { messageEvent, newId } from '../helpers/events';
import { FIXTURE_TENANT, seedSeason } from '../helpers/season';
import { applyRetention, MASKED } from '../../src/ops/retention';
import { ExpertService } from '../../src/services/expert-service';

/**
 * The bot on PostgreSQL, end to end. Runs only when TEST_POSTGRES_URL names a database that
 * may be wiped: its `public` schema is dropped and recreated. Locally:
 *   export TEST_POSTGRES_URL=$(bash .ci/postgres.sh | tail -1) && npx jest test/integration/postgres.test.ts
 * CI must always run these (CI=true without TEST_POSTGRES_URL fails).
 */
const PG_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

if (!PG_URL) {
  if (process.env.CI === 'true') {
    describe('PostgreSQL', () => {
      it('runs in CI: TEST_POSTGRES_URL must be set', () => {
        throw new Error(
          'CI=true but TEST_POSTGRES_URL is not set: the PostgreSQL tests must run in CI. ' +
            'Run `TEST_POSTGRES_URL=$(bash .ci/postgres.sh) && export TEST_POSTGRES_URL` before the tests.',
        );
      });
    });
  } else {
    describe.skip('PostgreSQL tests (set TEST_POSTGRES_URL to run)', () => {
      it('runs the bot on PostgreSQL', () => undefined);
    });
  }
} else {
  pgSuite(PG_URL);
}

function pgSuite(url: string): void {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`TEST_POSTGRES_URL must be a postgres:// URL, got '${url}'`);
  const env = { DATABASE_URL: url };

  /** Drops everything the bot stored: a fresh, empty database. */
  async function resetSchema(): Promise<void> {
    const ds = createDataSource(url);
    await ds.initialize();
    try {
      await ds.query('DROP SCHEMA IF EXISTS public CASCADE');
      await ds.query('CREATE SCHEMA public');
    } finally {
      await ds.destroy();
    }
  }

  const open: Harness[] = [];
  /** Per harness: how many log lines it wrote before it was told to stop. */
  const logsBeforeStop = new Map<Harness, number>();
  async function start(opts: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
    const h = await startHarness({ ...opts, env: { ...env, ...opts.env } });
    const { stopBot, close } = h;
    const mark = () => {
      if (!logsBeforeStop.has(h)) logsBeforeStop.set(h, h.logs.length);
    };
    h.stopBot = () => (mark(), stopBot());
    h.close = () => (mark(), close());
    open.push(h);
    return h;
  }

  const replies = (h: Harness) => h.fake.delivered.filter((m) => m.kind === 'reply');

  /**
   * Waits until nothing is left to process or send: every delivery posted has been recorded
   * before its 200, so a duplicate reply would have gone out by then.
   */
  async function settled(h: Harness): Promise<void> {
    try {
      await waitUntilIdle(h, 10_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${h.logs.join('')}`);
    }
  }

  async function waitForReplies(h: Harness, n: number, what: string): Promise<void> {
    try {
      await h.fake.waitFor(() => replies(h).length >= n, what);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- bot log ---\n${h.logs.join('')}`);
    }
  }

  // Each test starts from an empty database, so one test's leftovers cannot stall the next.
  beforeEach(async () => {
    await resetSchema();
  });

  afterEach(async () => {
    // A PostgreSQL-specific failure often shows only as a logged error (a poll or delivery pass
    // failing), so none may be logged while a bot runs. The Feishu SDK's own lines are left out:
    // they report the fake's scripted failures.
    const errors = open
      .flatMap((h) => h.logs.slice(0, logsBeforeStop.get(h) ?? h.logs.length))
      .filter((line) => /"level":(50|60)\b/.test(line) && !/"msg":"feishu sdk"/.test(line));
    // Newest first: a restarted bot shares its predecessor's fake, which the first harness owns.
    while (open.length > 0) await open.pop()!.close();
    logsBeforeStop.clear();
    expect(errors).toEqual([]);
  });

  describe('PostgreSQL', () => {
    it('migrates a fresh database, and migrating again is a no-op', async () => {
      const first = await openDatabase(url);
      let second: DataSource | undefined;
      try {
        expect(first.options.type).toBe('postgres');
        await first.destroy();
        second = await openDatabase(url);
        expect(await second.showMigrations()).toBe(false);
        const applied = await second.query('SELECT name FROM migrations ORDER BY id');
        expect(applied.map((r: { name: string }) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));

        // The instants really are BIGINT and the ids integer sequences, not text.
        const columns: Array<{ table_name: string; column_name: string; data_type: string; column_default: string | null }> =
          await second.query(
            `SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name IN ('inbound_events', 'outbox_messages', 'chat_bindings')`,
          );
        const type = (t: string, c: string) => columns.find((r) => r.table_name === t && r.column_name === c)?.data_type;
        for (const [t, c] of [
          ['inbound_events', 'next_attempt_at'],
          ['inbound_events', 'lease_until'],
          ['inbound_events', 'received_at'],
          ['inbound_events', 'processed_at'],
          ['outbox_messages', 'next_attempt_at'],
          ['outbox_messages', 'lease_until'],
          ['outbox_messages', 'created_at'],
          ['outbox_messages', 'sent_at'],
          ['chat_bindings', 'created_at'],
          ['chat_bindings', 'updated_at'],
        ]) {
          expect([t, c, type(t, c)]).toEqual([t, c, 'bigint']);
        }
        for (const t of ['inbound_events', 'outbox_messages', 'chat_bindings']) {
          const id = columns.find((r) => r.table_name === t && r.column_name === 'id');
          expect(id?.data_type).toBe('integer');
          expect(id?.column_default).toMatch(/^nextval\(/);
        }
        const indexes: Array<{ indexname: string; indexdef: string }> = await second.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
        );
        const unique = indexes.filter((i) => /CREATE UNIQUE INDEX/.test(i.indexdef)).map((i) => i.indexname);
        expect(unique).toEqual(
          expect.arrayContaining(['uq_inbound_events_dedup_key', 'uq_outbox_messages_idempotency_key', 'uq_chat_bindings_tenant_chat']),
        );
      } finally {
        if (first.isInitialized) await first.destroy();
        if (second?.isInitialized) await second.destroy();
      }
    });

    it('answers a private 帮助 with exactly one reply', async () => {
      const h = await start();
      expect(h.bot.ds.options.type).toBe('postgres');
      const health = await fetch(`${h.url}/healthz`);
      expect(health.status).toBe(200);

      const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
      const res = await h.post('/feishu/events', evt);
      expect(res.status).toBe(200);
      await waitForReplies(h, 1, 'the help reply');
      await settled(h);
      expect(replies(h)).toHaveLength(1);
      const [reply] = replies(h);
      expect(reply.parentId).toBe(evt.event.message.message_id);
      expect(reply.msgType).toBe('interactive');
      expect(visibleText(reply.content)).toContain('查询 / 查询 <编号>');

      const rows = await h.bot.ds.getRepository(InboundEvent).findBy({ dedupKey: `msg:${evt.event.message.message_id}` });
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([['done', 1]]);
    });

    it('replies once to a message delivered three times, in turn or all at once', async () => {
      const h = await start();
      // In turn: Feishu's redeliveries carry new event ids for the same message.
      const messageId = newId('om_');
      for (let i = 0; i < 3; i++) {
        const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p', messageId }));
        expect(res.status).toBe(200);
      }
      // All at once: the same envelope three times concurrently (a unique-violation race on the insert).
      const concurrent = messageEvent({ text: '帮助', chatType: 'p2p' });
      const answers = await Promise.all([1, 2, 3].map(() => h.post('/feishu/events', concurrent)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

      await waitForReplies(h, 2, 'the two replies');
      await settled(h);
      expect(replies(h).map((r) => r.parentId).sort()).toEqual([messageId, concurrent.event.message.message_id].sort());
      const stored = await h.bot.ds.getRepository(InboundEvent).count();
      expect(stored).toBeGreaterThanOrEqual(2);
      for (const id of [messageId, concurrent.event.message.message_id]) {
        expect(await h.bot.ds.getRepository(InboundEvent).countBy({ dedupKey: `msg:${id}` })).toBe(1);
      }
    });

    it('keeps deduplicating across a restart on the same database', async () => {
      const first = await start();
      const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
      await first.post('/feishu/events', evt);
      await waitForReplies(first, 1, 'the reply before the restart');
      await settled(first);
      await first.stopBot();

      const second = await start({ fake: first.fake });
      const again = await second.post('/feishu/events', { ...evt, header: { ...evt.header, event_id: newId('') } });
      expect(again.status).toBe(200);
      const fresh = messageEvent({ text: '帮助', chatType: 'p2p' });
      await second.post('/feishu/events', fresh);
      await waitForReplies(second, 2, 'the reply after the restart');
      await settled(second);
      expect(replies(second).map((r) => r.parentId)).toEqual([evt.event.message.message_id, fresh.event.message.message_id]);
    });

    it('delivers after a restart a reply that was still waiting for its retry', async () => {
      // The first bot's send fails and is put off for a minute; it stops before retrying.
      const first = await start({ bot: { cron: false, outbox: { pollIntervalMs: 50, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 } } } });
      first.fake.failures.push({ status: 500, body: { code: 500, msg: 'internal error' } });
      const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
      const messageId: string = evt.event.message.message_id;
      await first.post('/feishu/events', evt);
      const outbox = first.bot.ds.getRepository(OutboxMessage);
      await first.fake.waitFor(async () => (await outbox.findOneBy({ target: messageId }))?.lastError != null, 'the failed send');
      const waiting = await outbox.findOneByOrFail({ target: messageId });
      expect([waiting.status, waiting.attempts, typeof waiting.nextAttemptAt]).toEqual(['pending', 1, 'number']);
      expect(waiting.nextAttemptAt - Date.now()).toBeGreaterThan(30_000);
      await first.stopBot();
      expect(replies(first)).toHaveLength(0);

      // The second bot's clock is 90 s on: the retry is due, and goes out once.
      const second = await start({ fake: first.fake, bot: { now: () => Date.now() + 90_000 } });
      await waitForReplies(second, 1, 'the retried reply after the restart');
      await settled(second);
      expect(replies(second).map((r) => r.parentId)).toEqual([messageId]);
      const sent = await second.bot.ds.getRepository(OutboxMessage).findOneByOrFail({ target: messageId });
      expect([sent.status, sent.attempts]).toEqual(['sent', 2]);
    });

    it("stores an admin's 绑定 包头市 in a group, and a rebind", async () => {
      const h = await start();
      const chatId = newId('oc_');
      const bind = messageEvent({ text: '绑定 包头市', chatType: 'group', chatId, mentionBot: true, senderOpenId: ADMIN_OPEN_ID });
      const tenantKey: string = bind.header.tenant_key;
      await h.post('/feishu/events', bind);
      await waitForReplies(h, 1, 'the bind confirmation');
      await settled(h);

      const binding = await h.bot.bindings.find(tenantKey, chatId);
      expect(binding).toMatchObject({ tenantKey, chatId, scope: '包头市', boundBy: ADMIN_OPEN_ID });
      expect(typeof binding!.createdAt).toBe('number');
      expect(Math.abs(binding!.createdAt - Date.now())).toBeLessThan(60_000);
      expect(String(replies(h)[0].content.text)).toContain('已将本群绑定为包头市的工作群');
      expect((await h.bot.bindings.chatsFor(tenantKey, '包头市')).map((b) => b.chatId)).toEqual([chatId]);

      const rebind = messageEvent({ text: '绑定 中心', chatType: 'group', chatId, mentionBot: true, senderOpenId: ADMIN_OPEN_ID });
      await h.post('/feishu/events', rebind);
      await waitForReplies(h, 2, 'the rebind confirmation');
      await settled(h);
      expect((await h.bot.bindings.find(tenantKey, chatId))?.scope).toBe('中心');
      expect(String(replies(h)[1].content.text)).toContain('从包头市的工作群改绑');

      // Two binds of one new chat at once: one inserts, the other hits the unique index and updates.
      const raced = newId('oc_');
      const results = await Promise.all([
        h.bot.bindings.bind(tenantKey, raced, '赤峰市', ADMIN_OPEN_ID),
        h.bot.bindings.bind(tenantKey, raced, '通辽市', ADMIN_OPEN_ID),
      ]);
      expect(results.filter((r) => r.previous === undefined).length).toBeGreaterThanOrEqual(1);
      expect(await h.bot.ds.getRepository(ChatBinding).countBy({ tenantKey, chatId: raced })).toBe(1);
    });

    it('reads the epoch-ms BIGINT columns back as numbers, and counts affected rows', async () => {
      const h = await start();
      const before = Date.now();
      const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
      const messageId: string = evt.event.message.message_id;
      await h.post('/feishu/events', evt);
      await waitForReplies(h, 1, 'the reply');
      await settled(h);
      const after = Date.now();

      const outbox = h.bot.ds.getRepository(OutboxMessage);
      const [sent] = await outbox.find({ where: { operation: 'reply', target: messageId } });
      expect(sent?.status).toBe('sent');
      for (const field of ['createdAt', 'nextAttemptAt', 'sentAt'] as const) {
        const v = sent[field];
        expect([field, typeof v]).toEqual([field, 'number']);
        expect(Number.isSafeInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(before);
        expect(v).toBeLessThanOrEqual(after);
      }
      expect(sent.leaseUntil).toBeNull();
      expect(typeof sent.id).toBe('number');
      expect(typeof sent.attempts).toBe('number');
      expect(sent.sentAt! - sent.createdAt).toBeGreaterThanOrEqual(0);

      const [event] = await h.bot.ds.getRepository(InboundEvent).find({ where: { dedupKey: `msg:${messageId}` } });
      expect(event?.status).toBe('done');
      for (const field of ['receivedAt', 'nextAttemptAt', 'processedAt'] as const) {
        expect([field, typeof event[field]]).toEqual([field, 'number']);
      }

      // Query-builder reads and comparisons with numbers, as the workers do.
      const due = await outbox
        .createQueryBuilder('m')
        .where('m.created_at <= :now AND m.sent_at >= :before', { now: Date.now(), before })
        .getMany();
      expect(due.map((m) => typeof m.createdAt)).toContain('number');

      // `affected` from UPDATE and DELETE, which the claims and prune rely on.
      const missed = await outbox.update({ id: sent.id, status: 'pending' }, { lastError: 'x' });
      expect(missed.affected).toBe(0);
      const hit = await outbox.createQueryBuilder().update().set({ attempts: () => 'attempts + 0' }).where('id = :id', { id: sent.id }).execute();
      expect(hit.affected).toBe(1);
      const pruned = await h.bot.outbox.prune(-60_000);
      expect(typeof pruned).toBe('number');
      expect(pruned).toBeGreaterThanOrEqual(1);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// ApplicationService on PostgreSQL: the concurrency cases of test/unit/application-service.test.ts,
// where the database (not one shared SQLite connection) has to make them safe. (Imports are
// hoisted; they stand here to keep this block in one piece.)
import { Application } from '../../src/db/entities/application.entity';
import { codeOf, reviewKeysOf } from '../../src/services/application-record';
import { ApplicationService, type ChangeResult } from '../../src/services/application-service';
import { checked } from '../helpers/factories';

if (!PG_URL) {
  if (process.env.CI === 'true') {
    describe('PostgreSQL: ApplicationService', () => {
      it('runs in CI: TEST_POSTGRES_URL must be set', () => {
        throw new Error('CI=true but TEST_POSTGRES_URL is not set: the PostgreSQL ApplicationService tests must run in CI.');
      });
    });
  } else {
    describe.skip('PostgreSQL: ApplicationService (set TEST_POSTGRES_URL to run)', () => {
      it('numbers concurrent submissions and decides once', () => undefined);
    });
  }
} else {
  applicationServiceSuite(PG_URL);
}

function applicationServiceSuite(url: string): void {
  const TENANT = 'tenant-pg';
  const YEAR = 2027;
  const okApp = (r: ChangeResult): Application => {
    if (!r.ok) throw new Error(`expected ok:true, got ok:false with current status ${r.current.status}`);
    return r.app;
  };

  describe('PostgreSQL: ApplicationService', () => {
    let ds: DataSource;
    let svc: ApplicationService;
    let tokens = 0;
    const token = () => `pg-form-${++tokens}`;
    const submitFresh = async (filer: string, year = YEAR) =>
      okApp(await svc.submit({ tenantKey: TENANT, actorOpenId: filer, formToken: token(), app: null, checked: checked(), year }));
    const actions = async (app: Application) => (await svc.history(app.id)).map((e) => e.action);

    // A fresh, migrated schema for every test (the file's top-level beforeEach resets it too;
    // this block does not rely on that).
    beforeEach(async () => {
      const admin = createDataSource(url);
      await admin.initialize();
      try {
        await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
        await admin.query('CREATE SCHEMA public');
      } finally {
        await admin.destroy();
      }
      ds = await openDatabase(url);
      svc = new ApplicationService(ds, () => Date.UTC(2027, 4, 1, 2, 0, 0));
    });

    afterEach(async () => {
      if (ds?.isInitialized) await ds.destroy();
    });

    it('numbers 20 fresh cards submitted at once 0001..0020, without gaps or duplicates, each year on its own', async () => {
      expect(ds.options.type).toBe('postgres');
      const apps = await Promise.all(Array.from({ length: 20 }, (_, i) => submitFresh(`ou_filer_${i}`)));
      const expected = Array.from({ length: 20 }, (_, i) => `SQ2027-${String(i + 1).padStart(4, '0')}`);
      expect(apps.map(codeOf).sort()).toEqual(expected);

      const stored = await ds.getRepository(Application).find();
      expect(stored).toHaveLength(20);
      expect(stored.map(codeOf).sort()).toEqual(expected);
      expect(stored.every((a) => a.status === '待审核' && typeof a.submittedAt === 'number')).toBe(true);
      for (const app of stored) expect(await actions(app)).toEqual(['submit']);

      expect(codeOf(await submitFresh('ou_next_year', 2028))).toBe('SQ2028-0001');
      expect(codeOf(await submitFresh('ou_this_year'))).toBe('SQ2027-0021');
    });

    it('makes one application with one code when one card is submitted 5 times at once', async () => {
      for (let round = 0; round < 3; round++) {
        const formToken = token();
        const results = await Promise.all(
          Array.from({ length: 5 }, () => svc.submit({ tenantKey: TENANT, actorOpenId: 'ou_filer', formToken, app: null, checked: checked(), year: YEAR })),
        );
        const stored = await ds.getRepository(Application).findBy({ tenantKey: TENANT, formToken });
        expect(stored).toHaveLength(1);
        expect(codeOf(stored[0])).toBe(`SQ2027-000${round + 1}`);
        for (const r of results) expect((r.ok ? r.app : r.current).id).toBe(stored[0].id);
        expect(results.filter((r) => r.ok && r.from === '草稿')).toHaveLength(1);
        expect((await actions(stored[0])).filter((a) => a === 'submit')).toHaveLength(1);
      }
      const all = await ds.getRepository(Application).find();
      expect(new Set(all.map(codeOf)).size).toBe(all.length);
    });

    it('lets exactly one of two concurrent decisions on the same copy win', async () => {
      for (const [first, second] of [
        ['approve', 'reject'],
        ['reject', 'approve'],
        ['approve', 'approve'],
      ] as const) {
        const stale = await submitFresh('ou_filer');
        const results = await Promise.all([
          svc.transition(stale, first, 'ou_admin_a', first === 'approve' ? null : '理由A'),
          svc.transition(stale, second, 'ou_admin_b', second === 'approve' ? null : '理由B'),
        ]);
        const winners = results.filter((r) => r.ok);
        const losers = results.filter((r) => !r.ok);
        expect([first, second, winners.length, losers.length]).toEqual([first, second, 1, 1]);
        const winner = okApp(winners[0]);
        const loser = losers[0];
        if (loser.ok) throw new Error('unreachable');
        expect(loser.current).toMatchObject({ status: winner.status, decidedBy: winner.decidedBy, decisionReason: winner.decisionReason, version: winner.version });
        expect(await ds.getRepository(Application).findOneByOrFail({ id: stale.id })).toEqual(winner);
        expect((await svc.history(stale.id)).filter((e) => e.action !== 'submit').map((e) => e.actorOpenId)).toEqual([winner.decidedBy]);
      }
    });

    // Regression: `:old IS NULL` left PostgreSQL unable to type the parameter ("could not
    // determine data type of parameter $3"); the WHERE is now chosen in code.
    it('addReviewKeys works on PostgreSQL and keeps every key of concurrent calls', async () => {
      const app = await submitFresh('ou_filer');
      await svc.addReviewKeys(app, ['k0']);
      // Against text now; the first of them against the value the others read too.
      await Promise.all([1, 2, 3, 4, 5].map((i) => svc.addReviewKeys(app, [`k${i}`, 'k0'])));
      const keys = reviewKeysOf(await ds.getRepository(Application).findOneByOrFail({ id: app.id }));
      expect([...keys].sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    });
  });

  describe('PostgreSQL: scheduled jobs across instances', () => {
    it('runs a job on one instance at a time, and records each occasion once', async () => {
      const [a, b] = [await openDatabase(url), await openDatabase(url)];
      try {
        let runs = 0;
        const job: Job = async (ctx) => {
          runs += 1;
          if (!(await ctx.done('application:1', 'before-3'))) await ctx.record('application:1', 'before-3', 'sent');
          await new Promise((r) => setTimeout(r, 300));
        };
        const deps = { settings: { timezone: 'Asia/Shanghai', campaignYear: 2027 } } as unknown as JobDeps;
        const runner = (ds: DataSource) => new JobRunner(ds, deps, createLogger('silent'));
        const asOf = new Date('2027-06-07T01:00:00Z');
        const results = await Promise.all([runner(a).run('reminders', job, asOf), runner(b).run('reminders', job, asOf)]);
        expect(results.map((r) => r.status).sort()).toEqual(['done', 'locked']);
        expect(runs).toBe(1);
        // Released: the next run (on either instance) runs, and finds the occasion done.
        expect((await runner(b).run('reminders', job, asOf)).status).toBe('done');
        expect(await a.query('SELECT occasion, outcome FROM job_occasions')).toEqual([{ occasion: 'before-3', outcome: 'sent' }]);
        expect((await a.query('SELECT status FROM job_runs ORDER BY id')).map((r: { status: string }) => r.status).sort()).toEqual(['done', 'done', 'locked']);
      } finally {
        await a.destroy();
        await b.destroy();
      }
    });
  });

  describe('PostgreSQL: enterprise needs', () => {
    it('numbers needs filed at once without gaps or duplicates, and files a double-submitted form once', async () => {
      const ds = await openDatabase(url);
      try {
        const svc = new NeedService(ds);
        const need = { enterpriseName: '某公司', region: '包头市', industry: 'rare-earth', needType: '技术难题', description: '需要专家指导工艺', contactName: '李工', mobile: '13900139000' };
        const results = await Promise.all(
          Array.from({ length: 15 }, (_, i) => svc.create({ tenantKey: 't', filerOpenId: `ou_${i}`, formToken: `form-${i}`, year: 2027, need })),
        );
        expect(results.map((r) => r.need.codeSeq).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
        const twice = await Promise.all([1, 2, 3].map(() => svc.create({ tenantKey: 't', filerOpenId: 'ou_x', formToken: 'same-form', year: 2027, need })));
        expect(new Set(twice.map((r) => r.need.id)).size).toBe(1);
        expect(twice.filter((r) => r.created)).toHaveLength(1);
        expect(await ds.query('SELECT count(*)::int AS n FROM needs')).toEqual([{ n: 16 }]);
      } finally {
        await ds.destroy();
      }
    });
  });

  describe('PostgreSQL: operations (issue 15)', () => {
    it('masks old contacts, deletes an expert, and reports the queues in /metrics', async () => {
      const h = await startHarness({ env: { DATABASE_URL: url, METRICS_TOKEN: 'metrics-token-0123456789abcdef' } });
      try {
        const season = await seedSeason(h.bot.ds, 2027);
        const result = await applyRetention(h.bot.ds, { now: new Date('2031-01-02T00:00:00Z'), timezone: 'Asia/Shanghai', years: 3 });
        expect(result).toEqual({ throughYear: 2027, applications: 5, needs: 3, submissions: 1 });
        expect(await h.bot.ds.query(`SELECT DISTINCT mobile FROM applications`)).toEqual([{ mobile: MASKED }]);
        expect(season.applicationCodes).toHaveLength(5);

        const experts = new ExpertService(h.bot.ds);
        const [expert] = await experts.list(FIXTURE_TENANT);
        expect(await experts.remove(FIXTURE_TENANT, expert.id, expert.updatedAt)).toMatchObject({ outcome: 'masked', needs: 1 });
        expect(await experts.remove(FIXTURE_TENANT, expert.id, expert.updatedAt)).toEqual({ outcome: 'gone' });
        expect(await experts.list(FIXTURE_TENANT)).toEqual([]);

        const res = await fetch(`${h.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).toMatch(/^bot_outbox_oldest_pending_age_seconds 0$/m);
        expect(text).toContain('# TYPE bot_inbox_events gauge');
      } finally {
        await h.close();
      }
    });
  });
}
