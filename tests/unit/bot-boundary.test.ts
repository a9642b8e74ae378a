import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Beside the lint rule's import boundaries (eslint.config.mjs), this scan also sees import() and require().
const root = join(__dirname, '../..');
const tsFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
/** Every module specifier of a file (imports, type imports, re-exports, import(), require()). */
const specifiers = (file: string): string[] => {
  const text = readFileSync(join(root, file), 'utf8');
  return [
    ...[...text.matchAll(/\bfrom\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]),
    ...[...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]),
  ];
};
const resolvesInto = (file: string, spec: string, dir: string) =>
  spec.startsWith('.') && !relative(join(root, dir), join(root, file, '..', spec)).startsWith('..');
/** `file: spec` for every import of a file under `from` that resolves into `into` (or names a package in `packages`). */
const imports = (from: string, into: string[], packages: RegExp = /^$/) =>
  tsFiles(from).flatMap((f) =>
    specifiers(f)
      .filter((s) => into.some((d) => resolvesInto(f, s, d)) || packages.test(s))
      .map((s) => `${f}: ${s}`),
  );

describe('the bot reaches data and HTTP only through ports', () => {
  it('when src/api is scanned, then nothing imports src/bot (types included)', () => {
    expect(imports('src/api', ['src/bot'])).toEqual([]);
  });

  it('when src/bot is scanned, then nothing imports src/api, TypeORM, entities or the database module', () => {
    expect(imports('src/bot', ['src/api', 'src/domain/db'], /^typeorm$/)).toEqual([]);
    // Entity types are fine (the views services return); a value import would let the bot build a query.
    const entityValues = tsFiles('src/bot').flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+\.entity)'/gms)].map(
        (m) => `${f}: ${m[1]}`,
      ),
    );
    expect(entityValues).toEqual([]);
  });

  it('when src/bot/dialog is scanned, then nothing imports a channel', () => {
    expect(imports('src/bot/dialog', ['src/bot/channels'])).toEqual([]);
  });
});
