import { createBot } from './bot';
import { clockStartingAt } from './clock';
import { loadConfigOrExit } from './config';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, 1);
  const logger = createLogger(config.logLevel);
  if (config.dryRun) {
    logger.warn(
      '*** DRY-RUN MODE: FEISHU_APP_ID and FEISHU_APP_SECRET are not set. Nothing will be sent to Feishu; ' +
        'every message the bot would send is logged instead. ***',
    );
    if (!config.feishu.encryptKey && !config.feishu.verificationToken) {
      logger.warn('*** Inbound requests are NOT verified: set FEISHU_ENCRYPT_KEY before exposing this server. ***');
    }
  }
  if (config.adminOpenIds.size === 0) logger.warn('ADMIN_OPEN_IDS is empty: nobody can bind groups or review.');

  if (config.testClockAt !== undefined) {
    logger.warn({ testClockAt: new Date(config.testClockAt).toISOString() }, '*** TEST CLOCK: the bot runs on a shifted clock (TEST_CLOCK_AT, NODE_ENV=test). ***');
  }
  const bot = await createBot(config, logger, { now: clockStartingAt(config.testClockAt) });
  const port = await bot.listen(config.port);
  logger.info({ port, platform: bot.platform.name, database: config.databaseUrl.split(':')[0] }, 'bot listening');

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

main().catch((err) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
