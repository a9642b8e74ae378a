import Router from '@koa/router';
import { describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src/api/http/indexed-routes';

// Route shapes of the API and of what a plugin may add: static paths, parameters, a parameter or a
// wildcard first, optional groups, middleware with and without a path.
const ROUTES: Array<['get' | 'post' | 'patch' | 'delete', string]> = [
  ['get', '/me'],
  ['post', '/bot/messages'],
  ['post', '/bot/buttons'],
  ['get', '/stock'],
  ['get', '/units/:code/stock'],
  ['patch', '/users/:id'],
  ['delete', '/users/:id'],
  ['get', '/applications'],
  ['post', '/applications/:id/approve'],
  ['get', '/reports/ledger.xlsx'],
  ['get', '/:kind/summary'],
  ['get', '/files/*rest'],
  ['get', '/tickets{/:id}'],
];

const REQUESTS = [
  '/api/v1/me',
  '/api/v1/ME',
  '/API/V1/bot/messages',
  '/api/v1/bot/messages/',
  '/api/v1/bot',
  '/api/v1/bot/buttons',
  '/api/v1/stock',
  '/api/v1/units/H2/stock',
  '/api/v1/Units/H2/stock',
  '/api/v1/users/7',
  '/api/v1/users',
  '/api/v1/applications/12/approve',
  '/api/v1/reports/ledger.xlsx',
  '/api/v1/weekly/summary',
  '/api/v1/units/summary',
  '/api/v1/files/a/b/c',
  '/api/v1/tickets',
  '/api/v1/tickets/5',
  '/api/v1/nothing-here',
  '/api/v1//bot/messages',
  '/api/v1',
  '/api/v1/',
  '/api/v2/me',
  '/other',
  '/',
];

/** A router with the routes above and middleware before, between and after them. */
function makeRouter(): Router {
  const r = new Router({ prefix: '/api/v1' });
  r.use(async (_ctx, next) => next());
  ROUTES.forEach(([method, path], i) => {
    r[method](path, async () => undefined);
    if (i === 4) r.use('/users', async (_ctx, next) => next());
  });
  r.use(async (_ctx, next) => next());
  return r;
}

/** What a match found, by each layer's position in the stack. */
function summary(router: Router, path: string, method: string) {
  const m = router.match(path, method);
  const at = (layers: typeof m.path) => layers.map((l) => router.stack.indexOf(l));
  return { path: at(m.path), pathAndMethod: at(m.pathAndMethod), route: m.route };
}

describe('indexRoutes: a request is tested only against the routes its first segment can reach', () => {
  it('when any request is matched, then the indexed router finds exactly the layers, in the order, that the plain router finds', () => {
    const plain = makeRouter();
    const indexed = makeRouter();
    indexRoutes(indexed);
    let matched = 0;
    for (const path of REQUESTS) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get']) {
        const want = summary(plain, path, method);
        expect(summary(indexed, path, method), `${method} ${path}`).toEqual(want);
        if (want.route) matched++;
      }
    }
    // The comparison covers real matches, not only misses.
    expect(matched).toBeGreaterThan(20);
  });

  it('when a route is added after the first request, then it is found (the index is rebuilt)', () => {
    const indexed = makeRouter();
    indexRoutes(indexed);
    expect(indexed.match('/api/v1/late/route', 'GET').route).toBe(false);
    indexed.get('/late/route', async () => undefined);
    expect(indexed.match('/api/v1/late/route', 'GET').route).toBe(true);
  });

  it('when a request is routed, then only the layers of its first segment and those of every path test their regexp', () => {
    const indexed = makeRouter();
    indexRoutes(indexed);
    const tested: string[] = [];
    for (const layer of indexed.stack) {
      const own = layer.match.bind(layer);
      layer.match = (path: string) => {
        tested.push(String(layer.path));
        return own(path);
      };
    }
    expect(indexed.match('/api/v1/bot/messages', 'POST').route).toBe(true);
    // The two bot routes; the two middleware of every path, the parameter-first route and the one whose
    // first segment has an optional group (tickets{/:id} is kept for every request: it cannot be keyed).
    expect(tested.filter((p) => p.includes('bot'))).toEqual(['/api/v1/bot/messages', '/api/v1/bot/buttons']);
    expect(tested.length).toBe(6);
    tested.length = 0;
    const m = indexed.match('/api/v1/nothing-here', 'GET');
    expect(m.route).toBe(false);
    expect(tested.length).toBe(4);
    expect(indexed.stack.length).toBe(ROUTES.length + 3);
  });
});
