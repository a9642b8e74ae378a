import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreparingClient, statementName } from '../../src/domain/db/pg-prepared';
import { openTestDb, onPostgres } from '../helpers/test-db';

// PostgreSQL only: SQLite's driver keeps its own statement cache.
describe.skipIf(!onPostgres)('named prepared statements on PostgreSQL', () => {
  // An hour: within this file the plans fall due only when a test ages them (no timing involved).
  const REPLAN_MS = 3_600_000;
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb({ poolSize: 1, replanEveryMs: REPLAN_MS });
  });
  afterAll(async () => db?.close());

  it('when a parameterised statement is sent again on a connection, then it is prepared there once, under the server default plan mode', async () => {
    const text = 'SELECT "code" FROM "bill_type" WHERE "id" = $1 AND "active" = $2';
    const prepared = await db.ds.transaction(async (em) => {
      for (let i = 0; i < 4; i++) await em.query(text, [i, true]);
      const statements: Array<{ statement: string }> = await em.query('SELECT "statement" FROM pg_prepared_statements');
      const [mode]: Array<{ plan_cache_mode: string }> = await em.query('SHOW plan_cache_mode');
      return { statements: statements.map((s) => s.statement), mode: mode.plan_cache_mode };
    });
    expect(prepared.statements.filter((s) => s === text)).toHaveLength(1);
    expect(prepared.mode).toBe('auto');
  });

  it('when a table grows past the plan its statement was given, then the connection plans it again once the plans are due', async () => {
    // One connection holds the temporary table and the prepared statement.
    const runner = db.ds.createQueryRunner();
    await runner.connect();
    try {
      // TypeORM's runner holds the pool's pg client it took (a PreparingClient, data-source.ts).
      const client = (runner as unknown as { databaseConnection: PreparingClient }).databaseConnection;
      expect(client.replanEveryMs).toBe(REPLAN_MS);
      await runner.query('CREATE TEMPORARY TABLE plan_probe (id serial PRIMARY KEY, k integer NOT NULL)');
      await runner.query('CREATE INDEX plan_probe_k ON plan_probe (k)');
      await runner.query('INSERT INTO plan_probe (k) SELECT g FROM generate_series(1, 10) g');
      await runner.query('ANALYZE plan_probe');
      const text = 'SELECT "id" FROM plan_probe WHERE "k" = $1';
      // Past five executions PostgreSQL keeps the generic plan, made for a ten-row table.
      for (let i = 0; i < 8; i++) await runner.query(text, [i]);
      const name = statementName(text);
      expect(name).not.toBeNull();
      const plan = async () => {
        const rows: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN EXECUTE ${name}(7)`);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      };
      // The table grows and is not analysed (autovacuum off or behind): the kept plan still scans it all.
      await runner.query('INSERT INTO plan_probe (k) SELECT g % 1000 FROM generate_series(1, 100000) g');
      expect(await plan()).toMatch(/Seq Scan on plan_probe/);

      // The plans fall due: the next statement on the connection is preceded by their discard.
      client.plannedSince = Date.now() - REPLAN_MS;
      const replanned = await plan();
      expect(replanned).toMatch(/Index Scan using plan_probe_k|Bitmap Index Scan on plan_probe_k/);
      expect(replanned).not.toMatch(/Seq Scan/);
      expect(client.plannedSince).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await runner.release();
    }
  });
});
