import { defineConfig } from 'vitest/config';

// One fork per file keeps TypeORM metadata and SQLite handles isolated; two cores here.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds dist/web when missing or older than web/ (the browser tests drive the real build).
    globalSetup: ['tests/browser/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
