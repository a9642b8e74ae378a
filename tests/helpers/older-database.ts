import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type MigrationInterface } from 'typeorm';
import { makeDataSource, openDatabase } from '../../src/domain/db/data-source';
import { allMigrations } from '../../src/domain/db/migrations';
import { onPostgres, testDbUrl } from './test-db';

/**
 * A database of its own for a migration's test, on the engine the suite runs on (a SQLite file, or
 * a fresh PostgreSQL schema): `older()` brings it up to just before `migration`, for the test to
 * write rows as the old service did; `current()` then runs the remaining migrations as a start would.
 */
export function olderDatabase(migration: new () => MigrationInterface) {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-migration-'));
  const schema = `t_mg_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const url = onPostgres ? testDbUrl : `sqlite:${join(dir, 'old.sqlite')}`;
  const opts = onPostgres ? { schema } : {};
  let ds: DataSource | undefined;
  return {
    async older(): Promise<DataSource> {
      if (onPostgres) {
        const admin = new DataSource({ type: 'postgres', url: testDbUrl });
        await admin.initialize();
        await admin.query(`CREATE SCHEMA "${schema}"`);
        await admin.destroy();
      }
      const old = new DataSource({
        ...(await makeDataSource(url, opts)).options,
        migrations: allMigrations.slice(0, allMigrations.indexOf(migration)),
      });
      await old.initialize();
      await old.runMigrations({ transaction: 'each' });
      return old;
    },
    async current(): Promise<DataSource> {
      ds = await openDatabase(url, opts);
      return ds;
    },
    async drop(): Promise<void> {
      if (onPostgres && ds) await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
      await ds?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
