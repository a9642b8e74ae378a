import type { Sql } from '../db/dialect';
import type { RepoContext } from '../db/store';
import type { DocStatus, RangeState } from '../ledger/ledger.types';
import type { Period } from './report.schemas';

/** A raw row: PostgreSQL returns bigint sums and counts as strings, so numbers are read with `num`. */
export type RawRow = Record<string, unknown>;

/** Sums of one side of a holder's IN_STOCK moves, grouped by where the numbers came from or went. */
export interface SideRow {
  unitId: number | string;
  billTypeId: number | string;
  holder: string | null;
  state: RangeState | null;
  before: unknown;
  within: unknown;
  upTo: unknown;
}

/** The filters of the detail reports: the period and optionally one unit and one bill type. */
export interface DetailFilter {
  unitId?: number;
  billTypeId?: number;
  period: Period;
}

/** Filters of the warnings' raw reads (no period: they look at the whole ledger). */
export interface ScopeFilter {
  unitId?: number;
  billTypeId?: number;
}

/**
 * The WHERE conditions every detail report shares: a fixed first condition, the period on a time
 * column (half-open, ISO text compares as time), and optional unit and bill-type columns.
 */
export function periodFilter(sql: Sql, f: DetailFilter, cols: { first: string; at: string; unit: string; billType: string }): string[] {
  const cond = [cols.first, `${cols.at} >= ${sql.p(f.period.startIso)}`, `${cols.at} < ${sql.p(f.period.endIso)}`];
  if (f.unitId !== undefined) cond.push(`${cols.unit} = ${sql.p(f.unitId)}`);
  if (f.billTypeId !== undefined) cond.push(`${cols.billType} = ${sql.p(f.billTypeId)}`);
  return cond;
}

/** The ledger's read model for the 统计报表: set-based reads of the journal, stock ranges and documents. */
export function ledgerReportQueries({ em, dialect }: RepoContext) {
  const run = <T>(sql: Sql, text: string): Promise<T[]> => em.query(text, sql.params);

  return {
    /** Sums of moves into (side 'in') or out of ('out') unit IN_STOCK, before and within the period. */
    unitStockSides(side: 'in' | 'out', f: DetailFilter): Promise<SideRow[]> {
      const [mine, other] = side === 'in' ? ['to', 'from'] : ['from', 'to'];
      const sql = dialect.sql();
      const start = sql.p(f.period.startIso);
      const start2 = sql.p(f.period.startIso);
      const end = sql.p(f.period.endIso);
      const where = [`j."${mine}Holder" = 'unit'`, `j."${mine}State" = 'IN_STOCK'`, `j."at" < ${end}`];
      if (f.unitId !== undefined) where.push(`j."${mine}UnitId" = ${sql.p(f.unitId)}`);
      if (f.billTypeId !== undefined) where.push(`j."billTypeId" = ${sql.p(f.billTypeId)}`);
      return run<SideRow>(
        sql,
        `SELECT j."${mine}UnitId" AS "unitId", j."billTypeId" AS "billTypeId",
                j."${other}Holder" AS "holder", j."${other}State" AS "state",
                SUM(CASE WHEN j."at" < ${start} THEN j."count" ELSE 0 END) AS "before",
                SUM(CASE WHEN j."at" >= ${start2} THEN j."count" ELSE 0 END) AS "within",
                SUM(j."count") AS "upTo"
           FROM "journal_entry" j
          WHERE ${where.join(' AND ')}
          GROUP BY j."${mine}UnitId", j."billTypeId", j."${other}Holder", j."${other}State"`,
      );
    },

    /** The same sums for the bureau warehouse, per bill type and batch. */
    warehouseSides(side: 'in' | 'out', f: { billTypeId?: number; period: Period }): Promise<RawRow[]> {
      const [mine, other] = side === 'in' ? ['to', 'from'] : ['from', 'to'];
      const sql = dialect.sql();
      const text = `SELECT j."billTypeId" AS "billTypeId", j."batchCode" AS "batchCode",
          j."${other}Holder" AS "holder", j."${other}State" AS "state",
          SUM(CASE WHEN j."at" < ${sql.p(f.period.startIso)} THEN j."count" ELSE 0 END) AS "before",
          SUM(CASE WHEN j."at" >= ${sql.p(f.period.startIso)} THEN j."count" ELSE 0 END) AS "within",
          SUM(j."count") AS "upTo"
        FROM "journal_entry" j
        WHERE j."${mine}Holder" = 'bureau' AND j."${mine}State" = 'IN_STOCK' AND j."at" < ${sql.p(f.period.endIso)}
          ${f.billTypeId === undefined ? '' : `AND j."billTypeId" = ${sql.p(f.billTypeId)}`}
        GROUP BY j."billTypeId", j."batchCode", j."${other}Holder", j."${other}State"`;
      return run<RawRow>(sql, text);
    },

    /** Warehouse receipts within the period, oldest first. */
    receipts(f: { billTypeId?: number; period: Period }): Promise<RawRow[]> {
      const sql = dialect.sql();
      const text = `SELECT r."id" AS "id", r."receivedAt" AS "receivedAt", r."billTypeId" AS "billTypeId", r."batchCode" AS "batchCode",
          r."startNo" AS "startNo", r."endNo" AS "endNo", r."count" AS "count", r."note" AS "note"
        FROM "warehouse_receipt" r
        WHERE r."receivedAt" >= ${sql.p(f.period.startIso)} AND r."receivedAt" < ${sql.p(f.period.endIso)}
          ${f.billTypeId === undefined ? '' : `AND r."billTypeId" = ${sql.p(f.billTypeId)}`}
        ORDER BY r."receivedAt", r."id"`;
      return run<RawRow>(sql, text);
    },

    /** Journal `issue` rows of the period with their 发放单 and 申领单 numbers. */
    issues(f: DetailFilter): Promise<RawRow[]> {
      const sql = dialect.sql();
      const cond = periodFilter(sql, f, {
        first: `j."operation" = 'issue'`,
        at: 'j."at"',
        unit: 'j."toUnitId"',
        billType: 'j."billTypeId"',
      });
      const text = `SELECT j."at" AS "at", j."toUnitId" AS "unitId", j."billTypeId" AS "billTypeId", j."batchCode" AS "batchCode",
          j."startNo" AS "startNo", j."endNo" AS "endNo", j."count" AS "count", d."docNo" AS "issuanceNo", a."docNo" AS "applicationNo"
        FROM "journal_entry" j
        LEFT JOIN "bill_document" d ON d."id" = j."docId"
        LEFT JOIN "bill_document" a ON a."id" = d."applicationId"
        WHERE ${cond.join(' AND ')}
        ORDER BY j."at", j."id"`;
      return run<RawRow>(sql, text);
    },

    /** Write-offs created within the period and their line counts by kind (two queries). */
    async writeoffs(f: DetailFilter & { status?: DocStatus }): Promise<{ docs: RawRow[]; lines: RawRow[] }> {
      const where = (sql: Sql) => {
        const c = periodFilter(sql, f, {
          first: `d."docType" = 'writeoff'`,
          at: 'd."createdAt"',
          unit: 'd."unitId"',
          billType: 'd."billTypeId"',
        });
        if (f.status !== undefined) c.push(`d."status" = ${sql.p(f.status)}`);
        return c.join(' AND ');
      };
      const s1 = dialect.sql();
      const docs = await run<RawRow>(s1, `SELECT d.* FROM "bill_document" d WHERE ${where(s1)} ORDER BY d."createdAt", d."id"`);
      const s2 = dialect.sql();
      const lines = await run<RawRow>(
        s2,
        `SELECT l."documentId" AS "documentId", l."kind" AS "kind", SUM(l."count") AS "n"
           FROM "document_line" l JOIN "bill_document" d ON d."id" = l."documentId"
          WHERE ${where(s2)} GROUP BY l."documentId", l."kind"`,
      );
      return { docs, lines };
    },

    /** Lines of destruction documents created within the period. */
    destructionLines(f: DetailFilter): Promise<RawRow[]> {
      const sql = dialect.sql();
      const cond = periodFilter(sql, f, {
        first: `d."docType" = 'destruction'`,
        at: 'd."createdAt"',
        unit: 'd."unitId"',
        billType: 'd."billTypeId"',
      });
      const text = `SELECT d."docNo" AS "docNo", d."status" AS "status", d."unitId" AS "unitId", d."billTypeId" AS "billTypeId",
          d."reason" AS "reason", d."createdAt" AS "createdAt", d."reviewedAt" AS "reviewedAt", d."completedAt" AS "completedAt",
          l."batchCode" AS "batchCode", l."startNo" AS "startNo", l."endNo" AS "endNo", l."count" AS "count"
        FROM "bill_document" d JOIN "document_line" l ON l."documentId" = d."id"
        WHERE ${cond.join(' AND ')}
        ORDER BY d."createdAt", d."id", l."batchCode", l."startNo"`;
      return run<RawRow>(sql, text);
    },

    /**
     * What the overdue write-off warning compares: every issue to a unit, the numbers units hold
     * IN_STOCK, and per unit × bill type the latest approved cut-off and the write-offs pending.
     */
    async overdueInputs(o: ScopeFilter): Promise<{ issues: RawRow[]; held: RawRow[]; docs: RawRow[] }> {
      const filter = (sql: Sql, unitCol: string, btCol: string) =>
        (o.unitId === undefined ? '' : ` AND ${unitCol} = ${sql.p(o.unitId)}`) +
        (o.billTypeId === undefined ? '' : ` AND ${btCol} = ${sql.p(o.billTypeId)}`);
      const s1 = dialect.sql();
      const issues = await run<RawRow>(
        s1,
        `SELECT j."toUnitId" AS "unitId", j."billTypeId" AS "billTypeId", j."batchCode" AS "batchCode",
                j."startNo" AS "startNo", j."endNo" AS "endNo", j."at" AS "at"
           FROM "journal_entry" j WHERE j."operation" = 'issue' AND j."toHolder" = 'unit'${filter(s1, 'j."toUnitId"', 'j."billTypeId"')}`,
      );
      const s2 = dialect.sql();
      const held = await run<RawRow>(
        s2,
        `SELECT r."unitId" AS "unitId", r."billTypeId" AS "billTypeId", r."batchCode" AS "batchCode",
                r."startNo" AS "startNo", r."endNo" AS "endNo"
           FROM "stock_range" r WHERE r."holder" = 'unit' AND r."state" = 'IN_STOCK'${filter(s2, 'r."unitId"', 'r."billTypeId"')}`,
      );
      const s3 = dialect.sql();
      const docs = await run<RawRow>(
        s3,
        `SELECT d."unitId" AS "unitId", d."billTypeId" AS "billTypeId",
                MAX(CASE WHEN d."status" IN ('approved', 'completed') THEN d."cutoffDate" END) AS "lastCutoff",
                SUM(CASE WHEN d."status" IN ('submitted', 'returned') THEN 1 ELSE 0 END) AS "pending"
           FROM "bill_document" d WHERE d."docType" = 'writeoff'${filter(s3, 'd."unitId"', 'd."billTypeId"')}
          GROUP BY d."unitId", d."billTypeId"`,
      );
      return { issues, held, docs };
    },
  };
}
