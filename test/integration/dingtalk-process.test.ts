import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { FakeDingTalk } from '../helpers/fake-dingtalk';
import { robotMessage } from '../helpers/dingtalk-messages';

/**
 * `npm start` with only DingTalk configured, as a new user would run it: the built bot reads its
 * settings from the environment, connects to the (fake) Stream gateway, answers 帮助, and says
 * in its log that Feishu is off rather than that it is in dry-run mode.
 */

let dt: FakeDingTalk;
let bot: BotProcess | undefined;
let dbDir: string;

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
  dbDir = mkdtempSync(join(tmpdir(), 'dingtalk-process-'));
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await dt.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

test('DingTalk only, Stream mode: connects, answers 帮助 privately, reports its state', async () => {
  bot = await spawnBot({
    DINGTALK_CLIENT_ID: dt.clientId,
    DINGTALK_CLIENT_SECRET: dt.clientSecret,
    DINGTALK_BASE_URL: dt.url,
    DINGTALK_ADMIN_STAFF_IDS: 'admin0001',
    DATABASE_URL: `sqlite:${join(dbDir, 'bot.sqlite')}`,
  });
  await dt.waitForSocket(10_000);
  const ack = await dt.pushRobotMessage(robotMessage({ text: '帮助', staffId: '042000297' }));
  expect(ack.code).toBe(200);
  const start = Date.now();
  while (dt.callsTo('/v1.0/robot/oToMessages/batchSend').length === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
  const [call] = dt.callsTo('/v1.0/robot/oToMessages/batchSend');
  // DINGTALK_ROBOT_CODE defaults to the client id.
  expect(call.body).toMatchObject({ robotCode: dt.clientId, userIds: ['042000297'], msgKey: 'sampleMarkdown' });

  // /healthz is answered on the main thread, which learns the connection's state from the
  // processing worker within 200 ms: it may still say 'connecting' just after the connection opened.
  const url = bot.url;
  const healthNow = async () => (await fetch(`${url}/healthz`).then((r) => r.json())) as any;
  let health = await healthNow();
  for (const until = Date.now() + 5000; health.dingtalk !== 'connected' && Date.now() < until; health = await healthNow()) await new Promise((r) => setTimeout(r, 50));
  expect(health).toMatchObject({ status: 'ok', platform: 'dry-run+dingtalk', dingtalk: 'connected' });
  const log = bot.output.join('');
  expect(log).toContain('DingTalk enabled');
  expect(log).toContain('Feishu is off');
  expect(log).not.toContain('DRY-RUN MODE');
  expect(log).not.toContain(dt.clientSecret);
  // Feishu's unverifiable dry-run webhooks are not served in a DingTalk-only deployment.
  expect((await fetch(`${bot.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
}, 30_000);
