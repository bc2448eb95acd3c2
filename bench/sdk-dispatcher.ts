/**
 * The reference the benchmark measures the bot against, in the same run on the same events
 * (bench/README.md): the Feishu SDK's own `EventDispatcher`, served by the SDK's `adaptDefault`
 * on a plain node http server, with the same encrypt key and verification token as the bot. It
 * decrypts and checks each event as the SDK does and answers when its handler returns; the
 * handler does nothing, so this is the floor: what answering costs a Node process on this
 * machine, with nothing stored and nothing processed.
 *
 * Run by ack-latency.ts as its own process: `node dist/bench/sdk-dispatcher.js` with PORT,
 * FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN in the environment. GET /healthz answers 200.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import http from 'node:http';

const port = Number(process.env.PORT);
let handled = 0;
const dispatcher = new lark.EventDispatcher({
  encryptKey: process.env.FEISHU_ENCRYPT_KEY,
  verificationToken: process.env.FEISHU_VERIFICATION_TOKEN,
  loggerLevel: lark.LoggerLevel.error,
}).register({
  'im.message.receive_v1': async () => {
    handled += 1;
  },
});
const events = lark.adaptDefault('/feishu/events', dispatcher, { autoChallenge: true });

const server = http.createServer((req, res) => {
  if (req.url === '/feishu/events') return void events(req, res);
  res.statusCode = req.url === '/healthz' ? 200 : 404;
  res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', handled } : { error: 'not found' }));
});
server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
