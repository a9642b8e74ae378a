import type { EntityManager } from 'typeorm';
import { toDbInstant } from '../db/columns';
import type { Dialect, Write } from '../db/dialect';
import type { Place } from './ledger.types';
import type { Span } from './ranges';
import { StockRange } from './stock-range.entity';

// The ledger's hot statements as plain parameterised SQL: every issuance and write-off runs them
// several times, and TypeORM's query builder cost more CPU than PostgreSQL did to execute them
// (bench:ledger profile, 2026-12). Identifiers are quoted; the connection's search_path picks the schema.

type RawRange = Record<keyof StockRange, unknown>;

const COLUMNS = `"id", "billTypeId", "batchCode", "startNo", "endNo", "holder", "unitId", "state", "updatedAt"`;
/** The same of stock_range as `r`, where a statement joins it. */
const R_COLUMNS = COLUMNS.split(', ')
  .map((c) => `r.${c}`)
  .join(', ');

/** A stock_range row as the entity reads it (bigint and instant columns converted). */
function toRange(r: RawRange): StockRange {
  return Object.assign(new StockRange(), {
    id: Number(r.id),
    billTypeId: Number(r.billTypeId),
    batchCode: String(r.batchCode),
    startNo: Number(r.startNo),
    endNo: Number(r.endNo),
    holder: r.holder as StockRange['holder'],
    unitId: r.unitId === null ? null : Number(r.unitId),
    state: r.state as StockRange['state'],
    updatedAt: new Date(String(r.updatedAt)),
  });
}

/** True when a row sits at the place. */
export const isAt = (r: Pick<StockRange, 'holder' | 'unitId' | 'state'>, p: Place): boolean =>
  r.holder === p.holder && r.state === p.state && (r.unitId ?? null) === (p.unitId ?? null);

/** The statements of one EntityManager (a transaction's or the pool's). */
export function rangeSql(em: EntityManager, dialect: Dialect) {
  const placeSql = (sql: ReturnType<Dialect['sql']>, p: Place) =>
    `"holder" = ${sql.p(p.holder)} AND "state" = ${sql.p(p.state)} AND ` +
    (p.unitId === null ? `"unitId" IS NULL` : `"unitId" = ${sql.p(p.unitId)}`);

  return {
    /**
     * In one round trip: the rows of a batch at `from` overlapping `span`, and the rows at `to`
     * adjacent to it (the neighbours a move merges with). Lowest number first.
     */
    async overlapAndNeighbours(
      billTypeId: number,
      batchCode: string,
      span: Span,
      from: Place | null,
      to: Place | null,
    ): Promise<StockRange[]> {
      const sql = dialect.sql();
      const head = `SELECT ${COLUMNS} FROM "stock_range" WHERE "billTypeId" = ${sql.p(billTypeId)} AND "batchCode" = ${sql.p(batchCode)}`;
      const where: string[] = [];
      if (from) where.push(`(${placeSql(sql, from)} AND "startNo" <= ${sql.p(span.end)} AND "endNo" >= ${sql.p(span.start)})`);
      if (to) where.push(`(${placeSql(sql, to)} AND ("endNo" = ${sql.p(span.start - 1)} OR "startNo" = ${sql.p(span.end + 1)}))`);
      const rows: RawRange[] = await em.query(`${head} AND (${where.join(' OR ')}) ORDER BY "startNo"`, sql.params);
      return rows.map(toRange);
    },

    /** In one round trip: the rows at any of `places` overlapping any of the runs (a document's lines checked together). */
    async overlapping(
      billTypeId: number,
      runs: ReadonlyArray<{ batchCode: string; span: Span }>,
      places: readonly Place[],
    ): Promise<StockRange[]> {
      if (runs.length === 0 || places.length === 0) return [];
      const sql = dialect.sql();
      // Placeholders are numbered in the order they are made (SQLite's are positional): text order.
      const billType = sql.p(billTypeId);
      const runSql = runs
        .map((r) => `("batchCode" = ${sql.p(r.batchCode)} AND "startNo" <= ${sql.p(r.span.end)} AND "endNo" >= ${sql.p(r.span.start)})`)
        .join(' OR ');
      const placesSql = places.map((p) => `(${placeSql(sql, p)})`).join(' OR ');
      const rows: RawRange[] = await em.query(
        `SELECT ${COLUMNS} FROM "stock_range" WHERE "billTypeId" = ${billType} AND (${runSql}) AND (${placesSql}) ORDER BY "startNo"`,
        sql.params,
      );
      return rows.map(toRange);
    },

    /**
     * In one round trip, what moving several runs of a bill type reads (see planMoves): for each
     * run, the rows at its `from` overlapping it and the rows at its `to` adjacent to it.
     */
    async forMoves(
      billTypeId: number,
      moves: ReadonlyArray<{ batchCode: string; span: Span; from: Place; to: Place }>,
    ): Promise<StockRange[]> {
      const sql = dialect.sql();
      // Placeholders are numbered in the order they are made (SQLite's are positional): text order.
      const billType = sql.p(billTypeId);
      const each = moves.map(
        (m) =>
          `("batchCode" = ${sql.p(m.batchCode)} AND ((${placeSql(sql, m.from)} AND "startNo" <= ${sql.p(m.span.end)} AND "endNo" >= ${sql.p(m.span.start)})` +
          ` OR (${placeSql(sql, m.to)} AND ("endNo" = ${sql.p(m.span.start - 1)} OR "startNo" = ${sql.p(m.span.end + 1)}))))`,
      );
      const rows: RawRange[] = await em.query(
        `SELECT ${COLUMNS} FROM "stock_range" WHERE "billTypeId" = ${billType} AND (${each.join(' OR ')}) ORDER BY "startNo"`,
        sql.params,
      );
      return rows.map(toRange);
    },

    /**
     * What issuing an application moves, read before the application is (so it can go behind the
     * lock that reads it, in one round trip): the warehouse's rows of the application's bill type,
     * and the applying unit's rows adjacent to any of them. A run issued from the warehouse can only
     * merge with a unit row adjacent to the warehouse row it leaves, so these are all its neighbours.
     * Sent before the first await (Dialect.select), so it runs after any statement started before it.
     */
    async forIssue(applicationId: number): Promise<StockRange[]> {
      const sql = dialect.sql();
      const ofApplication = (column: string) =>
        `(SELECT "${column}" FROM "bill_document" WHERE "id" = ${sql.p(applicationId)} AND "docType" = 'application')`;
      const bureau = (alias: string) => `${alias}"holder" = 'bureau' AND ${alias}"unitId" IS NULL AND ${alias}"state" = 'IN_STOCK'`;
      const text =
        `SELECT ${COLUMNS} FROM "stock_range" r WHERE "billTypeId" = ${ofApplication('billTypeId')} AND ((${bureau('')})` +
        ` OR ("holder" = 'unit' AND "state" = 'IN_STOCK' AND "unitId" = ${ofApplication('unitId')} AND EXISTS (SELECT 1 FROM "stock_range" b` +
        ` WHERE b."billTypeId" = r."billTypeId" AND b."batchCode" = r."batchCode" AND ${bureau('b.')}` +
        ` AND (b."startNo" = r."endNo" + 1 OR b."endNo" = r."startNo" - 1))))` +
        ` ORDER BY "batchCode", "startNo"`;
      return (await dialect.select(em, text, sql.params)).map((r) => toRange(r as RawRange));
    },

    /**
     * What approving a line document moves, read before its lines are (so it can go behind the lock
     * that loads the document, in one round trip): the rows of its bill type that overlap one of its
     * lines or touch one (the neighbours a move merges with), wherever they are. moveRunsOver takes
     * what each move needs from them. Each line is one index range on stock_range.
     * Sent before the first await (Dialect.select), so it runs after any statement started before it.
     */
    async forDocumentLines(documentId: number): Promise<StockRange[]> {
      const sql = dialect.sql();
      // Placeholders are numbered in the order they are made (SQLite's are positional): text order.
      const billType = `(SELECT "billTypeId" FROM "bill_document" WHERE "id" = ${sql.p(documentId)})`;
      const around = `r."billTypeId" = ${billType} AND r."batchCode" = l."batchCode" AND r."startNo" <= l."endNo" + 1 AND r."endNo" >= l."startNo" - 1`;
      // On PostgreSQL a plain join let a stale estimate of lines per document (674 for 3, during the
      // 5,000-unit build) choose a hash join over every row of the bill type: 10 ms a call. LATERAL
      // with OFFSET 0 (not flattened into a join) keeps one index range per line whatever the
      // statistics say. SQLite has no LATERAL, and its planner nests the loops from the lines anyway.
      const from =
        dialect.kind === 'postgres'
          ? `FROM "document_line" l CROSS JOIN LATERAL (SELECT ${R_COLUMNS} FROM "stock_range" r WHERE ${around} OFFSET 0) r`
          : `FROM "document_line" l JOIN "stock_range" r ON ${around}`;
      const text = `SELECT DISTINCT ${R_COLUMNS} ${from} WHERE l."documentId" = ${sql.p(documentId)} ORDER BY r."startNo"`;
      return (await dialect.select(em, text, sql.params)).map((r) => toRange(r as RawRange));
    },

    /** How many numbers of a bill type a place holds (all batches): one SUM over its runs. */
    async sumAt(billTypeId: number, place: Place): Promise<number> {
      const sql = dialect.sql();
      const bt = sql.p(billTypeId);
      const rows: Array<{ n: string | number }> = await em.query(
        `SELECT COALESCE(SUM("endNo" - "startNo" + 1), 0) AS "n" FROM "stock_range" WHERE "billTypeId" = ${bt} AND ${placeSql(sql, place)}`,
        sql.params,
      );
      return Number(rows[0]?.n ?? 0);
    },

    /** INSERT of new rows (null for none); run it with the others of a move through `dialect.writeAll`. */
    insert(rows: Array<Omit<StockRange, 'id'>>): Write | null {
      if (rows.length === 0) return null;
      const sql = dialect.sql();
      const values = rows
        .map(
          (r) =>
            `(${sql.p(r.billTypeId)}, ${sql.p(r.batchCode)}, ${sql.p(r.startNo)}, ${sql.p(r.endNo)}, ${sql.p(r.holder)}, ${sql.p(r.unitId)}, ${sql.p(r.state)}, ${sql.p(toDbInstant(r.updatedAt))})`,
        )
        .join(', ');
      return {
        text: `INSERT INTO "stock_range" ("billTypeId", "batchCode", "startNo", "endNo", "holder", "unitId", "state", "updatedAt") VALUES ${values}`,
        params: sql.params,
      };
    },

    /** UPDATE of one row's span. */
    setSpan(id: number, span: Span, at: Date): Write {
      const sql = dialect.sql();
      return {
        text: `UPDATE "stock_range" SET "startNo" = ${sql.p(span.start)}, "endNo" = ${sql.p(span.end)}, "updatedAt" = ${sql.p(toDbInstant(at))} WHERE "id" = ${sql.p(id)}`,
        params: sql.params,
      };
    },

    /** DELETE of rows by id (null for none). */
    delete(ids: number[]): Write | null {
      if (ids.length === 0) return null;
      const sql = dialect.sql();
      return { text: `DELETE FROM "stock_range" WHERE "id" IN (${sql.list(ids)})`, params: sql.params };
    },
  };
}
