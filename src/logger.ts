import pino, { Logger } from 'pino';

export type { Logger };

/** Paths that may carry secrets anywhere we log request or config data. */
const REDACT = [
  'appSecret',
  'app_secret',
  'encryptKey',
  'verificationToken',
  'token',
  'authorization',
  'Authorization',
  '*.appSecret',
  '*.app_secret',
  '*.encryptKey',
  '*.verificationToken',
  '*.token',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * JSON lines (pino), or, when the output is a terminal, pino-pretty's readable lines (through
 * pino's transport, in a worker thread; redaction happens before). Logs go to stdout, or to
 * `destination`; `process.stderr` (the job command's) is recognised, so it is pretty on a
 * terminal too. Any other destination (tests) always gets JSON.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, terminalFd?: 1 | 2): Logger {
  const options: pino.LoggerOptions = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'innovation-bot' } };
  // A worker thread cannot see that stdout is a terminal: the main thread says so (`terminalFd`).
  const fd = terminalFd ?? prettyFd(destination);
  if (fd !== undefined) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', singleLine: false } },
    });
  }
  return pino(options, destination);
}

/** The terminal's file descriptor when logs go to a terminal: 1 for stdout, 2 for stderr. */
export function prettyFd(destination?: pino.DestinationStream): 1 | 2 | undefined {
  if (destination === undefined) return process.stdout.isTTY ? 1 : undefined;
  if (destination === (process.stderr as unknown)) return process.stderr.isTTY ? 2 : undefined;
  return undefined;
}
