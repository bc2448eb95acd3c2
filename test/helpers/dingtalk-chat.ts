import type { FakeDingTalk } from './fake-dingtalk';
import { robotMessage } from './dingtalk-messages';

/**
 * A person talking to the bot on the fake DingTalk, one message at a time: each message is
 * pushed over the Stream socket and the call waits until the bot's answers to it reached the
 * fake's OpenAPI, returning their text (markdown or plain) as DingTalk received it.
 */

export const BATCH = '/v1.0/robot/oToMessages/batchSend';
export const GROUP_SEND = '/v1.0/robot/groupMessages/send';

export function textOf(msgParam: Record<string, string>): string {
  return [msgParam.content, msgParam.title, msgParam.text].filter((s) => typeof s === 'string').join('\n');
}

/** What went to this staff id privately so far. */
export function privateTo(dt: FakeDingTalk, staffId: string) {
  return dt.callsTo(BATCH).filter((c) => Array.isArray(c.body.userIds) && c.body.userIds.includes(staffId));
}

export async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const startAt = Date.now();
  while (!(await predicate())) {
    if (Date.now() - startAt > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Sends `text` as `staffId` (privately, or in `group`) and waits for `answers` new private
 * messages to that person (or group messages when `expect: 'group'`). Returns their texts joined.
 */
export async function say(dt: FakeDingTalk, staffId: string, text: string, opts: { group?: string; expect?: 'private' | 'group'; answers?: number } = {}): Promise<string> {
  const where = opts.expect ?? (opts.group ? 'group' : 'private');
  const count = () => (where === 'group' ? dt.callsTo(GROUP_SEND).length : privateTo(dt, staffId).length);
  const before = count();
  await dt.pushRobotMessage(robotMessage({ text, staffId, ...(opts.group ? { group: true, conversationId: opts.group } : {}) }));
  const answers = opts.answers ?? 1;
  await until(`the answer to 「${text}」`, () => count() >= before + answers);
  const calls = where === 'group' ? dt.callsTo(GROUP_SEND) : privateTo(dt, staffId);
  return calls
    .slice(before)
    .map((c) => textOf(c.msgParam))
    .join('\n');
}
