import { hash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installCodeCache, type CodeCacheStats } from '../../src/boot/code-cache';
import { packCodeCache, unpackCodeCache } from '../../src/boot/code-cache-file';

/** What a.js reports of itself and of what it was given: each as under Node's own compile. */
interface Fixture {
  b: number;
  filename: string;
  dirname: string;
  thisIsExports: boolean;
  resolved: string;
  lookupPaths: boolean;
  cache: boolean;
  extensions: boolean;
  esmOnly: string;
  bang: string;
  late: () => Promise<string>;
  badResolve: () => unknown;
  fail: () => never;
}

const A = `const b = require('./b');
module.exports = {
  b,
  filename: __filename,
  dirname: __dirname,
  thisIsExports: this === exports,
  resolved: require.resolve('./b'),
  lookupPaths: Array.isArray(require.resolve.paths('some-package')),
  cache: require.cache === require('node:module')._cache,
  extensions: require.extensions === require('node:module')._extensions,
  esmOnly: require('esm-only').word,
  bang: require('./bang'),
  late: require('./dyn'),
  badResolve: () => require.resolve(42),
  fail: require('./c').fail,
};
`;

function fixture(): { dir: string; cacheFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  writeFileSync(join(dir, 'a.js'), A);
  writeFileSync(join(dir, 'b.js'), 'module.exports = 1;\n');
  writeFileSync(join(dir, 'c.js'), '"use strict";\n\nexports.fail = () => {\n  throw new Error("from c");\n};\n');
  writeFileSync(join(dir, 'bang.js'), '#!/usr/bin/env node\nmodule.exports = "bang";\n');
  writeFileSync(join(dir, 'dyn.js'), 'module.exports = () => import("./late.mjs").then((m) => m.default);\n');
  writeFileSync(join(dir, 'late.mjs'), 'export default "late";\n');
  writeFileSync(join(dir, 'broken.js'), 'module.exports = ;\n');
  mkdirSync(join(dir, 'node_modules/esm-only'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/esm-only/package.json'), '{ "type": "module", "main": "index.js" }');
  writeFileSync(join(dir, 'node_modules/esm-only/index.js'), 'export const word = "esm";\n');
  return { dir, cacheFile: join(dir, 'cache', 'modules.v8cache') };
}

/** Loads `request` from `dir` afresh (as a new process would) with the cache in `cacheFile` installed. */
function load<T = Fixture>(dir: string, cacheFile: string, request = './a') {
  const require = createRequire(join(dir, 'entry.js'));
  for (const path of Object.keys(require.cache)) if (path.startsWith(dir)) delete require.cache[path];
  const cache = installCodeCache(cacheFile);
  try {
    return { cache, exports: require(request) as T };
  } finally {
    cache.uninstall();
  }
}

async function expectLoadedRight(dir: string, a: Fixture, b = 1): Promise<void> {
  expect(a.b).toBe(b);
  expect(a.filename).toBe(join(dir, 'a.js'));
  expect(a.dirname).toBe(dir);
  expect(a.thisIsExports).toBe(true);
  expect(a.resolved).toBe(join(dir, 'b.js'));
  expect(a.lookupPaths).toBe(true);
  expect(a.cache).toBe(true);
  expect(a.extensions).toBe(true);
  expect(a.esmOnly).toBe('esm');
  expect(a.bang).toBe('bang');
  await expect(a.late()).resolves.toBe('late');
  expect(a.badResolve).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  // The wrapper keeps the module's lines, so a stack trace points where it always did.
  expect(a.fail).toThrow(expect.objectContaining({ stack: expect.stringContaining(`${join(dir, 'c.js')}:4:`) }));
}

const counts = (s: CodeCacheStats) => ({ fromCache: s.fromCache, compiled: s.compiled, refused: s.refused });

describe('code cache (boot/code-cache.ts)', () => {
  it('when modules load through it, then each gets what Node gives it: require, resolve, its names, this, import() and require of ES modules', async () => {
    const { dir, cacheFile } = fixture();
    const { cache, exports } = load(dir, cacheFile);
    await expectLoadedRight(dir, exports);
    // a, b and c compiled here; the shebang file, the one with import() and the ES module went to Node's own compile.
    expect(counts(cache.stats)).toEqual({ fromCache: 0, compiled: 3, refused: 0 });
    expect(cache.stats.passedOn).toBeGreaterThanOrEqual(3);
  });

  it('when the cache was saved, then the next load takes every module from it, runs the same, and has nothing to save', async () => {
    const { dir, cacheFile } = fixture();
    const first = load(dir, cacheFile);
    await first.exports.late();
    expect(first.cache.save()).toBe(true);
    expect([...unpackCodeCache(readFileSync(cacheFile)).keys()].sort()).toEqual(['a.js', 'b.js', 'c.js'].map((f) => join(dir, f)));
    expect(readdirSync(join(dir, 'cache'))).toEqual(['modules.v8cache']);

    const second = load(dir, cacheFile);
    await expectLoadedRight(dir, second.exports);
    expect(counts(second.cache.stats)).toEqual({ fromCache: 3, compiled: 0, refused: 0 });
    expect(second.cache.save()).toBe(false);
  });

  it('when a file changed to a source of the same length, then it is compiled again and runs its new code', async () => {
    const { dir, cacheFile } = fixture();
    load(dir, cacheFile).cache.save();
    // V8 checks only the length; the source hash is what catches this.
    writeFileSync(join(dir, 'b.js'), 'module.exports = 2;\n');
    const { cache, exports } = load(dir, cacheFile);
    await expectLoadedRight(dir, exports, 2);
    expect(counts(cache.stats)).toEqual({ fromCache: 2, compiled: 1, refused: 0 });
    expect(cache.save()).toBe(true);
    expect(counts(load(dir, cacheFile).cache.stats)).toEqual({ fromCache: 3, compiled: 0, refused: 0 });
  });

  it('when the file is damaged or cut, then nothing of it is used, modules compile from source, and the next save repairs it', async () => {
    const { dir, cacheFile } = fixture();
    load(dir, cacheFile).cache.save();
    const good = readFileSync(cacheFile);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 100] ^= 0xff;
    for (const bad of [damaged, good.subarray(0, good.length - 1), good.subarray(0, 20), Buffer.from('not a cache')]) {
      writeFileSync(cacheFile, bad);
      const { cache, exports } = load(dir, cacheFile);
      await expectLoadedRight(dir, exports);
      expect(counts(cache.stats)).toEqual({ fromCache: 0, compiled: 3, refused: 0 });
    }
    const { cache } = load(dir, cacheFile);
    expect(cache.save()).toBe(true);
    expect(unpackCodeCache(readFileSync(cacheFile)).size).toBe(3);
  });

  it('when V8 refuses an entry (the code of another source under the right hash), then that module compiles from source and runs right', async () => {
    const { dir, cacheFile } = fixture();
    load(dir, cacheFile).cache.save();
    // A source this process has not compiled yet: V8's in-process compilation cache would answer for a known one.
    const source = 'module.exports = 1; // refused\n';
    writeFileSync(join(dir, 'b.js'), source);
    const entries = unpackCodeCache(readFileSync(cacheFile));
    const forged = [...entries.values()].map((e) =>
      e.file === join(dir, 'b.js') ? { ...e, sourceHash: hash('sha256', source, 'base64'), data: entries.get(join(dir, 'a.js'))!.data } : e,
    );
    writeFileSync(cacheFile, packCodeCache(forged));
    const { cache, exports } = load(dir, cacheFile);
    await expectLoadedRight(dir, exports);
    expect(counts(cache.stats)).toEqual({ fromCache: 2, compiled: 1, refused: 1 });
  });

  it('when a module does not compile, then the error is the one Node gives without the cache', () => {
    const { dir, cacheFile } = fixture();
    const withoutCache = (() => {
      try {
        createRequire(join(dir, 'entry.js'))('./broken');
      } catch (err) {
        return err as Error;
      }
    })();
    expect(withoutCache).toBeInstanceOf(SyntaxError);
    expect(() => load(dir, cacheFile, './broken')).toThrow(withoutCache!.message);
    expect(() => load(dir, cacheFile, './broken')).toThrow(SyntaxError);
  });

  it('when it is saved again, then entries of modules this process did not load stay, and entries of deleted files go', () => {
    const { dir, cacheFile } = fixture();
    const names = () => [...unpackCodeCache(readFileSync(cacheFile)).keys()].map((p) => p.slice(dir.length + 1)).sort();
    writeFileSync(join(dir, 'other.js'), 'module.exports = "other";\n');
    writeFileSync(join(dir, 'gone.js'), 'module.exports = "gone";\n');
    expect(load(dir, cacheFile, './other').cache.save()).toBe(true);
    expect(load(dir, cacheFile, './gone').cache.save()).toBe(true);
    expect(load(dir, cacheFile).cache.save()).toBe(true);
    expect(names()).toEqual(['a.js', 'b.js', 'c.js', 'gone.js', 'other.js']);

    rmSync(join(dir, 'gone.js'));
    writeFileSync(join(dir, 'b.js'), 'module.exports = 3;\n');
    const { cache, exports } = load(dir, cacheFile);
    expect(exports.b).toBe(3);
    expect(cache.save()).toBe(true);
    expect(names()).toEqual(['a.js', 'b.js', 'c.js', 'other.js']);
  });

  it('when the cache cannot be written, then save says so and leaves nothing behind', () => {
    const { dir } = fixture();
    writeFileSync(join(dir, 'a-file'), '');
    const cacheFile = join(dir, 'a-file', 'modules.v8cache');
    const { cache } = load(dir, cacheFile);
    expect(cache.save()).toBe(false);
    expect(existsSync(cacheFile)).toBe(false);
  });

  it('when it is uninstalled, then Node compiles as before', () => {
    const original = (Module.prototype as unknown as { _compile: unknown })._compile;
    const { dir, cacheFile } = fixture();
    load(dir, cacheFile);
    expect((Module.prototype as unknown as { _compile: unknown })._compile).toBe(original);
  });
});

describe('code cache file (boot/code-cache-file.ts)', () => {
  const entries = [
    { file: '/app/a.js', sourceHash: 'ha', data: Buffer.from([1, 2, 3]) },
    { file: '/app/b.js', sourceHash: 'hb', data: Buffer.from([4, 5]) },
  ];

  it('when entries are packed, then they unpack as they were', () => {
    const back = unpackCodeCache(packCodeCache(entries));
    expect([...back.values()].map((e) => ({ ...e, data: [...e.data] }))).toEqual(entries.map((e) => ({ ...e, data: [...e.data] })));
  });

  it('when the file is of another runtime, cut, overlong, damaged or forged, then unpacking throws', () => {
    const file = packCodeCache(entries);
    expect(() => unpackCodeCache(packCodeCache(entries, 'node v0.0.0 v8 0 x64'))).toThrow(/another runtime/);
    expect(() => unpackCodeCache(file.subarray(0, file.length - 1))).toThrow(/cut short/);
    expect(() => unpackCodeCache(Buffer.concat([file, Buffer.from([0])]))).toThrow(/cut short or overlong/);
    const damaged = Buffer.from(file);
    damaged[damaged.length - 1] ^= 1;
    expect(() => unpackCodeCache(damaged)).toThrow(/checksum/);
    expect(() => unpackCodeCache(file.subarray(0, 10))).toThrow();
    expect(() => unpackCodeCache(Buffer.from('FBNLPM01'))).toThrow(/not a code cache/);
    const forged = (header: unknown) => {
      const head = Buffer.from(JSON.stringify(header));
      const prefix = Buffer.alloc(12);
      prefix.write('FBCODE01', 'latin1');
      prefix.writeUInt32LE(head.length, 8);
      return Buffer.concat([prefix, head]);
    };
    const runtime = `node ${process.version} v8 ${process.versions.v8} ${process.arch}`;
    expect(() => unpackCodeCache(forged({ runtime, crc32: 0, entries: [{ file: '/x', sourceHash: 'h', length: -1 }] }))).toThrow(
      /malformed/,
    );
    expect(() => unpackCodeCache(forged({ runtime, crc32: 0, entries: 'all' }))).toThrow(/malformed/);
  });
});
