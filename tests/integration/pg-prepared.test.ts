import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, onPostgres } from '../helpers/test-db';

// PostgreSQL only: SQLite's driver keeps its own statement cache.
describe.skipIf(!onPostgres)('named prepared statements on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('when a parameterised statement is sent again on a connection, then it is prepared there once and planned for each execution', async () => {
    const text = 'SELECT "code" FROM "bill_type" WHERE "id" = $1 AND "active" = $2';
    const prepared = await db.ds.transaction(async (em) => {
      for (let i = 0; i < 4; i++) await em.query(text, [i, true]);
      const statements: Array<{ statement: string }> = await em.query('SELECT "statement" FROM pg_prepared_statements');
      const [mode]: Array<{ plan_cache_mode: string }> = await em.query('SHOW plan_cache_mode');
      return { statements: statements.map((s) => s.statement), mode: mode.plan_cache_mode };
    });
    expect(prepared.statements.filter((s) => s === text)).toHaveLength(1);
    // A generic plan made while the tables were small would outlive their growth (pg-prepared.ts).
    expect(prepared.mode).toBe('force_custom_plan');
  });
});
