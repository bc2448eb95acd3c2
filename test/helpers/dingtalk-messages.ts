import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixture from test/fixtures/dingtalk, parsed. */
export function dingtalkFixture(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'dingtalk', name), 'utf8'));
}

export const CORP_ID = 'ding9f0000cd16741';
export const ROBOT_CODE = 'dingr3xc0b000000';
export const GROUP_ID = 'cidAsXSBLnA==';

export interface RobotMessageOptions {
  text: string;
  group?: boolean;
  staffId?: string;
  msgId?: string;
  conversationId?: string;
  msgtype?: string;
}

/**
 * A robot message in the documented shape (the group fixture for groups, the private one
 * otherwise) with the fields a test cares about replaced. In a group DingTalk strips the
 * @-mention and leaves a leading space, as the fixture shows: so does this builder.
 */
export function robotMessage(o: RobotMessageOptions): Record<string, any> {
  const base = dingtalkFixture(o.group ? 'http-callback-group-at-text.json' : 'http-callback-p2p-text.json').body;
  return {
    ...base,
    msgId: o.msgId ?? `msg${randomBytes(8).toString('base64url')}==`,
    conversationId: o.conversationId ?? (o.group ? GROUP_ID : base.conversationId),
    senderStaffId: o.staffId ?? base.senderStaffId,
    chatbotCorpId: CORP_ID,
    senderCorpId: CORP_ID,
    robotCode: ROBOT_CODE,
    msgtype: o.msgtype ?? 'text',
    text: { content: o.group ? ` ${o.text}` : o.text },
    createAt: Date.now(),
  };
}
