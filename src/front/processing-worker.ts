import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger';
import { installLeanSdkSource } from './lean-sdk-source';
import type { ConnectionStates, FromWorker, ToWorker, WorkerData } from './messages';

/**
 * The processing worker (PROCESSING_THREAD=worker, the default): the whole bot — database
 * migrations, inbox processing, outbox, jobs, card handlers, long connections, /metrics,
 * DingTalk's webhook, the playground — in a worker thread, so that the main thread's event loop
 * (src/front/front.ts) only acknowledges. It serves on a private socket what the front passes on.
 */

const port = parentPort!;
const data = workerData as WorkerData;
const post = (message: FromWorker) => port.postMessage(message);

async function run(): Promise<void> {
  const { config, clockOffsetMs, socketPath, prettyFd } = data;
  const logger = createLogger(config.logLevel, undefined, prettyFd);
  const now = clockOffsetMs === 0 ? Date.now : () => Date.now() + clockOffsetMs;
  // The bot (and with it the Feishu SDK) only after the SDK's loader is in place.
  installLeanSdkSource();
  let bot;
  try {
    const { createBot } = await import('../bot');
    bot = await createBot(config, logger, { now, behindFront: true });
    await bot.listenOn(socketPath);
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const started = bot;

  let states: ConnectionStates = started.connectionStates();
  const watch = setInterval(() => {
    const next = started.connectionStates();
    if (next.feishu !== states.feishu || next.dingtalk !== states.dingtalk) {
      states = next;
      post({ type: 'states', states });
    }
  }, 200);

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'recorded':
        started.inbox.schedule(message.id);
        break;
      case 'card': {
        const { seq, envelope } = message;
        const log = logger.child({ eventId: envelope.eventId, eventType: envelope.eventType });
        started.dispatchCard(envelope, log).then(
          (answer) => post({ type: 'card-answer', seq, answer }),
          (err) => {
            log.error({ err }, 'card action failed in the processing worker');
            post({ type: 'card-answer', seq, error: err instanceof Error ? err.message : String(err) });
          },
        );
        break;
      }
      case 'send-to-user':
        started.outbox.sendToUser(message.ref, message.openId, message.message).catch((err) => logger.error({ err }, 'could not queue a message from the front'));
        break;
      case 'ack':
        started.observeAck(message.route, message.seconds);
        break;
      case 'stop':
        clearInterval(watch);
        started.stop().then(
          () => post({ type: 'stopped' }),
          (err) => {
            logger.error({ err }, 'processing worker: stop failed');
            post({ type: 'stopped' });
          },
        );
        break;
    }
  });
  post({ type: 'ready', platform: started.platform.name, states });
}

void run();
