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

  it('when a named statement runs again, then its rows are converted as the first time, from the shape the connection kept', async () => {
    const runner = db.ds.createQueryRunner();
    await runner.connect();
    try {
      const client = (runner as unknown as { databaseConnection: PreparingClient }).databaseConnection;
      await runner.query(
        'CREATE TEMPORARY TABLE shape_probe (id serial PRIMARY KEY, n bigint NOT NULL, at timestamptz NOT NULL, ok boolean, note text)',
      );
      await runner.query(
        `INSERT INTO shape_probe (n, at, ok, note) VALUES (9007199254740991, '2026-03-02T03:00:00Z', TRUE, NULL), (2, '2026-03-03T03:00:00Z', FALSE, 'b')`,
      );
      const text = 'SELECT "id", "n", "at", "ok", "note" FROM shape_probe WHERE "id" >= $1 ORDER BY "id"';
      const name = statementName(text) ?? statementName(text);
      expect(name).not.toBeNull();
      const runs: Array<Array<Record<string, unknown>>> = [];
      for (let i = 0; i < 3; i++) runs.push(await runner.query(text, [1]));
      // pg's converters as configured: bigint as text, timestamptz as a Date, booleans, NULL.
      const want = [
        { id: 1, n: '9007199254740991', at: new Date('2026-03-02T03:00:00Z'), ok: true, note: null },
        { id: 2, n: '2', at: new Date('2026-03-03T03:00:00Z'), ok: false, note: 'b' },
      ];
      for (const rows of runs) expect(rows).toEqual(want);
      // Every execution has rows of its own (the kept template is copied, never handed out).
      expect(runs[1][0]).not.toBe(runs[2][0]);
      runs[1][0].note = 'changed';
      expect(runs[2][0].note).toBeNull();
      expect(client.shapes.get(name!)?.fields.map((f) => f.name)).toEqual(['id', 'n', 'at', 'ok', 'note']);

      // A kept shape that no longer matches the row description (here, one planted with another
      // column) is not used: the result is built afresh and the new shape kept.
      const kept = client.shapes.get(name!)!;
      client.shapes.set(name!, { ...kept, fields: kept.fields.slice(1) });
      expect(await runner.query(text, [2])).toEqual([want[1]]);
      expect(client.shapes.get(name!)?.fields.map((f) => f.name)).toEqual(['id', 'n', 'at', 'ok', 'note']);
    } finally {
      await runner.release();
    }
  });

  it('when a named statement fails, then the caller gets the database error, with its own call in the stack', async () => {
    const text = 'SELECT 1 / $1::int AS "x"';
    statementName(text);
    await db.ds.query(text, [1]);
    const failed = await db.ds.query(text, [0]).catch((err: Error) => err);
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toMatch(/division by zero/);
    expect(String((failed as Error).stack)).toMatch(/pg-prepared\.test/);
  });
});
