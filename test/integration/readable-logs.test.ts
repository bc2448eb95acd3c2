import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ENCRYPT_KEY, TEST_TOKEN } from '../helpers/bot-harness';
import { freePort, MAIN_JS } from '../helpers/bot-process';
import { messageEvent } from '../helpers/events';
import { buildFeishuRequest } from '../helpers/feishu-signer';

/**
 * `npm start` on a terminal: pino-pretty's lines instead of JSON, and in dry-run mode one
 * readable line per message the bot would send. The terminal is a real pseudo-terminal, from
 * util-linux's `script` (in every Debian: bsdutils is essential).
 */

let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'readable-logs-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});


/** Waits until the output (colours removed) matches `pattern`. */
function waitFor(output: () => string, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(output())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 20_000) {
        clearInterval(poll);
        reject(new Error(`no ${what} in:\n${output()}`));
      }
    }, 50);
  });
}

it('on a terminal, logs are pretty and each would-be message is one readable line', async () => {
  const port = await freePort();
  child = spawn('script', ['-qfec', `"${process.execPath}" "${MAIN_JS}"`, '/dev/null'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      SHELL: '/bin/sh',
      TERM: 'dumb',
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
      FEISHU_ENCRYPT_KEY: TEST_ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: TEST_TOKEN,
      LOG_LEVEL: 'info',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout!.on('data', (c: Buffer) => (raw += String(c)));
  child.stderr!.on('data', (c: Buffer) => (raw += String(c)));
  // eslint-disable-next-line no-control-regex
  const output = () => raw.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '');

  await waitFor(output, /INFO: bot listening/, 'pretty start-up line');
  const req = buildFeishuRequest(messageEvent({ text: '帮助', chatType: 'p2p', senderOpenId: 'ou_someone_trying_it_out_000001' }), { encryptKey: TEST_ENCRYPT_KEY });
  const res = await fetch(`http://127.0.0.1:${port}/feishu/events`, { method: 'POST', body: req.body, headers: req.headers });
  expect(res.status).toBe(200);
  await waitFor(output, /dry-run: would reply to om_\w+ — card 「企业创新助手 · 使用帮助」/, 'readable dry-run line');

  expect(output()).not.toContain('{"level"');
  const line = output().split('\n').find((l) => l.includes('dry-run: would reply to'))!;
  expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: dry-run: would reply to om_\w+ — card 「企业创新助手 · 使用帮助」: \S.+/);
  expect(line).not.toMatch(/&#\d+;/);
  expect(output()).not.toContain('"schema"');
});
