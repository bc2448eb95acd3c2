import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from 'koa';

/** The playground's page: its files, served with a strict Content-Security-Policy. */

/** The folder holding package.json: static files are found from there, under src/ and node_modules/, whether run from src/ or dist/. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src', 'playground', 'public'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`playground: cannot find the project root above ${from}`);
    dir = up;
  }
  return dir;
}

const STATIC: Record<string, { file: string[]; type: string }> = {
  '': { file: ['src', 'playground', 'public', 'index.html'], type: 'text/html; charset=utf-8' },
  'app.js': { file: ['src', 'playground', 'public', 'app.js'], type: 'text/javascript; charset=utf-8' },
  'cards.js': { file: ['src', 'playground', 'public', 'cards.js'], type: 'text/javascript; charset=utf-8' },
  'style.css': { file: ['src', 'playground', 'public', 'style.css'], type: 'text/css; charset=utf-8' },
  'vendor/vchart.js': { file: ['node_modules', '@visactor', 'vchart', 'build', 'index.min.js'], type: 'text/javascript; charset=utf-8' },
};

const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** The page's files by path under /playground ('' is the page itself), each with its handler. */
export function staticFiles(root: string): Array<[name: string, handler: (ctx: Context) => Promise<void>]> {
  const serveStatic = (name: string) => async (ctx: Context) => {
    const entry = STATIC[name];
    ctx.type = entry.type;
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = readFileSync(join(root, ...entry.file));
  };
  return Object.keys(STATIC).map((name) => [name, serveStatic(name)]);
}
