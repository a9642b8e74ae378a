import type { EntityManager } from 'typeorm';
import type { Dialect, Sql } from '../db/dialect';
import { BUREAU_STOCK } from '../ledger/ledger.types';

/** What the warehouse holds of a bill type, and what approved, not yet issued applications already promise. */
export interface WarehouseOutlook {
  held: number;
  promised: number;
}

/** The facts an application's rules read about its unit and bill type (application.rules.ts). */
export interface ApplicationFacts extends WarehouseOutlook {
  /** 分次限量; null = no cap. */
  cap: number | null;
  /** When the unit first received, among the numbers of this type it still holds, any issued before the limit. */
  oldestHeldIssue: Date | null;
  /** The latest 截止日期 of the unit's approved write-offs of this type. */
  latestCutoffDate: string | null;
}

/** `billType`: the bill type's id as SQL (a placeholder, or a subquery through a document). */
const held = (sql: Sql, billType: string) =>
  `(SELECT COALESCE(SUM("endNo" - "startNo" + 1), 0) FROM "stock_range"
     WHERE "billTypeId" = ${billType} AND "holder" = ${sql.p(BUREAU_STOCK.holder)} AND "state" = ${sql.p(BUREAU_STOCK.state)}
       AND "unitId" IS NULL)`;

const promised = (sql: Sql, billType: string, exceptDocId: number) =>
  `(SELECT COALESCE(SUM("quantity"), 0) FROM "bill_document"
     WHERE "docType" = 'application' AND "status" = 'approved' AND "billTypeId" = ${billType} AND "id" <> ${sql.p(exceptDocId)})`;

/**
 * The application rules' facts as scalar subqueries of one statement: each is one indexed lookup,
 * and a submission reads them all (five round trips before, on the hottest write of the service).
 */
export function applicationFactsQueries(em: EntityManager, dialect: Dialect) {
  return {
    /**
     * In one statement: the numbers of an application's bill type in the warehouse, and those other
     * approved applications already promise. It names only the application, so it can be sent before
     * the application is read (behind its lock, in one round trip): sent before the first await
     * (Dialect.select), it runs after every statement started before it.
     */
    async warehouseOutlookOf(applicationId: number): Promise<WarehouseOutlook> {
      const sql = dialect.sql();
      // Placeholders are numbered in the order they are made (SQLite's are positional): text order.
      const billType = () => `(SELECT d."billTypeId" FROM "bill_document" d WHERE d."id" = ${sql.p(applicationId)})`;
      const text = `SELECT ${held(sql, billType())} AS "held", ${promised(sql, billType(), applicationId)} AS "promised"`;
      const rows = await dialect.select(em, text, sql.params);
      return { held: Number(rows[0]?.held ?? 0), promised: Number(rows[0]?.promised ?? 0) };
    },

    /** Every fact of `ApplicationFacts` for a unit and bill type, in one statement. */
    async applicationFacts(unitId: number, billTypeId: number, oldStockLimit: Date, exceptDocId: number): Promise<ApplicationFacts> {
      const sql = dialect.sql();
      // Placeholders are numbered in the order they are made (SQLite's are positional): text order.
      const text = `SELECT
          (SELECT "maxQuantity" FROM "application_cap" WHERE "unitId" = ${sql.p(unitId)} AND "billTypeId" = ${sql.p(billTypeId)}) AS "cap",
          (SELECT j."at" FROM "journal_entry" j
             JOIN "stock_range" r ON r."batchCode" = j."batchCode" AND r."holder" = 'unit' AND r."unitId" = j."toUnitId"
                                 AND r."state" = 'IN_STOCK' AND r."startNo" <= j."endNo" AND r."endNo" >= j."startNo"
            WHERE j."operation" = 'issue' AND j."toUnitId" = ${sql.p(unitId)} AND j."billTypeId" = ${sql.p(billTypeId)}
              AND j."at" < ${sql.p(oldStockLimit.toISOString())}
            ORDER BY j."at" ASC LIMIT 1) AS "oldestHeldIssue",
          (SELECT "cutoffDate" FROM "bill_document"
            WHERE "docType" = 'writeoff' AND "unitId" = ${sql.p(unitId)} AND "billTypeId" = ${sql.p(billTypeId)}
              AND "status" IN ('approved', 'completed') AND "cutoffDate" IS NOT NULL ORDER BY "cutoffDate" DESC LIMIT 1) AS "latestCutoffDate",
          ${held(sql, sql.p(billTypeId))} AS "held",
          ${promised(sql, sql.p(billTypeId), exceptDocId)} AS "promised"`;
      const [r]: Array<Record<'cap' | 'oldestHeldIssue' | 'latestCutoffDate' | 'held' | 'promised', string | number | null>> =
        await em.query(text, sql.params);
      return {
        cap: r.cap === null ? null : Number(r.cap),
        oldestHeldIssue: r.oldestHeldIssue === null ? null : new Date(String(r.oldestHeldIssue)),
        latestCutoffDate: r.latestCutoffDate === null ? null : String(r.latestCutoffDate),
        held: Number(r.held),
        promised: Number(r.promised),
      };
    },
  };
}
