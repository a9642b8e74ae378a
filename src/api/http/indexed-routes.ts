import type Router from '@koa/router';
import type { Layer } from '@koa/router';

/** A first path segment that is plain text (no parameter, wildcard, group or escape). */
const STATIC_SEGMENT = /^[a-z0-9_.~-]+$/;

interface RouteIndex {
  /** The stack's length when the index was built: a route added later rebuilds it. */
  size: number;
  /** Layers that may match whatever the first segment is (middleware, a parameter first). */
  always: Layer[];
  /** For each static first segment: its layers and the `always` ones, in the stack's order. */
  bySegment: Map<string, Layer[]>;
}

/**
 * Makes `router` test a request only against the layers that can match its first path segment
 * after the router's prefix, and those that match any segment (middleware, a parameter first), in
 * the order they were registered. @koa/router otherwise tests every layer's regexp on every request
 * and logs each test through `debug`, whose arguments are built even when logging is off: with the
 * API's ~170 routes that was a fifth of what a short request allocated, and the young-generation
 * collections that garbage causes made the stock request's p99 tail (bench:ledger heap profile and
 * --trace-gc, 2026-12-06).
 *
 * The index only narrows: each remaining layer still tests its own regexp, so a request matches
 * exactly what it matched before. Segments are compared in lower case (the routes are not case
 * sensitive), which can only keep a layer, never drop one that would match.
 */
export function indexRoutes(router: Router): void {
  const prefix = (router.opts.prefix ?? '').toLowerCase();

  /** The first segment after the prefix, lower case; null when the path does not continue past the prefix with a '/'. */
  const firstSegment = (path: string): string | null => {
    const p = path.toLowerCase();
    if (!p.startsWith(prefix) || p.charAt(prefix.length) !== '/') return null;
    const end = p.indexOf('/', prefix.length + 1);
    return p.slice(prefix.length + 1, end === -1 ? undefined : end);
  };

  let index: RouteIndex | null = null;
  const build = (): RouteIndex => {
    const keyed = router.stack.map((layer) => {
      const segment = typeof layer.path === 'string' ? firstSegment(layer.path) : null;
      return { layer, segment: segment !== null && STATIC_SEGMENT.test(segment) ? segment : null };
    });
    const bySegment = new Map<string, Layer[]>();
    for (const { segment } of keyed) {
      if (segment !== null && !bySegment.has(segment)) {
        bySegment.set(
          segment,
          keyed.filter((k) => k.segment === null || k.segment === segment).map((k) => k.layer),
        );
      }
    }
    return { size: router.stack.length, always: keyed.filter((k) => k.segment === null).map((k) => k.layer), bySegment };
  };

  router.match = (path, method) => {
    if (index?.size !== router.stack.length) index = build();
    const segment = firstSegment(path);
    const candidates = (segment !== null && index.bySegment.get(segment)) || index.always;
    // The loop of @koa/router's own match, over the candidates only.
    const result: ReturnType<Router['match']> = { path: [], pathAndMethod: [], route: false };
    const upper = method.toUpperCase();
    for (const layer of candidates) {
      if (!layer.match(path)) continue;
      result.path.push(layer);
      if (layer.methods.length === 0 || layer.methods.includes(upper)) {
        result.pathAndMethod.push(layer);
        if (layer.methods.length > 0) result.route = true;
      }
    }
    return result;
  };
}
