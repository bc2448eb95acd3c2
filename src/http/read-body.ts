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
export async function readRawBody(ctx: Context, limit: number, timeoutMs: number): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctx.req.pause();
      ctx.set('Connection', 'close');
      reject(new BodyError(408, 'request body not received in time'));
    }, timeoutMs);
  });
  try {
    return await Promise.race([getRawBody(ctx.req, { limit, length: ctx.request.length }), slow]);
  } catch (err: any) {
    if (err instanceof BodyError) throw err;
    if (err?.type === 'entity.too.large') throw new BodyError(413, 'request body too large');
    throw new BodyError(400, `cannot read request body: ${err?.type ?? err?.message ?? 'unknown'}`);
  } finally {
    clearTimeout(timer);
  }
}
