// First: sizes libuv's threadpool before anything uses it.
import './threadpool';
import { clockStartingAt } from './clock';
import { type Config, ENV_FILE, loadProcessConfigOrExit } from './config';
import { createLogger, type Logger } from './logger';

async function main(): Promise<void> {
  const { config, envFileRead } = loadProcessConfigOrExit(1);
  const logger = createLogger(config.logLevel);
  if (envFileRead) logger.info({ file: ENV_FILE }, 'configuration: read .env (variables set in the environment win)');
  if (config.dingtalk) {
    logger.info({ mode: config.dingtalk.mode, baseUrl: config.dingtalk.baseUrl }, 'DingTalk enabled');
    if (config.dingtalk.adminStaffIds.size === 0) logger.warn('DINGTALK_ADMIN_STAFF_IDS is empty: nobody on DingTalk can bind groups or review.');
  }
  if (config.dryRun && config.dingtalk) {
    logger.info('Feishu is off (FEISHU_APP_ID and FEISHU_APP_SECRET are not set); messages for Feishu are only logged.');
  } else if (config.dryRun) {
    logger.warn(
      '*** DRY-RUN MODE: FEISHU_APP_ID and FEISHU_APP_SECRET are not set. Nothing will be sent to Feishu; ' +
        'every message the bot would send is logged instead. ***',
    );
    if (!config.feishu.encryptKey && !config.feishu.verificationToken) {
      logger.warn('*** Inbound requests are NOT verified: set FEISHU_ENCRYPT_KEY before exposing this server. ***');
    }
  }
  if (config.adminOpenIds.size === 0) {
    // In the playground its sample centre admin (王老师) may review; nobody else may.
    const playground = config.dryRun && !config.dingtalk;
    logger.warn(`ADMIN_OPEN_IDS is empty: nobody${playground ? " but the playground's sample admin" : ''} can bind groups or review.`);
  }
  if (config.backupDir && !config.databaseUrl.startsWith('sqlite:')) {
    logger.warn('BACKUP_DIR is set but the database is PostgreSQL: there is no nightly backup; back it up with pg_dump (README, Operations).');
  }

  if (config.testClockAt !== undefined) {
    logger.warn({ testClockAt: new Date(config.testClockAt).toISOString() }, '*** TEST CLOCK: the bot runs on a shifted clock (TEST_CLOCK_AT, NODE_ENV=test). ***');
  }
  const now = clockStartingAt(config.testClockAt);
  // Default: acknowledgements on this thread, everything else in a worker thread (src/front/).
  // Loaded here, not at the top: the main thread of the default mode loads none of the bot.
  const bot: { port: number; platform: string; stop(): Promise<void> } =
    config.processingThread === 'worker'
      ? await (await import('./front/front')).startFront({
          config,
          logger,
          now,
          onWorkerLost: (err) => {
            logger.fatal({ err }, 'the processing worker stopped; exiting');
            process.exit(1);
          },
        })
      : await startOneThread(config, logger, now);
  const port = bot.port;
  logger.info(
    { port, platform: bot.platform, database: config.databaseUrl.split(':')[0], feishuEvents: config.feishu.eventMode, processing: config.processingThread },
    'bot listening',
  );
  // The playground is served in dry-run mode only, and not beside DingTalk (src/bot.ts).
  if (config.dryRun && !config.dingtalk) logger.warn(`*** Try the bot in the browser: http://localhost:${port}/playground (this machine only) ***`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    bot.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** PROCESSING_THREAD=main: the whole bot on this thread, as before issue 14 item 9. */
async function startOneThread(config: Config, logger: Logger, now: () => number) {
  (await import('./front/lean-sdk-source')).installLeanSdkSource();
  const { createBot } = await import('./bot');
  const bot = await createBot(config, logger, { now });
  const port = await bot.listen(config.port);
  return { port, platform: bot.platform.name, stop: () => bot.stop() };
}

main().catch((err) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
