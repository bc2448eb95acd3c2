import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { InboxService } from '../../services/inbox-service';
import { decryptPayload } from './crypto';
import { toEnvelope } from './inbound';
import { answerCard, CARD_EVENT, CardCallbackAnswer, CardDispatch, isForAnotherApp, recordEvent } from './intake';
import type { Messenger } from '../../services/outbox-service';

/**
 * FEISHU_EVENT_MODE=long-connection: Feishu pushes events and `card.action.trigger` callbacks over
 * an outbound WebSocket opened by the SDK's WSClient, so the bot needs no public address.
 *
 * The SDK acknowledges each frame with whatever the dispatcher returns, once it has returned
 * (FEISHU.md §6.4): an event is therefore recorded in the inbox before its ack leaves, and
 * processed afterwards; a card callback's answer (toast, card) is the ack's payload and is
 * always ready within 2.5 s. Feishu re-pushes what is not acknowledged within 3 s and delivers
 * each message to one connected client; the inbox's dedup absorbs the re-pushes.
 */

export type LongConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  /** The Open API base URL; the SDK asks `{baseUrl}/callback/ws/endpoint` where to connect. */
  baseUrl: string;
  /** Only to read an encrypted payload, should Feishu ever send one over the socket. */
  encryptKey?: string;
  inbox: InboxService;
  dispatchCard: CardDispatch;
  /** Tells a clicker privately when a slow card action fails after its progress toast. */
  messenger?: Pick<Messenger, 'sendToUser'>;
  logger: Logger;
  /**
   * Seconds to wait for any frame after a ping before the socket is presumed dead and replaced.
   * Without it the SDK never notices a half-open connection (FEISHU.md §9). Must stay below
   * the ping interval Feishu hands out (120 s), since every ping re-arms the watchdog.
   */
  pingTimeoutSec?: number;
  /** Gives up a WebSocket handshake that hangs (stuck proxy or NAT) and retries. */
  handshakeTimeoutMs?: number;
}

export const DEFAULT_PING_TIMEOUT_SEC = 30;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The SDK's EventDispatcher flattens `header` and `event` into one object before it calls a
 * registered handler, and a card callback's `event.token` (the card-update token) then hides
 * `header.token`. Taking the payload as it arrived keeps one envelope reader for both transports
 * (`toEnvelope`, as the webhooks use it), so every event type, card callbacks included, goes
 * through the same code; what `invoke` returns is the frame's answer, as for registered handlers.
 */
class EnvelopeDispatcher extends lark.EventDispatcher {
  constructor(
    private readonly receive: (payload: unknown) => Promise<CardCallbackAnswer | undefined>,
    logger: Logger,
  ) {
    super({ logger: sdkLogger(logger), loggerLevel: lark.LoggerLevel.info });
  }

  override async invoke(data: any): Promise<any> {
    return this.receive(data);
  }
}

export class FeishuLongConnection {
  private readonly client: lark.WSClient;
  private readonly dispatcher: EnvelopeDispatcher;
  private started = false;

  constructor(private readonly opts: LongConnectionOptions) {
    const log = opts.logger;
    this.dispatcher = new EnvelopeDispatcher((payload) => this.receive(payload), log);
    this.client = new lark.WSClient({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: opts.baseUrl,
      logger: sdkLogger(log),
      loggerLevel: lark.LoggerLevel.info,
      autoReconnect: true,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      wsConfig: { pingTimeout: opts.pingTimeoutSec ?? DEFAULT_PING_TIMEOUT_SEC },
      onReady: () => log.info({ feishu: 'connected' }, 'feishu long connection: connected'),
      onReconnecting: () => log.warn({ feishu: 'connecting' }, 'feishu long connection: lost, reconnecting'),
      onReconnected: () => log.info({ feishu: 'connected' }, 'feishu long connection: reconnected'),
      onError: (err) =>
        log.error(
          { feishu: 'disconnected', reason: err.message },
          'feishu long connection: gave up; check FEISHU_APP_ID / FEISHU_APP_SECRET and that the app subscribes through the long connection',
        ),
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.opts.logger.info({ feishu: 'connecting', baseUrl: this.opts.baseUrl }, 'feishu long connection: connecting');
    void this.client.start({ eventDispatcher: this.dispatcher });
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.client.close({ force: true });
    this.opts.logger.info({ feishu: 'disconnected' }, 'feishu long connection: closed');
  }

  state(): LongConnectionState {
    if (!this.started) return 'disconnected';
    switch (this.client.getConnectionStatus().state) {
      case 'connected':
        return 'connected';
      case 'connecting':
      case 'reconnecting':
        return 'connecting';
      default:
        return 'disconnected';
    }
  }

  /** One merged frame payload. A rejection makes the SDK answer code 500, and Feishu pushes again. */
  private async receive(payload: unknown): Promise<CardCallbackAnswer | undefined> {
    const log = this.opts.logger;
    const envelope = toEnvelope(this.decrypt(payload));
    if (!envelope) {
      log.warn('feishu long connection: a frame that is not a Feishu event was ignored');
      return undefined;
    }
    const elog = log.child({ eventId: envelope.eventId, eventType: envelope.eventType });
    if (isForAnotherApp(envelope, this.opts.appId)) {
      elog.warn({ appId: envelope.appId }, 'feishu long connection: event for another app ignored');
      return undefined;
    }
    if (envelope.eventType === CARD_EVENT) return answerCard(this.opts.dispatchCard, envelope, elog, this.opts.messenger);
    try {
      await recordEvent(this.opts.inbox, envelope, elog);
    } catch (err) {
      elog.error({ err }, 'feishu long connection: event not recorded; Feishu will push it again');
      throw err;
    }
    return undefined;
  }

  private decrypt(payload: unknown): unknown {
    const encrypted = (payload as { encrypt?: unknown } | null)?.encrypt;
    if (typeof encrypted !== 'string') return payload;
    if (!this.opts.encryptKey) throw new Error('an encrypted payload arrived but FEISHU_ENCRYPT_KEY is not set');
    return JSON.parse(decryptPayload(this.opts.encryptKey, encrypted));
  }
}

/**
 * The SDK's log lines into ours. Its `info` lines (banners, every reconnect attempt) become debug:
 * the connection's state changes are logged above, in one place.
 */
function sdkLogger(log: Logger) {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    error: (...args: unknown[]) => log.error({ sdk: true }, text(args)),
    warn: (...args: unknown[]) => log.warn({ sdk: true }, text(args)),
    info: (...args: unknown[]) => log.debug({ sdk: true }, text(args)),
    debug: (...args: unknown[]) => log.trace({ sdk: true }, text(args)),
    trace: (...args: unknown[]) => log.trace({ sdk: true }, text(args)),
  };
}

export type LongConnectionTuning = Pick<LongConnectionOptions, 'pingTimeoutSec' | 'handshakeTimeoutMs'>;

/** The long connection when FEISHU_EVENT_MODE=long-connection (config guarantees the credentials). */
export function createLongConnection(
  config: Config,
  inbox: InboxService,
  dispatchCard: CardDispatch,
  messenger: Pick<Messenger, 'sendToUser'>,
  logger: Logger,
  tuning: LongConnectionTuning = {},
): FeishuLongConnection | undefined {
  const { eventMode, appId, appSecret, baseUrl, encryptKey } = config.feishu;
  if (eventMode !== 'long-connection' || !appId || !appSecret) return undefined;
  return new FeishuLongConnection({
    appId,
    appSecret,
    baseUrl,
    encryptKey,
    inbox,
    dispatchCard,
    messenger,
    logger: logger.child({ component: 'feishu-ws' }),
    ...tuning,
  });
}
