import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
// The variables the config schema reads (two-space-indented keys of envSchema).
const keys = [...read('src/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);

describe('configuration documentation', () => {
  it('when a variable is added to the config, then .env.example and the README document it', () => {
    expect(keys.length).toBeGreaterThan(20);
    const example = read('.env.example');
    const readme = read('README.md');
    expect(keys.filter((k) => !new RegExp(`^${k}=`, 'm').test(example))).toEqual([]);
    expect(keys.filter((k) => !readme.includes(k))).toEqual([]);
  });
});
