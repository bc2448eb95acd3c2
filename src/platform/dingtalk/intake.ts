import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';

/**
 * What happens to a robot message, however it arrived (Stream frame or HTTP callback): it is
 * recorded in the same persisted inbox as Feishu's events, keyed by its msgId (so a repeat,
 * also after a restart, is processed once), and processed after it has been acknowledged.
 */

export const DINGTALK_MESSAGE_EVENT = 'dingtalk.robot.message';
export const DINGTALK_PLATFORM = 'dingtalk';

/** The fields of a robot message the bot relies on (DINGTALK.md §1). */
export interface RobotMessage {
  msgId: string;
  msgtype: string;
  conversationId: string;
  /** '1' private, '2' group. */
  conversationType: string;
  senderStaffId?: string;
  senderNick?: string;
  chatbotCorpId?: string;
  senderCorpId?: string;
  text?: { content?: string };
  [key: string]: unknown;
}

export function asRobotMessage(body: unknown): RobotMessage | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256;
  if (!str(b.msgId) || !str(b.conversationId) || !str(b.msgtype)) return undefined;
  if (b.conversationType !== '1' && b.conversationType !== '2') return undefined;
  return b as RobotMessage;
}

/** The organisation (corpId) a robot message came from: DingTalk's tenant. */
export function corpIdOf(message: RobotMessage): string {
  return String(message.chatbotCorpId ?? message.senderCorpId ?? '');
}

/**
 * Records a robot message (the caller acknowledges after this resolves) and queues it. It is
 * kept in the books of `ledger` (DINGTALK_TENANT_KEY) when given, else of its corpId.
 */
export async function recordRobotMessage(inbox: InboxService, message: RobotMessage, log: Logger, ledger?: string): Promise<'new' | 'duplicate'> {
  const recorded = await inbox.record(
    {
      schema: '2.0',
      eventId: `dingtalk:${message.msgId}`,
      eventType: DINGTALK_MESSAGE_EVENT,
      // The DingTalk tenant is the organisation's corpId; a single-centre deployment may share Feishu's books.
      tenantKey: ledger ?? corpIdOf(message),
      event: message,
    },
    DINGTALK_PLATFORM,
  );
  if (recorded.status === 'new') setImmediate(() => inbox.schedule(recorded.id));
  else log.info({ msgId: message.msgId }, 'dingtalk: repeated message ignored');
  return recorded.status;
}
