import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Context, Next } from 'koa';

/**
 * The workbench's own policy: scripts and styles only from this origin (Vite emits no inline script;
 * Vant and Element Plus set inline style attributes), requests only to this origin, no framing.
 * Nothing is fetched from a CDN: the bureau runs on an intranet.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export const ENTRIES = ['m', 'console'] as const;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Every file of a directory tree by its URL path ('/assets/x.js'); a Map, so no path outside it can be named. */
function listFiles(root: string, dir = root, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const url = `${prefix}/${name}`;
    if (statSync(full).isDirectory()) for (const [k, v] of listFiles(root, full, url)) files.set(k, v);
    else files.set(url, full);
  }
  return files;
}

export interface WebStatic {
  /** Whether the build was found (the web is served). */
  available: boolean;
  middleware: (ctx: Context, next: Next) => Promise<void>;
}

/**
 * Serves the Vite build: hashed files under /assets/ cached for a year (their names change with their
 * content), each entry's index.html never cached (so a deploy is seen at once), and an SPA fallback —
 * any other path under /m/ or /console/ gets that entry's index.html, except a path that names a
 * file (has an extension), which is a missing asset: 404, not a page. `GET /` leads to the console login.
 */
export function makeWebStatic(dir: string): WebStatic {
  const available = existsSync(join(dir, 'm', 'index.html')) && existsSync(join(dir, 'console', 'index.html'));
  const files = available ? listFiles(dir) : new Map<string, string>();
  const cache = new Map<string, Buffer>();
  const read = (url: string) => {
    let b = cache.get(url);
    if (!b) {
      b = readFileSync(files.get(url)!);
      cache.set(url, b);
    }
    return b;
  };

  const sendFile = (ctx: Context, url: string, cacheControl: string) => {
    ctx.type = TYPES[extname(url)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', cacheControl);
    ctx.body = read(url);
  };

  const sendIndex = (ctx: Context, entry: string) => {
    ctx.set('Content-Security-Policy', WEB_CSP);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = read(`/${entry}/index.html`);
  };

  async function middleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return void (await next());
    const path = ctx.path;
    if (path === '/') {
      ctx.status = 302;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect('/console/login');
      return;
    }
    if (!available) return void (await next());
    if (path.startsWith('/assets/')) {
      if (files.has(path)) return sendFile(ctx, path, IMMUTABLE);
      return void (await next()); // 404
    }
    for (const entry of ENTRIES) {
      if (path === `/${entry}`) {
        ctx.status = 301;
        ctx.redirect(`/${entry}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
        return;
      }
      if (!path.startsWith(`/${entry}/`)) continue;
      if (path === `/${entry}/index.html`) return sendIndex(ctx, entry);
      // A file of the entry's folder that Vite copied unhashed (favicon): cached briefly.
      if (files.has(path)) return sendFile(ctx, path, 'public, max-age=3600');
      if (extname(path) !== '') return void (await next()); // a missing file is 404, never the page
      return sendIndex(ctx, entry);
    }
    await next();
  }

  return { available, middleware };
}
