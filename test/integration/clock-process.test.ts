import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from '../helpers/bot-harness';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { messageEvent } from '../helpers/events';
import { FakeFeishu } from '../helpers/fake-feishu';
import { buildFeishuRequest } from '../helpers/feishu-signer';
import { visibleText } from '../helpers/card-text';
import { TestClock } from '../helpers/test-clock';

/**
 * The built bot as its own process on a shifted clock (TEST_CLOCK_AT with NODE_ENV=test): it
 * checks freshness against that clock, shows "today" by it, and refuses to start with it when
 * NODE_ENV is not test.
 */

let fake: FakeFeishu;
let dbDir: string;
let bot: BotProcess | undefined;

beforeEach(async () => {
  fake = await new FakeFeishu().start();
  dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-clock-'));
});
afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  await fake.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

const AT = '2027-06-01T00:30:00+08:00';

async function post(url: string, payload: unknown, now: () => number): Promise<number> {
  const req = buildFeishuRequest(payload, { encryptKey: testEnv(fake, dbDir).FEISHU_ENCRYPT_KEY, now });
  return (await fetch(`${url}/feishu/events`, { method: 'POST', body: req.body, headers: req.headers })).status;
}

it('runs on TEST_CLOCK_AT: requests signed on that clock pass, real-time ones are stale, forms count from its today', async () => {
  const clock = new TestClock(AT);
  bot = await spawnBot({ ...testEnv(fake, dbDir), NODE_ENV: 'test', TEST_CLOCK_AT: AT, CAMPAIGN_YEAR: '2027' });
  expect(bot.output.join('')).toContain('TEST CLOCK');

  expect(await post(bot.url, messageEvent({ text: '申请', chatType: 'p2p' }), Date.now)).toBe(401);
  expect(await post(bot.url, messageEvent({ text: '申请', chatType: 'p2p' }), clock.now)).toBe(200);
  await fake.waitFor(() => fake.delivered.some((m) => m.kind === 'reply'), 'the form');
  // The form's hint names the earliest start date: 10 days after 2027-06-01 in Shanghai.
  expect(visibleText(fake.delivered.find((m) => m.kind === 'reply')!.content)).toContain('2027-06-11');
});

it('refuses to start with TEST_CLOCK_AT unless NODE_ENV=test', async () => {
  await expect(spawnBot({ ...testEnv(fake, dbDir), NODE_ENV: 'production', TEST_CLOCK_AT: AT })).rejects.toThrow(
    /Configuration error: TEST_CLOCK_AT: is for tests only/,
  );
});
