import { type AddressInfo, createServer } from 'node:net';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface BotProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  /** SIGKILL: no shutdown hooks, no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /**
   * The working directory, where the bot reads `.env`. Default: a new empty folder, so that a
   * developer's own `.env` in the project never reaches a test.
   */
  cwd?: string;
  /** Leave PORT to `env` (or `.env`) instead of PORT=0 (any free port). */
  ownPort?: boolean;
}

/** A new empty folder for a process's working directory. */
export const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'bot-cwd-'));

/** Runs the built bot (`node dist/src/main.js`) as its own process, as `npm start` does. */
export async function spawnBot(env: Record<string, string>, options: SpawnOptions = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: options.cwd ?? emptyDir(),
    env: { PATH: process.env.PATH ?? '', ...env, ...(options.ownPort ? {} : { PORT: '0' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let started = () => {};
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${output.join('')}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const m = /"port":(\d+)[^\n]*"bot listening"/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(String(c)));
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${output.join('')}`));
    };
    child.once('exit', onEarlyExit);
    started = () => child.off('exit', onEarlyExit);
  });
  started();
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TCP port free on 127.0.0.1 right now, for a bot process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
