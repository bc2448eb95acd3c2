import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { createLogger } from '../../src/logger';
import { DEFAULT_INBOX_OPTIONS, InboxService, ProcessableEvent } from '../../src/services/inbox-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * A poison event (issue 14): each worker that claims it never finishes (in production: the
 * process dies of it). Here a "worker" is an InboxService whose handler hangs and which then
 * stops polling, as a dead process would; its claim's lease runs out for real.
 */

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('innovation-bot-poison-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const OPTIONS = { ...DEFAULT_INBOX_OPTIONS, leaseMs: 80, pollIntervalMs: 20, concurrency: 1 };

it('counts expired claims and sets the event aside at the third, telling the sender once', async () => {
  const hung: Array<() => void> = [];
  const hang = () => new Promise<void>((resolve) => hung.push(resolve));
  const dispatched: string[] = [];
  const toldAbout: ProcessableEvent[] = [];
  const worker = (name: string) =>
    new InboxService(
      ds,
      async () => {
        dispatched.push(name);
        await hang();
      },
      quiet,
      OPTIONS,
      Date.now,
      async (evt) => void toldAbout.push(evt),
    );
  const repo = ds.getRepository(InboundEvent);
  const row = () => repo.findOneByOrFail({ eventId: 'evt-poison' });

  const workers = ['first', 'second', 'third'].map(worker);
  const recorded = await workers[0].record({ schema: '2.0', eventId: 'evt-poison', eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: 'om_1', chat_id: 'oc_1' } } });
  expect(recorded.status).toBe('new');
  const stopping: Promise<void>[] = [];
  for (const [i, w] of workers.entries()) {
    w.start();
    await waitFor(async () => dispatched.length === i + 1);
    // The worker "dies": it stops polling, its handler never returns, its claim runs out.
    stopping.push(w.stop());
    expect(await row()).toMatchObject({ status: 'processing', attempts: i + 1, abandonedClaims: i });
  }

  const fourth = worker('fourth');
  fourth.start();
  await waitFor(async () => (await row()).status === 'failed');
  expect(dispatched).toEqual(['first', 'second', 'third']);
  expect(await row()).toMatchObject({ status: 'failed', abandonedClaims: 3, attempts: 4 });
  expect((await row()).lastError).toMatch(/processing stopped without finishing 3 times/);
  expect(toldAbout.map((e) => e.event.message.message_id)).toEqual(['om_1']);

  // The hung workers finish after all: they change nothing.
  for (const resolve of hung) resolve();
  await Promise.all(stopping);
  // The marker: an event recorded now is claimed by a later poll of the fourth worker, which
  // would have taken the set-aside one first (it is older) had it been due again.
  await fourth.record({ schema: '2.0', eventId: 'evt-marker', eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: 'om_2', chat_id: 'oc_1' } } });
  await waitFor(async () => dispatched.length === 4);
  expect(dispatched).toEqual(['first', 'second', 'third', 'fourth']);
  expect((await repo.findOneByOrFail({ eventId: 'evt-marker' })).status).toBe('processing');
  expect((await row()).status).toBe('failed');
  for (const resolve of hung) resolve();
  await fourth.stop();
  expect(toldAbout).toHaveLength(1);
});

describe('the logs of claims taken back and of a sender not told', () => {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => void (lines.push(JSON.parse(String(c))), done()) }));
  beforeEach(() => void (lines.length = 0));
  const NOW = Date.UTC(2027, 2, 1, 1, 0, 0);
  const repo = () => ds.getRepository(InboundEvent);
  const marked = (eventId: string) => repo().findOneByOrFail({ eventId });

  /** An event as a dead worker left it (`processing`), or as a poll would find it. */
  async function left(eventId: string, fields: Partial<InboundEvent>): Promise<void> {
    await repo().insert({
      tenantKey: 't', platform: 'feishu', dedupKey: `evt:${eventId}`, eventId, eventType: 'im.message.receive_v1', payload: '{"message":{"message_id":"om_1"}}',
      status: 'received', attempts: 1, abandonedClaims: 0, nextAttemptAt: NOW - 1000, leaseUntil: null, lastError: null, receivedAt: NOW - 1000, processedAt: null,
      ...fields,
    });
  }

  /** Events recorded now are taken by the polls that follow: two of them show two more polls have run. */
  async function pollsPass(inbox: InboxService, name: string): Promise<void> {
    for (const suffix of ['a', 'b']) {
      await inbox.record({ schema: '2.0', eventId: `${name}-${suffix}`, eventType: 'im.chat.member.bot.added_v1', tenantKey: 't', event: {} });
      await waitFor(async () => (await marked(`${name}-${suffix}`)).status === 'done');
    }
  }

  it('takes back an event whose worker stopped while processing it, and says so once, with how many', async () => {
    await left('evt-orphan', { status: 'processing', leaseUntil: NOW - 1 });
    const inbox = new InboxService(ds, async () => undefined, logger, { ...OPTIONS, pollIntervalMs: 10 }, () => NOW);
    inbox.start();
    try {
      await waitFor(async () => (await marked('evt-orphan')).status === 'done');
      expect(await marked('evt-orphan')).toMatchObject({ abandonedClaims: 1, attempts: 2 });
      // Later polls find nothing to take back, and say nothing about it.
      await pollsPass(inbox, 'marker');
    } finally {
      await inbox.stop();
    }
    const warned = lines.filter((l) => l.msg === 'inbox: took back events whose worker stopped while processing them');
    expect(warned.map((l) => [l.level, l.count])).toEqual([[40, 1]]);
  });

  it('logs a failure to tell the sender about an event set aside, and carries on', async () => {
    await left('evt-poison', { abandonedClaims: OPTIONS.maxAbandonedClaims });
    const inbox = new InboxService(ds, async () => undefined, logger, { ...OPTIONS, pollIntervalMs: 10 }, () => NOW, async () => {
      throw new Error('chat gone');
    });
    inbox.start();
    try {
      await waitFor(async () => (await marked('evt-poison')).status === 'failed');
      await pollsPass(inbox, 'marker');
    } finally {
      await inbox.stop();
    }
    const notTold = lines.filter((l) => l.msg === 'inbox: could not tell the sender that their event was set aside');
    expect(notTold.map((l) => [l.level, l.err.message])).toEqual([[50, 'chat gone']]);
    expect((await marked('evt-poison')).lastError).toMatch(/processing stopped without finishing 3 times/);
  });
});

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
