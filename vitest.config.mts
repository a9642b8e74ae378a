import { defineConfig } from 'vitest/config';

// One fork per file keeps TypeORM metadata and SQLite handles isolated; two cores here.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
