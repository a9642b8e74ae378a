import Module from 'node:module';
import { join, resolve } from 'node:path';
import { DEFAULT_CODE_CACHE_DIR, installCodeCache, type CodeCache } from './code-cache';

/**
 * The first import of each entry point (main.ts, worker-main.ts), so that every module loaded after it
 * goes through the code cache. It reads CODE_CACHE_DIR itself, before config.ts does, because config's
 * own modules (zod's among them) are among those the cache is for; config.ts validates the same setting.
 *
 * `off` keeps Node's own compile, as does --enable-source-maps. On Node 22.1 and later, Node's built-in
 * compile cache is used instead.
 */
function start(setting: string | undefined): CodeCache | 'built-in' | null {
  const dir = resolve(setting?.trim() || DEFAULT_CODE_CACHE_DIR);
  // Node maps stack traces through source maps only for modules it compiled itself.
  if (setting?.trim() === 'off' || process.sourceMapsEnabled) return null;
  const builtIn = (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof builtIn === 'function') {
    builtIn(dir);
    return 'built-in';
  }
  const cache = installCodeCache(join(dir, 'modules.v8cache'));
  process.once('exit', () => cache.save());
  return cache;
}

export const codeCache = start(process.env.CODE_CACHE_DIR);
