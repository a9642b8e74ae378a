import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Router from '@koa/router';

// Swagger UI is served from the installed package: the bureau's intranet has no CDN access.
const uiDir = join(require.resolve('swagger-ui-dist/package.json'), '..');
// A Map, not an object literal: `/docs/constructor` must not find Object.prototype's members.
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'application/javascript; charset=utf-8'],
]);

/**
 * Swagger UI's own policy: scripts only from this origin (the start-up script is a file, not
 * inline), its inline styles and data: images, requests only to this origin, never framed.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>财政票据服务台 API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;

// The token typed into "Authorize" lives only in the page: it is not kept in localStorage.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#ui', persistAuthorization: false });\n`;

/** GET /docs (browsable API) and its static assets. */
export function registerDocsRoutes(router: Router): void {
  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = INIT;
  });
  router.get('/docs/:asset', async (ctx) => {
    const type = ASSETS.get(ctx.params.asset);
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(uiDir, ctx.params.asset));
  });
}
