import { z } from 'zod';
import { optionalText } from './values';

/** The HTTP server, the processing thread, logging and /metrics. */

export interface ServerSettings {
  port: number;
  logLevel: string;
  /** Largest request body the webhooks accept, in bytes. */
  maxBodyBytes: number;
  http: {
    /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
    trustProxy: boolean;
    /** Concurrent connections; more are refused until some close. */
    maxConnections: number;
    /** Time to receive a whole request, headers and body; slower ones are cut off. */
    requestTimeoutMs: number;
  };
  /**
   * PROCESSING_THREAD (issue 14 item 9): 'worker' (default) acknowledges on the main thread and
   * processes in a worker thread (src/front/); 'main' runs everything on one thread.
   */
  processingThread: 'worker' | 'main';
  /** Bearer token for GET /metrics; undefined: no /metrics route. */
  metricsToken: string | undefined;
}

export const serverEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  TRUST_PROXY: z.enum(['0', '1'], { message: "expected '0' or '1'" }).default('0'),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(512),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  PROCESSING_THREAD: z.enum(['worker', 'main'], { message: "expected 'worker' or 'main'" }).default('worker'),
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'expected at least 16 characters (a random secret), or leave it empty to turn /metrics off',
  }),
});

export function serverSettings(e: z.infer<typeof serverEnv>): ServerSettings {
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    http: {
      trustProxy: e.TRUST_PROXY === '1',
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    processingThread: e.PROCESSING_THREAD,
    metricsToken: e.METRICS_TOKEN,
  };
}
