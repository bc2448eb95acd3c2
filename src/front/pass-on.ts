import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { FRONT_PEER_HEADER } from './messages';

/** The main thread's plain-node helpers (src/front/front.ts): answers, the client's address, passing on. */

export function sendJson(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(headOnly ? undefined : text);
}

/** As Koa's ctx.ip: X-Forwarded-For's first address only under TRUST_PROXY=1. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  return forwarded || req.socket.remoteAddress;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];

/**
 * Passes a request on to the worker's server, streaming both ways. X-Forwarded-For is trusted
 * from the client only under TRUST_PROXY=1 (the worker's app trusts what the front sends), and
 * the client's socket address travels in FRONT_PEER_HEADER.
 */
export function createPassOn(socketPath: string, trustProxy: boolean, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (req, res) => {
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const peer = req.socket.remoteAddress ?? '';
    if (trustProxy) {
      headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
    } else {
      delete headers['x-forwarded-proto'];
      delete headers['x-forwarded-host'];
      headers['x-forwarded-for'] = peer;
    }
    headers[FRONT_PEER_HEADER] = peer;
    const upstream = http.request({ socketPath, method: req.method, path: req.url, headers, agent }, (answer) => {
      const out = { ...answer.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      logger.error({ err, path: req.url }, 'http: the processing worker did not answer');
      sendJson(res, 502, { error: 'internal error' });
    });
    // The client went away (e.g. a closed event stream): so does the request to the worker.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
