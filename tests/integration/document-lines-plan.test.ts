import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, type Dialect } from '../../src/domain/db/dialect';
import { rangeSql } from '../../src/domain/ledger/range.queries';
import { onPostgres, openTestDb } from '../helpers/test-db';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/**
 * rangeSql.forDocumentLines runs inside every write-off approval. During the 5,000-unit build a plain
 * join of document_line and stock_range let a stale estimate (674 lines for a document of 3) choose a
 * hash join over every row of the bill type: 10 ms a call instead of 0.3. The statement must keep one
 * index range on stock_range per line whatever the planner estimates: these tests give it stale
 * statistics, and then forbid it the nested loop outright, which a plain join obeys and LATERAL cannot.
 */
describe.skipIf(!onPostgres)('the plan of a line document’s stock read on PostgreSQL (forDocumentLines)', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let statement: { text: string; params: unknown[] } | undefined;
  const DOC = 1;

  beforeAll(async () => {
    db = await openTestDb();
    const q = (sql: string) => db.ds.query(sql);
    // One bill type with 20,000 runs in the warehouse, and a document whose lines are analysed at 20,000
    // and then cut to 3, with nothing analysed since: the estimate of a table that changed faster than
    // ANALYZE ran (autovacuum is off for the table, so it cannot run ANALYZE meanwhile).
    await q(`ALTER TABLE "document_line" SET (autovacuum_enabled = false)`);
    await q(
      `INSERT INTO "stock_range" ("billTypeId", "batchCode", "startNo", "endNo", "holder", "unitId", "state", "updatedAt")
       SELECT 7, 'B' || (i % 50), i * 10, i * 10 + 4, 'bureau', NULL, 'IN_STOCK', '2026-03-02T02:00:00.000Z' FROM generate_series(1, 20000) i`,
    );
    await q(
      `INSERT INTO "bill_document" ("id", "docType", "docNo", "billTypeId", "status", "createdBy", "createdAt")
       VALUES (${DOC}, 'writeoff', 'HX${DOC}', 7, 'submitted', 1, '2026-03-02T02:00:00.000Z')`,
    );
    const lines = (n: number) =>
      q(
        `INSERT INTO "document_line" ("documentId", "kind", "batchCode", "startNo", "endNo", "count")
         SELECT ${DOC}, 'used', 'B' || (i % 50), i * 10, i * 10 + 2, 3 FROM generate_series(1, ${n}) i`,
      );
    await lines(600);
    await q(`ANALYZE "document_line"`);
    await q(`ANALYZE "stock_range"`);
    await q(`DELETE FROM "document_line"`);
    await lines(3);

    const real = dialectOf(db.ds);
    const capturing: Dialect = {
      ...real,
      select: (em, text, params) => {
        statement = { text, params };
        return real.select(em, text, params);
      },
    };
    const rows = await rangeSql(db.ds.manager, capturing).forDocumentLines(DOC);
    // Lines 100–102, 200–202 and 300–302 overlap runs 100–104, 200–204 and 300–304; the runs below (90–94, …) end short of them.
    expect(rows.map((r) => `${r.batchCode}:${r.startNo}-${r.endNo}`)).toEqual(['B1:10-14', 'B2:20-24', 'B3:30-34']);
  });
  afterAll(async () => db?.close());

  const explain = async (text: string, params: unknown[]) => {
    const [row] = await db.ds.query<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(`EXPLAIN (FORMAT JSON) ${text}`, params);
    return nodesOf(row['QUERY PLAN'][0].Plan);
  };
  /** Whether a plan reads stock_range only through its index, once per line (a nested loop from the lines). */
  const perLine = (nodes: PlanNode[]) => {
    const onRanges = nodes.filter((n) => n['Relation Name'] === 'stock_range');
    return (
      onRanges.length > 0 &&
      onRanges.every((n) => /^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/.test(n['Node Type'])) &&
      nodes.some((n) => n['Node Type'] === 'Nested Loop') &&
      !nodes.some((n) => n['Node Type'] === 'Hash Join' || n['Node Type'] === 'Merge Join')
    );
  };
  /** The same read as a plain join, as it was before: the control that shows a setting bites. */
  const plainJoin = () => {
    const lateral = /CROSS JOIN LATERAL \(SELECT .+? FROM "stock_range" r WHERE (.+?) OFFSET 0\) r/;
    expect(statement!.text).toMatch(lateral);
    return statement!.text.replace(lateral, (_all, around: string) => `JOIN "stock_range" r ON ${around}`);
  };

  it('when the statistics say the document has hundreds of lines, then stock_range is read through its index per line', async () => {
    expect(perLine(await explain(statement!.text, statement!.params))).toBe(true);
  });

  it('when the planner is pushed off nested loops altogether, then the read still takes one index range per line, where a plain join would not', async () => {
    await db.ds.query('SET enable_nestloop = off');
    try {
      expect(perLine(await explain(statement!.text, statement!.params))).toBe(true);
      expect(perLine(await explain(plainJoin(), statement!.params))).toBe(false);
    } finally {
      await db.ds.query('RESET enable_nestloop');
    }
  });
});
