import getRawBody from 'raw-body';
import type { Context } from 'koa';

export class BodyError extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

/** The exact request bytes: the signature is computed over them, never over re-serialised JSON. */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.request.length });
  } catch (err: any) {
    if (err?.type === 'entity.too.large') throw new BodyError(413, 'request body too large');
    throw new BodyError(400, `cannot read request body: ${err?.type ?? err?.message ?? 'unknown'}`);
  }
}
