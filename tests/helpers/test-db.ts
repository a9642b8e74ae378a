import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type DbOptions, openDatabase } from '../../src/domain/db/data-source';

/** The database the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, else in-memory SQLite. */
export const testDbUrl = process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';
export const onPostgres = testDbUrl.startsWith('postgres');

/** Opens a fresh, migrated database; on PostgreSQL each call gets its own schema, dropped by close(). */
export async function openTestDb(opts: DbOptions = {}): Promise<{ ds: DataSource; close: () => Promise<void> }> {
  if (!onPostgres) {
    const ds = await openDatabase('sqlite::memory:');
    return { ds, close: () => ds.destroy() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new DataSource({ type: 'postgres', url: testDbUrl });
  await admin.initialize();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.destroy();
  const ds = await openDatabase(testDbUrl, { ...opts, schema });
  return {
    ds,
    close: async () => {
      await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
      await ds.destroy();
    },
  };
}
