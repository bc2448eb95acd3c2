import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { FAST_RETRIES, Harness, startHarness } from '../helpers/bot-harness';
import { Driver } from '../helpers/application-driver';

/**
 * GET /metrics (Prometheus text format): only with METRICS_TOKEN set, only with the bearer token;
 * the outbox backlog is visible while the Open API is down and drains when it is back.
 */

const TOKEN = 'metrics-token-0123456789abcdef';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const scrape = (auth?: string) => fetch(`${h.url}/metrics`, { headers: auth ? { authorization: auth } : {} });

/** The value of one sample, e.g. value(text, 'bot_outbox_messages', { status: 'pending' }); 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function metrics(): Promise<string> {
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

const backlog = (text: string) => value(text, 'bot_outbox_messages', { status: 'pending' }) + value(text, 'bot_outbox_messages', { status: 'sending' });

it('is not there without METRICS_TOKEN', async () => {
  h = await startHarness();
  expect((await scrape()).status).toBe(404);
  expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
});

it('refuses requests without the right bearer token', async () => {
  h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
  for (const auth of [undefined, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}x`, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, TOKEN]) {
    const res = await scrape(auth);
    expect({ auth, status: res.status }).toEqual({ auth, status: 401 });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.text()).not.toContain('bot_outbox');
  }
  expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
});

it('shows a growing outbox backlog while the Open API is down, and the sends once it is back', async () => {
  h = await startHarness({
    env: { METRICS_TOKEN: TOKEN },
    // Keep retrying (fast) for as long as the test keeps the Open API down.
    bot: { ...FAST_RETRIES, outbox: { ...FAST_RETRIES.outbox, retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 10_000 } } },
  });
  const d = new Driver(h);
  for (let i = 0; i < 10_000; i++) h.fake.failures.push({ status: 503, body: { code: 503, msg: 'service unavailable' } });

  await d.say('帮助', { senderOpenId: 'ou_metrics_user_0000000000000001' });
  await h.fake.waitFor(async () => backlog(await metrics()) === 1, 'one message waiting');
  await h.fake.waitFor(() => h.fake.messageCalls().length >= 2, 'a retry');
  for (let i = 0; i < 3; i++) await d.say('帮助', { senderOpenId: `ou_metrics_user_000000000000000${i + 2}` });
  await h.fake.waitFor(async () => backlog(await metrics()) === 4, 'four messages waiting');
  await new Promise((r) => setTimeout(r, 1100));
  const down = await metrics();
  expect(backlog(down)).toBe(4);
  expect(value(down, 'bot_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(1);
  expect(value(down, 'bot_outbox_sends_total', { result: 'retry', platform: 'feishu' })).toBeGreaterThan(0);
  expect(value(down, 'bot_outbox_sends_total', { result: 'sent', platform: 'feishu' })).toBe(0);
  expect(value(down, 'bot_inbox_events', { status: 'done' })).toBe(4);
  expect(value(down, 'bot_event_ack_seconds_count', { route: 'events' })).toBe(4);
  expect(value(down, 'bot_event_ack_seconds_bucket', { route: 'events', le: '+Inf' })).toBe(4);
  expect(value(down, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  h.fake.failures.length = 0;
  await h.fake.waitFor(async () => backlog(await metrics()) === 0, 'the backlog sent');
  const up = await metrics();
  expect(value(up, 'bot_outbox_messages', { status: 'sent' })).toBe(4);
  expect(value(up, 'bot_outbox_sends_total', { result: 'sent', platform: 'feishu' })).toBe(4);
  expect(value(up, 'bot_outbox_oldest_pending_age_seconds')).toBe(0);
});

it('counts job runs by job and result', async () => {
  h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
  const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, Date.now);
  const runner = new JobRunner(h.bot.ds, deps, createLogger('silent'));
  await runner.run('reminders', JOBS.reminders.job, new Date());
  await runner.run('reminders', JOBS.reminders.job, new Date());
  await runner.run('reminders', async () => {
    throw new Error('broken on purpose');
  }, new Date());
  const text = await metrics();
  expect(value(text, 'bot_job_runs', { job: 'reminders', result: 'done' })).toBe(2);
  expect(value(text, 'bot_job_runs', { job: 'reminders', result: 'failed' })).toBe(1);
});
