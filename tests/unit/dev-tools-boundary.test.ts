import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const tsFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
/** Every module specifier of a file: static imports and re-exports, import(), require(). */
const specifiers = (file: string): Array<{ spec: string; dynamic: boolean }> => {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [...text.matchAll(/\bfrom\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => ({ spec: m[1] ?? m[2], dynamic: false }));
  found.push(...[...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g)].map((m) => ({ spec: m[1], dynamic: true })));
  return found;
};
const resolvesInto = (file: string, spec: string, dir: string) =>
  spec.startsWith('.') && !relative(join(root, dir), join(root, file, '..', spec)).startsWith('..');

describe('development tools stay out of production code', () => {
  it('when src/ is scanned, then nothing imports tools/ except the DEMO=1 dynamic import at start-up', () => {
    const hits = tsFiles('src').flatMap((f) =>
      specifiers(f)
        .filter((s) => resolvesInto(f, s.spec, 'tools'))
        .map((s) => ({ file: f, ...s })),
    );
    expect(hits).toEqual([{ file: 'src/system.ts', spec: '../tools/demo/demo-data', dynamic: true }]);
  });

  it('when bench/ and tools/ are scanned, then nothing imports tests/', () => {
    const hits = [...tsFiles('bench'), ...tsFiles('tools')].flatMap((f) =>
      specifiers(f)
        .filter((s) => resolvesInto(f, s.spec, 'tests'))
        .map((s) => `${f}: ${s.spec}`),
    );
    expect(hits).toEqual([]);
  });
});
