import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { validForm, YEAR } from '../helpers/application-driver';
import { ADMIN_OPEN_ID, testEnv } from '../helpers/bot-harness';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { visibleText } from '../helpers/card-text';
import { cardActionEvent, messageEvent } from '../helpers/events';
import { FakeFeishu } from '../helpers/fake-feishu';
import { buildFeishuRequest } from '../helpers/feishu-signer';

/**
 * Issue 14 item 5, tried the way it was broken: the built bot is killed with SIGKILL while 30
 * 提交申请 and 6 通过 are under way, then started again. A change is committed together with its
 * audit row and the outbox rows of its messages, so whatever the moment of the kill, every
 * application that has a code gets its review card, every approval its notice to the filer, and
 * the codes stay 1..n without gaps or duplicates.
 */

jest.setTimeout(120_000);

const PG_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;
/** SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set. */
const DATABASES: Array<[string, (dir: string) => string]> = [['SQLite', (dir) => `sqlite:${join(dir, 'bot.sqlite')}`]];
if (PG_URL) DATABASES.push(['PostgreSQL', () => PG_URL]);

const CENTRE_CHAT = 'oc_centre_group_crash_000000000000001';
const filer = (i: number) => `ou_crash_filer_${String(i).padStart(20, '0')}`;

describe.each(DATABASES)('on %s', (_name, databaseUrl) => {
  let fake: FakeFeishu;
  let dbDir: string;
  let env: Record<string, string>;
  let bot: BotProcess | undefined;
  let reader: DataSource;

  beforeEach(async () => {
    fake = await new FakeFeishu().start();
    dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-atomic-'));
    const url = databaseUrl(dbDir);
    if (url.startsWith('postgres')) {
      const admin = createDataSource(url);
      await admin.initialize();
      await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
      await admin.query('CREATE SCHEMA public');
      await admin.destroy();
    }
    env = { ...testEnv(fake, dbDir), DATABASE_URL: url, CAMPAIGN_YEAR: String(YEAR), FEISHU_HTTP_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' };
  });
  afterEach(async () => {
    await bot?.kill();
    bot = undefined;
    if (reader?.isInitialized) await reader.destroy();
    await fake.stop();
    rmSync(dbDir, { recursive: true, force: true });
  });

  async function post(path: string, payload: unknown): Promise<{ status: number; body: any }> {
    const req = buildFeishuRequest(payload, { encryptKey: env.FEISHU_ENCRYPT_KEY });
    const res = await fetch(`${bot!.url}${path}`, { method: 'POST', body: req.body, headers: req.headers });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  }

  const submitPayload = (i: number) => cardActionEvent({ action: 'application.submit', form: `crash-form-${i}` }, filer(i), validForm(), { chatId: `oc_p2p_${i}` });

  /** Reads the bot's database beside the running bot (SQLite in WAL mode, or PostgreSQL). */
  async function query<T>(sql: string): Promise<T[]> {
    if (!reader?.isInitialized) {
      reader = createDataSource(env.DATABASE_URL);
      await reader.initialize();
    }
    return reader.query(sql);
  }

  interface AppRow {
    id: number;
    status: string;
    code_seq: number | null;
    filer_open_id: string;
    version: number;
  }

  const code = (seq: number) => `SQ${YEAR}-${String(seq).padStart(4, '0')}`;
  const reviewCardsFor = (seq: number) => fake.delivered.filter((m) => m.kind === 'create' && m.receiveId === CENTRE_CHAT && visibleText(m.content).includes(code(seq)));
  const approvalNoticesTo = (openId: string) => fake.delivered.filter((m) => m.kind === 'create' && m.receiveId === openId && visibleText(m.content).includes('您的申请已通过审核'));

  // Killed once this many of the 36 callbacks were answered: the others are at every stage of their work.
  it.each([2, 12, 24])('loses no review card and no notice when killed after %i of 30 submissions and 6 approvals were answered', async (killAfter) => {
    bot = await spawnBot(env);
    expect((await post('/feishu/events', messageEvent({ text: '绑定 中心', chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: ADMIN_OPEN_ID, mentionBot: true }))).status).toBe(200);
    await fake.waitFor(() => fake.delivered.some((m) => m.kind === 'reply'), 'the binding confirmed');
    // Six applications waiting for review, to be approved during the storm.
    for (let i = 0; i < 6; i += 1) expect((await post('/feishu/cards', submitPayload(i))).body.toast.type).toBe('success');
    const waiting = await query<AppRow>('SELECT id, status, code_seq, filer_open_id, version FROM applications ORDER BY id');
    expect(waiting.map((a) => a.status)).toEqual(Array(6).fill('待审核'));

    const storm = [
      ...Array.from({ length: 30 }, (_, k) => submitPayload(6 + k)),
      ...waiting.map((a) => cardActionEvent({ action: 'application.review', id: a.id, decision: 'approve', v: a.version }, ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT })),
    ].sort(() => Math.random() - 0.5);
    let answered = 0;
    let reached!: () => void;
    const enough = new Promise<void>((resolve) => (reached = resolve));
    const requests = storm.map((p) =>
      post('/feishu/cards', p)
        .then(() => {
          answered += 1;
          if (answered >= killAfter) reached();
        })
        .catch(() => undefined),
    );
    // (If fewer were ever answered, all of them have finished: the kill then finds the queue.)
    await Promise.race([enough, Promise.all(requests)]);
    await bot.kill();
    await Promise.all(requests);

    bot = await spawnBot(env);
    const apps = await query<AppRow>('SELECT id, status, code_seq, filer_open_id, version FROM applications ORDER BY id');
    const numbered = apps.filter((a) => a.code_seq !== null);
    const approved = apps.filter((a) => a.status === '已通过');
    console.log(`killed after ${killAfter} answers: ${numbered.length - 6} of 30 submitted, ${approved.length} of 6 approved, ${apps.length - numbered.length} drafts`);
    // Gap-free, unique codes.
    expect(numbered.map((a) => a.code_seq).sort((x, y) => x! - y!)).toEqual(numbered.map((_, k) => k + 1));
    // Every status change has its audit row.
    const audited = await query<{ application_id: number; to_status: string }>("SELECT application_id, to_status FROM application_events WHERE action IN ('submit', 'approve')");
    for (const a of numbered) expect(audited).toContainEqual({ application_id: a.id, to_status: '待审核' });
    for (const a of approved) expect(audited).toContainEqual({ application_id: a.id, to_status: '已通过' });

    await fake.waitFor(
      () => numbered.every((a) => reviewCardsFor(a.code_seq!).length > 0) && approved.every((a) => approvalNoticesTo(a.filer_open_id).length > 0),
      `a review card for each of ${numbered.length} codes and a notice for each of ${approved.length} approvals`,
      60_000,
    );
    for (const a of numbered) expect(reviewCardsFor(a.code_seq!)).toHaveLength(1);
    for (const a of approved) expect(approvalNoticesTo(a.filer_open_id)).toHaveLength(1);
  });
});
