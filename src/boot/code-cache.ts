import { hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { packCodeCache, unpackCodeCache, type CodeCacheEntry } from './code-cache-file';

/**
 * A compile cache for the CommonJS modules a process loads, for Node 20, which has none of its own
 * (`module.enableCompileCache` came in Node 22.1). A start loads about 1,270 modules, and compiling them
 * was a fifth of its CPU; with V8's code from the last run, compiling is a lookup.
 *
 * It replaces `Module.prototype._compile` for CommonJS files and does what Node's own does with them:
 * wrap the source, compile it (with the cached code when the source's hash matches), and call the
 * wrapper with `exports, require, module, __filename, __dirname`. Whatever it does not handle goes to
 * Node's own unchanged: ES modules, files other than .js/.cjs, the entry module, sources with `import(`,
 * and any source that does not compile as a CommonJS function (Node then detects ES syntax or reports the
 * error as it always has).
 *
 * Code is saved at exit, made after the run (`createCachedData`), so it holds the functions the run
 * compiled lazily as well; a process that ran entirely from the cache writes nothing.
 */

/** Where the cache is kept unless CODE_CACHE_DIR says otherwise (relative to the working directory, like the data). */
export const DEFAULT_CODE_CACHE_DIR = 'data/code-cache';

export interface CodeCacheStats {
  /** Modules whose code came from the cache. */
  fromCache: number;
  /** Modules compiled from source: not in the cache, changed since, or refused by V8. */
  compiled: number;
  /** Of those, modules whose cached code V8 refused (another set of V8 flags, say). */
  refused: number;
  /** Modules left to Node's own compile (see above). */
  passedOn: number;
}

export interface CodeCache {
  readonly file: string;
  readonly stats: CodeCacheStats;
  /** Writes the code of the modules compiled from source since the last save; false when there were none or the write failed. */
  save(): boolean;
  /** Puts Node's own compile back (modules already loaded keep their code). */
  uninstall(): void;
}

type Wrapper = (this: unknown, exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
type Compile = (this: Module, content: string, filename: string, format?: string) => unknown;
/** The loader's long-standing hooks (the same ones Node's own require function is built from). */
interface Loader {
  prototype: { _compile: Compile };
  wrap(source: string): string;
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeJS.Module>;
}
const loader = Module as unknown as Loader;

const DYNAMIC_IMPORT = /\bimport\s*\(/;

function notAString(name: string, value: unknown): TypeError {
  const err = new TypeError(`The "${name}" argument must be of type string. Received ${typeof value}`);
  (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

/** The `require` a module is given: as Node's own makes it (lib/internal/modules/helpers.js). */
function makeRequire(mod: Module): NodeJS.Require {
  const require = function require(id: string): unknown {
    return mod.require(id) as unknown;
  } as NodeJS.Require;
  const resolve = function resolve(request: string, options?: { paths?: string[] }) {
    if (typeof request !== 'string') throw notAString('request', request);
    return loader._resolveFilename(request, mod, false, options);
  } as NodeJS.RequireResolve;
  resolve.paths = function paths(request: string) {
    if (typeof request !== 'string') throw notAString('request', request);
    return loader._resolveLookupPaths(request, mod);
  };
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = loader._extensions;
  require.cache = loader._cache;
  return require;
}

function readEntries(file: string): Map<string, CodeCacheEntry> {
  try {
    return unpackCodeCache(readFileSync(file));
  } catch {
    // Missing (first start), another runtime's or damaged: compile from source; the next save replaces it.
    return new Map();
  }
}

/** Installs the cache kept in `file` (read now, written by save()). */
export function installCodeCache(file: string): CodeCache {
  const original = loader.prototype._compile;
  let stored = readEntries(file);
  const stats: CodeCacheStats = { fromCache: 0, compiled: 0, refused: 0, passedOn: 0 };
  /** Modules compiled from source in this process, whose code save() is to write. */
  const fresh = new Map<string, { script: Script; sourceHash: string }>();

  function compile(content: string, filename: string): Wrapper | null {
    // import() in a vm.Script needs an experimental option on Node 20; the few such modules keep Node's compile.
    if (DYNAMIC_IMPORT.test(content)) return null;
    const sourceHash = hash('sha256', content, 'base64');
    const entry = stored.get(filename);
    const cachedData = entry?.sourceHash === sourceHash ? entry.data : undefined;
    let script: Script;
    try {
      script = new Script(loader.wrap(content), { filename, cachedData });
    } catch {
      return null;
    }
    if (cachedData && !script.cachedDataRejected) {
      stats.fromCache++;
    } else {
      stats.compiled++;
      if (cachedData) stats.refused++;
      fresh.set(filename, { script, sourceHash });
    }
    return script.runInThisContext({ displayErrors: true }) as Wrapper;
  }

  loader.prototype._compile = function (this: Module, content, filename, format) {
    const wrapper = format !== 'module' && /\.c?js$/.test(filename) && this !== process.mainModule ? compile(content, filename) : null;
    if (!wrapper) {
      stats.passedOn++;
      return original.call(this, content, filename, format);
    }
    return wrapper.call(this.exports, this.exports, makeRequire(this), this, filename, dirname(filename));
  };

  return {
    file,
    stats,
    save() {
      if (fresh.size === 0) return false;
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        const entries = new Map(stored);
        for (const [path, { script, sourceHash }] of fresh) {
          entries.set(path, { file: path, sourceHash, data: script.createCachedData() });
        }
        // Another entry point's modules stay; a module that is gone does not.
        for (const path of entries.keys()) if (!fresh.has(path) && !existsSync(path)) entries.delete(path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(tmp, packCodeCache([...entries.values()]));
        // Whole or not at all: a process starting meanwhile reads the old file or the new one.
        renameSync(tmp, file);
        stored = entries;
        fresh.clear();
        return true;
      } catch {
        // A read-only or full disk costs only the saving: the next start compiles from source again.
        try {
          rmSync(tmp, { force: true });
        } catch {
          // The directory itself is missing or not one: no temporary file was written.
        }
        return false;
      }
    },
    uninstall() {
      loader.prototype._compile = original;
    },
  };
}
