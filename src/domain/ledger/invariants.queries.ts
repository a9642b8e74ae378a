import type { DataSource, EntityManager } from 'typeorm';
import { cellText } from '../common/raw-rows';

/** One broken ledger invariant (domain.md, invariants 1–3). */
export interface Violation {
  invariant: 'no-overlap' | 'covered-by-receipts' | 'conservation' | 'journal-balance' | 'state-machine';
  batchCode: string;
  detail: string;
}

// Edges of domain.md's state machine as journal rows record them (null = received).
// writeoff.reject / writeoff.withdraw put reported numbers back: they undo a report, not a return to stock.
const UNDO_OPERATIONS: ReadonlySet<string> = new Set(['writeoff.reject', 'writeoff.withdraw']);
const EDGES: Record<string, string[]> = {
  null: ['IN_STOCK'],
  IN_STOCK: ['IN_STOCK', 'USED', 'VOIDED', 'LOST', 'STOCK_VOIDED'],
  USED: ['WRITTEN_OFF', 'IN_STOCK'],
  VOIDED: ['WRITTEN_OFF', 'IN_STOCK'],
  LOST: ['WRITTEN_OFF', 'IN_STOCK'],
  WRITTEN_OFF: ['DESTROYED'],
  STOCK_VOIDED: ['DESTROYED'],
  DESTROYED: [],
};
const UNDO_ONLY = new Set(['USED>IN_STOCK', 'VOIDED>IN_STOCK', 'LOST>IN_STOCK']);

const n = (v: unknown): number => Number(v);

/**
 * Checks the ledger with set-based SQL (window functions and GROUP BY batch; no per-number work):
 * 1. ranges of a batch never overlap, and every range lies inside the received numbers;
 * 2. per batch, the range counts add up to what was received;
 * 3. per batch and place, journal moves in minus out equal what the place holds now, and every
 *    journal row follows the state machine (VOIDED/LOST/WRITTEN_OFF/DESTROYED never go back to stock).
 */
export async function checkLedgerInvariants(db: DataSource | EntityManager): Promise<{ ok: boolean; violations: Violation[] }> {
  const q = (sql: string) => db.query<Array<Record<string, unknown>>>(sql);
  const violations: Violation[] = [];

  for (const [table, what] of [
    ['stock_range', '库存号段'],
    ['warehouse_receipt', '入库号段'],
  ] as const) {
    const rows = await q(`
      SELECT "batchCode", "startNo", "endNo", "prevEnd" FROM (
        SELECT "batchCode", "startNo", "endNo",
               MAX("endNo") OVER (PARTITION BY "batchCode" ORDER BY "startNo", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS "prevEnd"
          FROM "${table}") x
       WHERE "prevEnd" >= "startNo"`);
    for (const r of rows)
      violations.push({
        invariant: 'no-overlap',
        batchCode: String(r.batchCode),
        detail: `${what} ${n(r.startNo)}-${n(r.endNo)} 与前一段（止于 ${n(r.prevEnd)}）重叠`,
      });
  }

  const uncovered = await q(`
    WITH flagged AS (
      SELECT "batchCode", "startNo", "endNo",
             CASE WHEN "startNo" <= MAX("endNo") OVER (PARTITION BY "batchCode" ORDER BY "startNo" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1 THEN 0 ELSE 1 END AS "isNew"
        FROM "warehouse_receipt"),
    grouped AS (
      SELECT "batchCode", "startNo", "endNo", SUM("isNew") OVER (PARTITION BY "batchCode" ORDER BY "startNo" ROWS UNBOUNDED PRECEDING) AS "island" FROM flagged),
    islands AS (SELECT "batchCode", MIN("startNo") AS "s", MAX("endNo") AS "e" FROM grouped GROUP BY "batchCode", "island")
    SELECT r."batchCode", r."startNo", r."endNo" FROM "stock_range" r
     WHERE NOT EXISTS (SELECT 1 FROM islands i WHERE i."batchCode" = r."batchCode" AND i."s" <= r."startNo" AND i."e" >= r."endNo")`);
  for (const r of uncovered)
    violations.push({
      invariant: 'covered-by-receipts',
      batchCode: String(r.batchCode),
      detail: `库存号段 ${n(r.startNo)}-${n(r.endNo)} 不在任何入库号段内`,
    });

  const held = await q(`SELECT "batchCode", SUM("endNo" - "startNo" + 1) AS "n" FROM "stock_range" GROUP BY "batchCode"`);
  const received = await q(`SELECT "batchCode", SUM("count") AS "n" FROM "warehouse_receipt" GROUP BY "batchCode"`);
  const heldBy = new Map(held.map((r) => [String(r.batchCode), n(r.n)]));
  const recvBy = new Map(received.map((r) => [String(r.batchCode), n(r.n)]));
  for (const bc of new Set([...heldBy.keys(), ...recvBy.keys()])) {
    const h = heldBy.get(bc) ?? 0;
    const rc = recvBy.get(bc) ?? 0;
    if (h !== rc) violations.push({ invariant: 'conservation', batchCode: bc, detail: `各持有方/状态合计 ${h} 份，入库 ${rc} 份` });
  }

  const key = (r: Record<string, unknown>) => [r.batchCode, r.holder, r.unitId, r.state].map(cellText).join('|');
  const flows = await q(`
    SELECT "batchCode", "holder", "unitId", "state", SUM("n") AS "n" FROM (
      SELECT "batchCode", "toHolder" AS "holder", "toUnitId" AS "unitId", "toState" AS "state", "count" AS "n" FROM "journal_entry"
      UNION ALL
      SELECT "batchCode", "fromHolder", "fromUnitId", "fromState", -"count" FROM "journal_entry" WHERE "fromState" IS NOT NULL) m
    GROUP BY "batchCode", "holder", "unitId", "state"`);
  const places = await q(
    `SELECT "batchCode", "holder", "unitId", "state", SUM("endNo" - "startNo" + 1) AS "n" FROM "stock_range" GROUP BY "batchCode", "holder", "unitId", "state"`,
  );
  const byJournal = new Map(flows.map((r) => [key(r), { r, v: n(r.n) }]));
  const byRanges = new Map(places.map((r) => [key(r), { r, v: n(r.n) }]));
  for (const k of new Set([...byJournal.keys(), ...byRanges.keys()])) {
    const j = byJournal.get(k)?.v ?? 0;
    const s = byRanges.get(k)?.v ?? 0;
    if (j !== s)
      violations.push({
        invariant: 'journal-balance',
        batchCode: k.split('|')[0],
        detail: `${k.split('|').slice(1).join('/')}：流水结余 ${j} 份，现有号段 ${s} 份`,
      });
  }

  const edges = await q(
    `SELECT "batchCode", "operation", "fromState", "toState", MIN("id") AS "firstId", COUNT(*) AS "n" FROM "journal_entry" GROUP BY "batchCode", "operation", "fromState", "toState"`,
  );
  for (const e of edges) {
    const from = e.fromState === null ? 'null' : cellText(e.fromState);
    const to = cellText(e.toState);
    const allowed = (EDGES[from] ?? []).includes(to) && (!UNDO_ONLY.has(`${from}>${to}`) || UNDO_OPERATIONS.has(cellText(e.operation)));
    if (!allowed)
      violations.push({
        invariant: 'state-machine',
        batchCode: cellText(e.batchCode),
        detail: `流水 ${n(e.firstId)} 等 ${n(e.n)} 行（${cellText(e.operation)}）：${from} → ${to} 不是允许的状态变化`,
      });
  }
  return { ok: violations.length === 0, violations };
}
