import { FAKE_TOKEN } from '../helpers/fake-feishu';
import { ADMIN_OPEN_ID, Harness, startHarness, TEST_ENCRYPT_KEY } from '../helpers/bot-harness';
import { messageEvent } from '../helpers/events';

let h: Harness;
afterEach(async () => {
  await h.close();
});

it('answers /healthz with 200 while the database answers, and 503 when it does not', async () => {
  h = await startHarness();
  const ok = await fetch(`${h.url}/healthz`);
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ status: 'ok', database: 'ok', platform: 'feishu' });

  await h.bot.inbox.stop();
  await h.bot.outbox.stop();
  await h.bot.ds.destroy();
  const down = await fetch(`${h.url}/healthz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
});

it('keeps the app secret, encrypt key and tenant token out of the logs', async () => {
  h = await startHarness();
  // Exercise token fetch, sends, a failed send and a rejected request, at debug level.
  h.fake.failures.push({ status: 500, body: { code: 500, msg: 'boom' } });
  await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
  await h.post('/feishu/events', messageEvent({ text: '绑定 包头市', mentionBot: true, senderOpenId: ADMIN_OPEN_ID }));
  await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }), { encryptKey: 'wrong' });
  await h.fake.waitFor(() => h.fake.delivered.length === 2, 'both replies');
  const all = h.logs.join('\n');
  expect(all.length).toBeGreaterThan(0);
  expect(all).not.toContain(h.fake.appSecret);
  expect(all).not.toContain(TEST_ENCRYPT_KEY);
  expect(all).not.toContain(FAKE_TOKEN);
});
