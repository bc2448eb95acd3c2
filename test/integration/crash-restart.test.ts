import { BotProcess, spawnBot } from '../helpers/bot-process';
import { messageEvent } from '../helpers/events';
import type { FakeFeishu } from '../helpers/fake-feishu';
import { closeProcessWorld, openProcessWorld, postEvent as postSignedEvent, type ProcessWorld } from '../helpers/process-world';

/** The real process, killed with SIGKILL while messages are pending, then started again. */

let world: ProcessWorld;
let fake: FakeFeishu;
let env: Record<string, string>;
let bot: BotProcess | undefined;

beforeEach(async () => {
  world = await openProcessWorld('crash');
  ({ fake, env } = world);
});
afterEach(async () => {
  await closeProcessWorld(world, bot);
  bot = undefined;
});

const postEvent = (url: string, payload: unknown) => postSignedEvent(world, url, payload);

const replies = () => fake.delivered.filter((m) => m.kind === 'reply');

let lastMarker: string | undefined;
/**
 * A later message's reply is the marker that nothing more is coming: the bot handles events
 * and sends messages in order, so anything owed before it would have come by then.
 */
async function markerAnswered(url: string): Promise<void> {
  const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
  lastMarker = marker.event.message.message_id;
  expect(await postEvent(url, marker)).toBe(200);
  await fake.waitFor(() => replies().some((m) => m.parentId === lastMarker), 'the marker’s reply', 15_000);
}

it('delivers a reply that was still pending when the process was killed, once', async () => {
  for (let i = 0; i < 50; i += 1) fake.failures.push({ status: 503, body: { code: 503, msg: 'unavailable' } });
  bot = await spawnBot(env);
  expect(await postEvent(bot.url, messageEvent({ text: '帮助', chatType: 'p2p' }))).toBe(200);
  await fake.waitFor(() => fake.messageCalls().length >= 1, 'a first, failing attempt');
  await bot.kill();
  expect(replies()).toHaveLength(0);

  fake.failures.length = 0;
  bot = await spawnBot(env);
  await fake.waitFor(() => replies().length === 1, 'the reply after the restart', 15_000);
  await markerAnswered(bot.url);
  expect(replies().filter((m) => m.parentId !== lastMarker)).toHaveLength(1);
});

it('does not send twice when killed after Feishu delivered but before it answered', async () => {
  fake.failures.push({ status: 200, deliverThenDelayMs: 20_000 });
  bot = await spawnBot(env);
  expect(await postEvent(bot.url, messageEvent({ text: '帮助', chatType: 'p2p' }))).toBe(200);
  await fake.waitFor(() => fake.delivered.length === 1, 'the delivery whose answer never comes');
  await bot.kill();

  bot = await spawnBot(env);
  // The claim of the killed process expires (twice the 1 s timeout), then the same uuid is sent again.
  await fake.waitFor(() => fake.messageCalls().length >= 2, 'the resend after the restart', 15_000);
  const calls = fake.messageCalls();
  expect(calls[0].body.uuid).toBe(calls[calls.length - 1].body.uuid);
  expect(replies()).toHaveLength(1);
});

it('answers a message delivered again after a restart only once', async () => {
  const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
  bot = await spawnBot(env);
  expect(await postEvent(bot.url, evt)).toBe(200);
  await fake.waitFor(() => replies().length === 1, 'the reply');
  await bot.stop();

  bot = await spawnBot(env);
  expect(await postEvent(bot.url, { ...evt, header: { ...evt.header, event_id: 'another-event-id' } })).toBe(200);
  await markerAnswered(bot.url);
  expect(replies().filter((m) => m.parentId === evt.event.message.message_id)).toHaveLength(1);
});

it('stops with one clear line when the configuration is wrong', async () => {
  await expect(spawnBot({ ...env, ADMIN_OPEN_IDS: 'not-an-open-id' })).rejects.toThrow(
    /Configuration error: ADMIN_OPEN_IDS: expected comma-separated open_ids/,
  );
});
