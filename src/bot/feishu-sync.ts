import type { DataSource } from 'typeorm';
import type { LedgerView } from '../../handlers/types';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { BitableClient } from '../platform/feishu/bitable-client';
import { FeishuPlatform } from '../platform/feishu/feishu-platform';
import type { ChatPlatform } from '../platform/port';
import { PlatformRouter } from '../platform/router';
import { CalendarSync, type CalendarSyncOptions, DEFAULT_CALENDAR_SYNC_OPTIONS } from '../services/calendar-sync';
import { countLedgerQueue } from '../services/ledger/ledger-marks';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions, LedgerWorker } from '../services/ledger/ledger-worker';

/** The writers that copy the books into Feishu: the 台账 (多维表格) and the calendar. */

/**
 * The 台账 writer (issue 13 item 1) when FEISHU_BITABLE_APP_TOKEN is set. It needs the Feishu
 * app's credentials: in dry-run mode changes are still queued (nothing is lost) but not written.
 */
export function createLedger(
  config: Config,
  ds: DataSource,
  logger: Logger,
  now: () => number,
  tuning: Partial<LedgerOptions> = {},
): { worker: LedgerWorker | undefined; view: LedgerView } | undefined {
  if (!config.ledger) return undefined;
  const { appId, appSecret } = config.feishu;
  const log = logger.child({ component: 'ledger' });
  if (config.dryRun || !appId || !appSecret) {
    log.warn('ledger: FEISHU_BITABLE_APP_TOKEN is set but the Feishu app is not (dry-run): changes are queued, not written');
    const view: LedgerView = {
      url: config.ledger.url,
      state: async () => ({ ...(await countLedgerQueue(ds.manager)), problems: ['机器人处于试用模式（未配置飞书应用凭证），台账的变更已排队，但不会写入多维表格。'] }),
    };
    return { worker: undefined, view };
  }
  const client = new BitableClient({ appId, appSecret, baseUrl: config.feishu.baseUrl, timeoutMs: config.feishu.httpTimeoutMs, logger: log });
  const worker = new LedgerWorker(ds, client, config.ledger.appToken, config.timezone, log, { ...DEFAULT_LEDGER_OPTIONS, ...tuning }, now);
  return { worker, view: { url: config.ledger.url, state: () => worker.state() } };
}

/** The calendar sync, when FEISHU_CALENDAR_ID is set and there is a Feishu app to write with. */
export function createCalendarSync(
  config: Config,
  ds: DataSource,
  platform: ChatPlatform,
  logger: Logger,
  tuning: Partial<CalendarSyncOptions> | undefined,
  now: () => number,
): CalendarSync | undefined {
  if (!config.calendarId) return undefined;
  const feishu = platform instanceof PlatformRouter ? platform.for('feishu') : platform;
  if (!(feishu instanceof FeishuPlatform)) {
    logger.warn('FEISHU_CALENDAR_ID is set, but without Feishu credentials no calendar entries are made');
    return undefined;
  }
  const log = logger.child({ component: 'calendar' });
  return new CalendarSync(ds, feishu.calendar(), config.calendarId, config.timezone, log, { ...DEFAULT_CALENDAR_SYNC_OPTIONS, ...tuning }, now);
}
