import type { Harness } from './bot-harness';

/**
 * Waits until the bot has nothing left to do: every recorded event processed and every queued
 * message sent or given up. "Nothing more happened" is checked after this, never after a sleep:
 * a sleep stops looking before a late duplicate would arrive under load.
 */
export async function waitUntilIdle(h: Pick<Harness, 'bot' | 'fake'>, timeoutMs?: number): Promise<void> {
  const busy = async () =>
    Number((await h.bot.ds.query("SELECT count(*) AS n FROM inbound_events WHERE status IN ('received', 'processing')"))[0].n) +
    Number((await h.bot.ds.query("SELECT count(*) AS n FROM outbox_messages WHERE status IN ('pending', 'sending')"))[0].n);
  await h.fake.waitFor(async () => (await busy()) === 0, 'the bot idle', timeoutMs);
}
