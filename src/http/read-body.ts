import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { Context } from 'koa';

export class BodyError extends Error {
  constructor(readonly status: 400 | 408 | 413, message: string) {
    super(message);
  }
}

/**
 * The exact request bytes: the signature is computed over them, never over re-serialised JSON.
 * A body that does not arrive within `timeoutMs` (a client trickling bytes to hold the
 * connection) is given up on: 408, and the connection is closed after the answer.
 */
export function readRawBody(ctx: Context, limit: number, timeoutMs: number): Promise<Buffer> {
  return readRequestBody(ctx.req, limit, timeoutMs, () => ctx.set('Connection', 'close'));
}

/** {@link readRawBody} on a plain node request (the main thread's front, src/front/). */
export async function readRequestBody(req: IncomingMessage, limit: number, timeoutMs: number, onSlow: () => void): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      req.pause();
      onSlow();
      reject(new BodyError(408, 'request body not received in time'));
    }, timeoutMs);
  });
  // As Koa's request.length reads it.
  const declared = Number.parseInt(req.headers['content-length'] ?? '', 10);
  try {
    return await Promise.race([getRawBody(req, { limit, length: Number.isNaN(declared) ? undefined : declared }), slow]);
  } catch (err: any) {
    if (err instanceof BodyError) throw err;
    if (err?.type === 'entity.too.large') throw new BodyError(413, 'request body too large');
    throw new BodyError(400, `cannot read request body: ${err?.type ?? err?.message ?? 'unknown'}`);
  } finally {
    clearTimeout(timer);
  }
}
