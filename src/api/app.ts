import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { registerAuthRoutes } from './auth/auth.routes';
import { authenticate } from './auth/authenticate';
import type { AppDeps } from './deps';
import { registerDocsRoutes } from './docs.routes';
import { errorHandler } from './error-handler';
import { indexRoutes } from './http/indexed-routes';
import { registerHealthRoutes } from './health.routes';
import { requestObservability } from './observability';
import { buildOpenApiDocument, makeRegistry } from './openapi';
import { registerResourceRoutes } from './routes';
import { securityHeaders } from './security-headers';
import { makeWebStatic } from './web/web-static';
import { wecomOAuthDisabled } from './web/wecom-oauth';

/** Builds the Koa app from its dependencies; it never listens (main.ts or a test does). */
export function buildApp(deps: AppDeps): Koa {
  const app = new Koa();
  // X-Forwarded-* are honoured only behind a proxy that sets them (TRUST_PROXY=1): otherwise a
  // client could choose its own address (login limits) or host (the dashboard's origin check).
  app.proxy = deps.trustProxy ?? false;
  // Koa's own onerror would print stack traces to stderr; errorHandler already logs them once.
  app.silent = true;
  const registry = makeRegistry();

  const open = new Router();
  registerHealthRoutes(open, deps);
  registerDocsRoutes(open);

  const api = new Router({ prefix: '/api/v1' });
  api.use(authenticate(deps.tokens, deps.services.users, deps.webSessions));
  registerAuthRoutes(open, api, registry, deps);
  registerResourceRoutes(api, registry, deps);
  for (const p of deps.plugins ?? []) p.register({ api, open, registry });

  // Generated on first request, not at start: it walks every schema (~0.2 s of a cold start) and most
  // processes are never asked for it. The contract tests fetch it, so a schema it cannot render still fails CI.
  let doc: object | undefined;
  open.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = doc ??= buildOpenApiDocument(registry);
  });

  app.use(securityHeaders());
  app.use(requestObservability(deps.logger, deps.metrics));
  app.use(errorHandler(deps.logger));
  app.use(
    bodyParser({
      enableTypes: ['json', 'text', 'xml'],
      jsonLimit: deps.bodyLimit ?? '1mb',
      xmlLimit: '256kb',
      textLimit: '256kb',
      encoding: 'utf-8',
    }),
  );
  if (deps.web) {
    app.use(deps.web.wecomOAuth?.middleware ?? wecomOAuthDisabled);
    const web = makeWebStatic(deps.web.dir);
    if (!web.available)
      deps.logger.warn({ dir: deps.web.dir }, 'workbench build not found: /m/ and /console/ are not served (npm run build)');
    app.use(web.middleware);
  }
  indexRoutes(open);
  indexRoutes(api);
  app.use(open.routes());
  app.use(open.allowedMethods());
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
