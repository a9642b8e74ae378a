import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKbFiles } from '../../src/bot/nlp/kb-corpus';
import { makeKbParseCache } from '../../src/bot/nlp/kb-parse-cache';

const setup = () => {
  const root = mkdtempSync(join(tmpdir(), 'kb-parse-'));
  const kb = join(root, 'kb');
  mkdirSync(kb);
  writeFileSync(join(kb, 'a.yml'), 'area: a\nitems: [核销, 申领]\n');
  writeFileSync(join(kb, 'b.yml'), 'area: b\ncount: 3\n');
  return { kb, cacheFile: join(root, 'models', 'kb-parsed.json') };
};
const stored = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { format: string; entries: Record<string, unknown> };

describe('parsed knowledge-base cache (kb-parse-cache.ts)', () => {
  it('when the files are read, then the cache holds each parse by its text, and a later read takes them from it', () => {
    const { kb, cacheFile } = setup();
    const first = readKbFiles(kb, makeKbParseCache(cacheFile));
    expect(first.map((f) => f.data)).toEqual([
      { area: 'a', items: ['核销', '申领'] },
      { area: 'b', count: 3 },
    ]);
    const entries = stored(cacheFile).entries;
    expect(Object.values(entries)).toHaveLength(2);

    // A forged entry for a.yml's text proves the next read comes from the cache, not from js-yaml.
    const key = Object.keys(entries).find((k) => (entries[k] as { area: string }).area === 'a')!;
    writeFileSync(cacheFile, JSON.stringify({ format: stored(cacheFile).format, entries: { ...entries, [key]: { area: 'from-cache' } } }));
    const second = readKbFiles(kb, makeKbParseCache(cacheFile));
    expect(second[0].data).toEqual({ area: 'from-cache' });
    expect(second[0].text).toBe('area: a\nitems: [核销, 申领]\n');
  });

  it('when a file changes, then it is parsed again and the cache keeps only the texts on disk', () => {
    const { kb, cacheFile } = setup();
    const cache = makeKbParseCache(cacheFile);
    readKbFiles(kb, cache);
    const before = Object.keys(stored(cacheFile).entries);
    writeFileSync(join(kb, 'b.yml'), 'area: b\ncount: 4\n');
    expect(readKbFiles(kb, cache)[1].data).toEqual({ area: 'b', count: 4 });
    const after = stored(cacheFile).entries;
    expect(Object.keys(after)).toHaveLength(2);
    expect(Object.keys(after).filter((k) => before.includes(k))).toHaveLength(1);
    expect(Object.values(after)).toContainEqual({ area: 'b', count: 4 });
  });

  it('when a caller changes the data it was given, then the next read still gets the file as written', () => {
    const { kb, cacheFile } = setup();
    readKbFiles(kb, makeKbParseCache(cacheFile));
    const cache = makeKbParseCache(cacheFile);
    const first = readKbFiles(kb, cache);
    (first[0].data as { items: string[] }).items.push('改过');
    expect(readKbFiles(kb, cache)[0].data).toEqual({ area: 'a', items: ['核销', '申领'] });
  });

  it('when the YAML holds a value JSON cannot keep (.nan), then that file is parsed every time and never cached', () => {
    const { kb, cacheFile } = setup();
    writeFileSync(join(kb, 'b.yml'), 'area: b\nratio: .nan\n');
    const files = readKbFiles(kb, makeKbParseCache(cacheFile));
    expect((files[1].data as { ratio: unknown }).ratio).toBeNaN();
    expect(Object.values(stored(cacheFile).entries)).toEqual([{ area: 'a', items: ['核销', '申领'] }]);
    expect((readKbFiles(kb, makeKbParseCache(cacheFile))[1].data as { ratio: unknown }).ratio).toBeNaN();
  });

  it.each([
    ['not JSON', '{"format": "kb-yaml'],
    ['of another format', JSON.stringify({ format: 'kb-yaml-v0', entries: { x: 1 } })],
  ])('when the cache file is %s, then every file is parsed and a sound cache is written', (_what, content) => {
    const { kb, cacheFile } = setup();
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    writeFileSync(cacheFile, content);
    expect(readKbFiles(kb, makeKbParseCache(cacheFile)).map((f) => f.data)).toEqual([
      { area: 'a', items: ['核销', '申领'] },
      { area: 'b', count: 3 },
    ]);
    expect(Object.values(stored(cacheFile).entries)).toHaveLength(2);
  });

  it('when a file does not parse, then the error is js-yaml’s, as without the cache', () => {
    const { kb, cacheFile } = setup();
    writeFileSync(join(kb, 'b.yml'), 'area: [b\n');
    expect(() => readKbFiles(kb, makeKbParseCache(cacheFile))).toThrow(/b\.yml/);
  });

  it('when the cache cannot be written (its directory is a file), then the files are still read and parsed', () => {
    const { kb } = setup();
    const blocked = join(kb, 'a.yml', 'kb-parsed.json');
    expect(readKbFiles(kb, makeKbParseCache(blocked)).map((f) => f.data)).toEqual([
      { area: 'a', items: ['核销', '申领'] },
      { area: 'b', count: 3 },
    ]);
  });
});
