import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from './bot-harness';
import type { BotProcess } from './bot-process';
import { FakeFeishu } from './fake-feishu';
import { buildFeishuRequest } from './feishu-signer';

/** What a process-level test runs against: the fake Open API, a database folder, the bot's environment. */
export interface ProcessWorld {
  fake: FakeFeishu;
  dbDir: string;
  env: Record<string, string>;
}

/** A fresh fake and database folder; the bot's HTTP timeout is short so that retries come soon. */
export async function openProcessWorld(name: string): Promise<ProcessWorld> {
  const fake = await new FakeFeishu().start();
  const dbDir = mkdtempSync(join(tmpdir(), `innovation-bot-${name}-`));
  return { fake, dbDir, env: { ...testEnv(fake, dbDir), FEISHU_HTTP_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' } };
}

/** Kills the bot (if any), stops the fake and removes the database folder. */
export async function closeProcessWorld(world: ProcessWorld, bot: BotProcess | undefined): Promise<void> {
  await bot?.kill();
  await world.fake.stop();
  rmSync(world.dbDir, { recursive: true, force: true });
}

/** POSTs an event to the running bot, encrypted and signed as Feishu sends it; the status. */
export async function postEvent(world: ProcessWorld, url: string, payload: unknown): Promise<number> {
  const req = buildFeishuRequest(payload, { encryptKey: world.env.FEISHU_ENCRYPT_KEY });
  const res = await fetch(`${url}/feishu/events`, { method: 'POST', body: req.body, headers: req.headers });
  return res.status;
}
