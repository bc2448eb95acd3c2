import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { PlaygroundEntry, PlaygroundLog } from './playground-platform';

/**
 * GET /playground/api/stream: the conversation as Server-Sent Events, from where the page was
 * (Last-Event-ID or ?since), then each new entry as it comes; `boot` tells the page that the
 * server restarted. The response stays in `streams` until the page goes away.
 */
export function openEventStream(ctx: Context, log: PlaygroundLog, boot: string, streams: Set<ServerResponse>): void {
  // A reconnecting EventSource says where it was; a new page asks from the start.
  const since = Number(ctx.get('Last-Event-ID') || ctx.query.since || 0) || 0;
  // Written straight to the response (Koa would report a client going away as an error).
  const res = ctx.res;
  ctx.respond = false;
  ctx.req.socket.setTimeout(0);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  streams.add(res);
  const send = (e: PlaygroundEntry) => res.write(`id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`);
  res.write(`event: hello\ndata: ${JSON.stringify({ boot })}\n\n`);
  for (const e of log.since(since)) send(e);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  log.on('entry', send);
  res.on('close', () => {
    clearInterval(heartbeat);
    log.off('entry', send);
    streams.delete(res);
  });
}
