import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementName } from '../../src/domain/db/pg-prepared';
import { openTestDb, onPostgres } from '../helpers/test-db';

// PostgreSQL only: SQLite's driver keeps its own statement cache.
describe.skipIf(!onPostgres)('named prepared statements on PostgreSQL', () => {
  const REPLAN_MS = 1_500;
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    // One connection: the temporary table and the prepared statements below live on it.
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
    // Starts a fresh interval: the statement after a due interval drops the plans and restarts it.
    await sleep(REPLAN_MS + 50);
    await db.ds.query('SELECT 1');
    await db.ds.query('CREATE TEMPORARY TABLE plan_probe (id serial PRIMARY KEY, k integer NOT NULL)');
    await db.ds.query('CREATE INDEX plan_probe_k ON plan_probe (k)');
    await db.ds.query('INSERT INTO plan_probe (k) SELECT g FROM generate_series(1, 10) g');
    await db.ds.query('ANALYZE plan_probe');
    const text = 'SELECT "id" FROM plan_probe WHERE "k" = $1';
    // Past five executions PostgreSQL keeps the generic plan, made for a ten-row table.
    for (let i = 0; i < 8; i++) await db.ds.query(text, [i]);
    const name = statementName(text);
    expect(name).not.toBeNull();
    const plan = async () => {
      const rows: Array<{ 'QUERY PLAN': string }> = await db.ds.query(`EXPLAIN EXECUTE ${name}(7)`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    // The table grows and is not analysed (autovacuum off or behind): the kept plan still scans it all.
    await db.ds.query('INSERT INTO plan_probe (k) SELECT g % 1000 FROM generate_series(1, 100000) g');
    expect(await plan()).toMatch(/Seq Scan on plan_probe/);

    await sleep(REPLAN_MS + 50);
    const replanned = await plan();
    expect(replanned).toMatch(/Index Scan using plan_probe_k|Bitmap Index Scan on plan_probe_k/);
    expect(replanned).not.toMatch(/Seq Scan/);
  });
});
