import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/test-db';
import { startTestSystem } from '../helpers/test-app';

// Each test file runs in a fork of its own (vitest.config.ts), so the module cache is this file's.
describe.skipIf(onPostgres)('the embedded default loads no PostgreSQL driver', () => {
  it('when the system and its HTTP app are built on SQLite, then pg was never loaded', async () => {
    const started = await startTestSystem();
    try {
      await started.system.app();
      const loaded = Object.keys(createRequire(__filename).cache);
      expect(loaded.some((path) => path.includes('/node_modules/typeorm/'))).toBe(true);
      expect(loaded.filter((path) => /\/node_modules\/pg(-[a-z]+)?\//.test(path))).toEqual([]);
    } finally {
      await started.close();
    }
  });
});
