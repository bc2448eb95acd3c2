import { FAST_RETRIES, Harness, startHarness } from '../helpers/bot-harness';

/**
 * Feishu's rate-limit answers (FEISHU.md §5.5): 99991400 pauses the whole app, 230020 pauses one
 * chat, each for `x-ogw-ratelimit-reset` seconds. Sent during a pause, a message waits for its
 * end; messages elsewhere do not wait for a chat's pause. The waits asserted are lower bounds
 * (what the pause promises), never upper bounds on speed.
 */

// Not 1: a pause Feishu names no length for lasts 1 s, so the pause asserted must be longer to
// show that the header's length is the one kept.
const PAUSE_S = 2;
/** Timers may fire a little early relative to the recorded arrival instants. */
const SLACK_MS = 50;

let h: Harness;
afterEach(async () => {
  await h.close();
});

const text = (t: string) => ({ type: 'text' as const, text: t });
const callsTo = (chatId: string) => h.fake.messageCalls().filter((c) => c.body?.receive_id === chatId);
/** When the fake answered the throttled call (its arrival; it answers at once). */
const throttledAt = () => h.fake.messageCalls()[0].at;

it('holds every message of the app during an app-wide pause (99991400), then sends them', async () => {
  h = await startHarness();
  h.fake.failures.push({ status: 400, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': String(PAUSE_S) } });
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'a' }, 'oc_chat_a', text('第一条'));
  await h.fake.waitFor(() => h.fake.messageCalls().length === 1, 'the throttled call');
  // Sent during the pause, to another chat: only the app-wide pause holds it back.
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'b' }, 'oc_chat_b', text('另一个群'));
  await h.bot.outbox.sendToUser({ tenantKey: 't', key: 'c' }, 'ou_someone', text('私聊'));
  await h.fake.waitFor(() => h.fake.delivered.length === 3, 'all three messages');
  for (const call of h.fake.messageCalls().slice(1)) expect(call.at - throttledAt()).toBeGreaterThanOrEqual(PAUSE_S * 1000 - SLACK_MS);
  expect(h.fake.delivered.map((m) => m.content.text).sort()).toEqual(['另一个群', '私聊', '第一条'].sort());
});

it('holds a chat during its pause (230020) even when the throttled message itself is given up, and not the other chats', async () => {
  // One attempt only: the throttled message fails for good, so no retry delay hides the pause.
  h = await startHarness({ bot: { outbox: { ...FAST_RETRIES.outbox, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 1 } } } });
  h.fake.failures.push({ status: 400, body: { code: 230020, msg: 'chat trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': String(PAUSE_S) } });
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'a' }, 'oc_busy_chat', text('被限流'));
  await h.fake.waitFor(() => h.fake.messageCalls().length === 1, 'the throttled call');
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'b' }, 'oc_busy_chat', text('同一个群'));
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'c' }, 'oc_quiet_chat', text('另一个群'));
  await h.fake.waitFor(() => h.fake.delivered.length === 2, 'both later messages');

  const [sameChat] = callsTo('oc_busy_chat').slice(1);
  const [otherChat] = callsTo('oc_quiet_chat');
  expect(sameChat.at - throttledAt()).toBeGreaterThanOrEqual(PAUSE_S * 1000 - SLACK_MS);
  // The other chat did not wait for the pause: it went out before the paused chat's message.
  expect(otherChat.at).toBeLessThan(sameChat.at);
  expect(h.fake.delivered.map((m) => m.content.text)).toEqual(['另一个群', '同一个群']);
});

it('waits at least as long as the reset header says before retrying the throttled message', async () => {
  h = await startHarness();
  h.fake.failures.push({ status: 429, body: { code: 99991400, msg: 'too many requests' }, headers: { 'x-ogw-ratelimit-reset': String(PAUSE_S) } });
  await h.bot.outbox.sendToChat({ tenantKey: 't', key: 'a' }, 'oc_chat_a', text('重试'));
  await h.fake.waitFor(() => h.fake.delivered.length === 1, 'the retried message');
  const [first, second] = h.fake.messageCalls();
  expect(second.at - first.at).toBeGreaterThanOrEqual(PAUSE_S * 1000 - SLACK_MS);
});
