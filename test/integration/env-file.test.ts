import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotProcess, freePort, spawnBot } from '../helpers/bot-process';
import { runJobIn } from '../helpers/job-process';

/**
 * `npm start` and `npm run job` read `.env` in their working directory (the built entry points,
 * as the scripts run them); a variable set in the environment wins; no `.env` is fine.
 */

let dir: string;
let bot: BotProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-file-'));
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  rmSync(dir, { recursive: true, force: true });
});


async function healthz(port: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: await res.json() };
}

const writeEnv = (lines: string[]) => writeFileSync(join(dir, '.env'), `# written by the test\n${lines.join('\n')}\n`);

it('npm start: PORT and DATABASE_URL written in .env are used', async () => {
  const port = await freePort();
  writeEnv([`PORT=${port}`, 'DATABASE_URL=sqlite:from-dotenv/bot.sqlite', 'FEISHU_APP_ID=', 'LOG_LEVEL=info']);
  bot = await spawnBot({}, { cwd: dir, ownPort: true });
  expect(bot.url).toBe(`http://127.0.0.1:${port}`);
  expect(await healthz(port)).toEqual({ status: 200, body: { status: 'ok', database: 'ok', platform: 'dry-run' } });
  expect(existsSync(join(dir, 'from-dotenv', 'bot.sqlite'))).toBe(true);
  expect(bot.output.join('')).toContain('configuration: read .env');
});

it('npm start: a variable set in the environment wins over .env', async () => {
  const [filePort, envPort] = [await freePort(), await freePort()];
  writeEnv([`PORT=${filePort}`, `DATABASE_URL=sqlite:${join(dir, 'bot.sqlite')}`]);
  bot = await spawnBot({ PORT: String(envPort) }, { cwd: dir, ownPort: true });
  expect(bot.url).toBe(`http://127.0.0.1:${envPort}`);
  expect((await healthz(envPort)).status).toBe(200);
  await expect(healthz(filePort)).rejects.toThrow();
});

it('npm start: no .env is fine', async () => {
  bot = await spawnBot({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` }, { cwd: dir });
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  expect(bot.output.join('')).not.toContain('read .env');
});

it('npm start: a bad value in .env stops start-up naming the variable, like one in the environment', async () => {
  writeEnv(['ADMIN_OPEN_IDS=not-an-open-id']);
  await expect(spawnBot({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` }, { cwd: dir })).rejects.toThrow(/Configuration error: ADMIN_OPEN_IDS/);
});

it('npm run job: reads .env too, the environment winning', async () => {
  writeEnv(['DATABASE_URL=sqlite:job-from-dotenv.sqlite', 'LOG_LEVEL=warn', 'REMINDER_HOUR=25']);
  // REMINDER_HOUR=25 in .env alone is refused…
  const bad = await runJobIn(dir, ['reminders', '--now', '2027-06-07T09:00:00+08:00'], {});
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('Configuration error: REMINDER_HOUR');
  // …and set in the environment, the environment's value is used; the database is .env's.
  const ok = await runJobIn(dir, ['reminders', '--now', '2027-06-07T09:00:00+08:00'], { REMINDER_HOUR: '9' });
  expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
  expect(ok.stdout).toContain('reminders as of');
  expect(existsSync(join(dir, 'job-from-dotenv.sqlite'))).toBe(true);
});

it('npm start: SIGTERM to npm (as a supervisor sends it) reaches the bot, which shuts down and frees its port', async () => {
  // The real start script, in a folder of its own: `build` is a no-op here (dist/ is built) and
  // dist/ is the project's, so only how the script runs node is under test.
  const root = join(__dirname, '..', '..');
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'start-signal', private: true, scripts: { build: 'true', start: scripts.start } }));
  symlinkSync(join(root, 'dist'), join(dir, 'dist'));
  const port = await freePort();
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (c) => (output += c));
  npm.stderr.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  try {
    for (let i = 0; ; i++) {
      if ((await healthz(port).catch(() => undefined))?.status === 200) break;
      if (i > 300) throw new Error(`the bot did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    npm.kill('SIGTERM');
    await exited;
    // The bot itself got the signal: it says so, and its port is free again.
    for (let i = 0; output.includes('shutting down') === false || (await healthz(port).then(() => true, () => false)); i++) {
      if (i > 100) throw new Error(`the bot is still running after npm stopped:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('SIGTERM');
    await expect(healthz(port)).rejects.toThrow();
  } finally {
    npm.kill('SIGKILL');
  }
});
