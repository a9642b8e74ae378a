import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/domain/db/data-source';
import { onPostgres, testDbUrl } from './test-db';

/** Two DataSources on one database: a file for SQLite (WAL), one schema for PostgreSQL. */
export async function twoConnections(): Promise<{ a: DataSource; b: DataSource; close: () => Promise<void> }> {
  if (!onPostgres) {
    const dir = mkdtempSync(join(tmpdir(), 'two-processes-'));
    const url = `sqlite:${join(dir, 'shared.sqlite')}`;
    const a = await openDatabase(url);
    const b = await openDatabase(url);
    return {
      a,
      b,
      close: async () => {
        await a.destroy();
        await b.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url: testDbUrl }).initialize();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.destroy();
  const a = await openDatabase(testDbUrl, { schema });
  const b = await openDatabase(testDbUrl, { schema });
  return {
    a,
    b,
    close: async () => {
      await a.query(`DROP SCHEMA "${schema}" CASCADE`);
      await a.destroy();
      await b.destroy();
    },
  };
}
