import type { Config } from '../config';
import type { FeishuEnvelope } from '../platform/feishu/inbound';
import type { OutboundMessage } from '../platform/port';
import type { SendRef } from '../services/outbox-service';

/** What the main thread (the front) gives the processing worker at start. */
export interface WorkerData {
  config: Config;
  /** The bot's clock is Date.now() + this (0 but under TEST_CLOCK_AT). */
  clockOffsetMs: number;
  /** Where the worker serves every route the front does not answer itself. */
  socketPath: string;
  /** Readable logs (pino-pretty) on this file descriptor: the front's stdout is a terminal. */
  prettyFd?: 1 | 2;
}

export interface ConnectionStates {
  feishu?: string;
  dingtalk?: string;
}

/** Front → worker. */
export type ToWorker =
  /** An event the front recorded in the inbox and acknowledged: process it. */
  | { type: 'recorded'; id: number }
  /** A verified card callback: run its handler, answer with `card-answer`. */
  | { type: 'card'; seq: number; envelope: FeishuEnvelope }
  /** A slow card action failed after the progress toast: tell the clicker (answerCard). */
  | { type: 'send-to-user'; ref: SendRef; openId: string; message: OutboundMessage }
  /** A webhook answered after `seconds` (bot_event_ack_seconds in /metrics). */
  | { type: 'ack'; route: 'events' | 'cards'; seconds: number }
  | { type: 'stop' };

/** Worker → front. */
export type FromWorker =
  | { type: 'ready'; platform: string; states: ConnectionStates }
  | { type: 'failed'; message: string }
  | { type: 'card-answer'; seq: number; answer?: Record<string, unknown>; error?: string }
  | { type: 'states'; states: ConnectionStates }
  | { type: 'stopped' };

/**
 * The client's socket address, set by the front on every request it passes to the worker (any
 * such header from the client is replaced). Only the front can reach the worker's socket.
 */
export const FRONT_PEER_HEADER = 'x-front-peer';
