import type { Repository } from 'typeorm';
import type { OutboxMessage } from '../../db/entities/outbox-message.entity';
import { type ChatPlatform, type OutboundMessage, PlatformError } from '../../platform/port';
import { platformFor } from '../../platform/router';

/** One claimed outbox row's API call, on the row's platform: the message id it got, if any. */
export async function performRow(row: OutboxMessage, platforms: ChatPlatform, repo: Repository<OutboxMessage>): Promise<string | undefined> {
  const message = JSON.parse(row.payload) as OutboundMessage;
  const platform = platformFor(platforms, row.platform);
  switch (row.operation) {
    case 'send_chat':
      return (await platform.sendToChat(row.target, message, row.idempotencyKey)).messageId;
    case 'send_user':
      return (await platform.sendToUser(row.target, message, row.idempotencyKey)).messageId;
    case 'reply':
      return (await platform.reply(row.target, message, row.idempotencyKey)).messageId;
    case 'update_card':
    case 'update_sent': {
      if (message.type !== 'card') throw new PlatformError(`${row.operation} needs a card`, { retryable: false });
      // update_sent: the card queued under the key in `target`, once the platform has it.
      const messageId = row.operation === 'update_card' ? row.target : await sentIdOf(repo, row.target, 'update_sent: the card to update');
      await platform.updateCard(messageId, message.card);
      return undefined;
    }
    case 'urgent_app':
      return performUrgent(row, platform, repo);
  }
}

/** The urgent notice: on the message queued under the key in `target`, once Feishu has it. */
async function performUrgent(row: OutboxMessage, platform: ChatPlatform, repo: Repository<OutboxMessage>): Promise<undefined> {
  const { openIds } = JSON.parse(row.payload) as { openIds: string[] };
  if (!platform.urgentApp) throw new PlatformError(`${platform.name} has no urgent notices`, { retryable: false });
  await platform.urgentApp(await sentIdOf(repo, row.target, 'urgent_app: the message to buzz'), openIds);
  return undefined;
}

/**
 * The id the platform gave the message queued under idempotency key `key`: an error to retry
 * while it is on its way, a final one when it was never sent (`what` names it in both).
 */
async function sentIdOf(repo: Repository<OutboxMessage>, key: string, what: string): Promise<string> {
  const message = await repo.findOne({
    // Stryker disable next-line ObjectLiteral: a projection only (no selection reads every column); status and resultId are read either way
    select: { status: true, resultId: true },
    where: { idempotencyKey: key },
  });
  if (!message || message.status === 'failed') throw new PlatformError(`${what} was never sent`, { retryable: false });
  if (
    !message.resultId ||
    // Stryker disable next-line ConditionalExpression: failed rows are handled above; a pending or sending row never has a resultId (only the update recording a delivery writes one, with 'sent', and a sent row never goes back)
    message.status !== 'sent'
  ) {
    throw new PlatformError(`${what} is not sent yet`, { retryable: true });
  }
  return message.resultId;
}
