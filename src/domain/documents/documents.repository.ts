import type { BillType } from '../catalog/bill-type.entity';
import type { Unit } from '../catalog/unit.entity';
import type { Sql, Write } from '../db/dialect';
import { rawReads } from '../db/raw-reads';
import { rawWrites } from '../db/raw-writes';
import { awaitedLater } from '../common/awaited-later';
import type { RepoContext } from '../db/store';
import type { DocStatus, DocType, LineKind } from '../ledger/ledger.types';
import { BillDocument } from './bill-document.entity';
import { DocumentLine } from './document-line.entity';
import { applicationFactsQueries } from './application-facts.queries';
import { DocumentTransition } from './document-transition.entity';
import { toDocumentView, type DocumentView, type ViewOptions } from './document.views';
import { PrintOrder } from './print-order.entity';

/** A line as stored: a run of one batch and what the document says about it. */
export interface StoredLine {
  kind: LineKind;
  batchCode: string;
  startNo: number;
  endNo: number;
}

/** Filters of a document list (any type). */
export interface DocumentFilter {
  docType: DocType;
  unitId?: number;
  holder?: 'bureau' | 'unit';
  status?: DocStatus;
  statuses?: DocStatus[];
  billTypeId?: number;
  planYear?: number;
  /** Submitted (or, never submitted, created) at or after this instant. */
  since?: Date;
  /** … and before this instant (exclusive). */
  before?: Date;
}

/** A line of another open document that shares numbers with a new one. */
export interface ReservedLine {
  docNo: string;
  docType: DocType;
  batchCode: string;
  startNo: number;
  endNo: number;
}

const count = (l: { startNo: number; endNo: number }) => l.endNo - l.startNo + 1;

/** Ledger documents (申领单 … 销毁单, 印制计划) with their lines, transitions and print orders. */
export function makeDocumentRepository(ctx: RepoContext) {
  const { em, dialect, memo } = ctx;
  const raw = rawWrites(ctx);
  const reads = rawReads(em, dialect);

  /** Transitions of documents, oldest first, each with its actor's display name (null: no such user). */
  /** The id, code and name of some units or bill types (the codes a document's view shows). */
  function codesByIds(table: 'unit' | 'bill_type', ids: readonly number[]): Promise<Array<Record<string, unknown>>> {
    const sql = dialect.sql();
    return dialect.select(em, `SELECT "id", "code", "name" FROM "${table}" WHERE "id" IN (${sql.list(ids)})`, sql.params);
  }

  async function transitionsWithNames(documentIds: number[]): Promise<Array<DocumentTransition & { actorName: string | null }>> {
    const sql = dialect.sql();
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT t."id", t."documentId", t."fromStatus", t."toStatus", t."actorId", t."opinion", t."at", u."name" AS "actorName"
         FROM "document_transition" t LEFT JOIN "app_user" u ON u."id" = t."actorId"
        WHERE t."documentId" IN (${sql.list(documentIds)}) ORDER BY t."id"`,
      sql.params,
    );
    return rows.map((r) =>
      Object.assign(new DocumentTransition(), {
        id: Number(r.id),
        documentId: Number(r.documentId),
        fromStatus: (r.fromStatus ?? null) as DocumentTransition['fromStatus'],
        toStatus: r.toStatus as DocumentTransition['toStatus'],
        actorId: Number(r.actorId),
        opinion: (r.opinion ?? null) as string | null,
        at: new Date(String(r.at)),
        actorName: (r.actorName ?? null) as string | null,
      }),
    );
  }

  return {
    /** Inserts a document under a temporary number and returns it with its id. */
    async insert(values: Omit<BillDocument, 'id'>): Promise<BillDocument> {
      const id = await raw.insert(BillDocument, values);
      return Object.assign(new BillDocument(), values, { id });
    },
    /**
     * In a transaction on PostgreSQL: the id of a document about to be created, taken from the
     * table's sequence now so that it travels with the caller's first reads, and awaited when the
     * document is inserted (createDocument) — which then waits for nothing. Null elsewhere: SQLite
     * numbers the row as it inserts it, at no round trip's cost. An id taken by a transaction that
     * then fails is skipped, as a rolled-back insert's is.
     */
    reserveId(): Promise<number> | null {
      if (dialect.kind !== 'postgres' || !em.queryRunner?.isTransactionActive) return null;
      const taken = dialect.select(em, `SELECT nextval(pg_get_serial_sequence('"bill_document"', 'id')) AS "id"`, []);
      return awaitedLater(taken.then((rows) => Number(rows[0].id)));
    },
    /** The INSERT of a document under an id taken by `reserveId`, for the caller to send with its next writes. */
    insertWithIdSql: (doc: BillDocument): Write => raw.insertSql(BillDocument, doc, '', true),
    async update(id: number, patch: Partial<Omit<BillDocument, 'id'>>): Promise<void> {
      await raw.update(BillDocument, id, patch);
    },
    findById: (docType: DocType, id: number): Promise<BillDocument | null> =>
      reads.first(BillDocument, (sql) => `WHERE "id" = ${sql.p(id)} AND "docType" = ${sql.p(docType)}`),
    findByNo: (docType: DocType, docNo: string): Promise<BillDocument | null> => em.findOneBy(BillDocument, { docType, docNo }),
    /** A document read with a row lock (inside a transaction, on engines that lock rows). */
    findForUpdate: (docType: DocType, id: number): Promise<BillDocument | null> =>
      reads.first(BillDocument, (sql) => `WHERE "id" = ${sql.p(id)} AND "docType" = ${sql.p(docType)}`, { lock: true }),
    issuanceOf: (applicationId: number): Promise<BillDocument | null> => em.findOneBy(BillDocument, { docType: 'issuance', applicationId }),
    issuancesOf: (applicationIds: number[]): Promise<BillDocument[]> =>
      applicationIds.length === 0
        ? Promise.resolve([])
        : em
            .createQueryBuilder(BillDocument, 'd')
            .where("d.docType = 'issuance' AND d.applicationId IN (:...ids)", { ids: applicationIds })
            .getMany(),

    /** The oldest document matching a filter (e.g. a pending write-off that blocks 核旧领新). */
    firstOf(f: DocumentFilter): Promise<BillDocument | null> {
      return reads.first(BillDocument, (sql) => `${filterSql(sql, f)} ORDER BY "id" LIMIT 1`);
    },
    /** Every document matching a filter, oldest first (bounded: e.g. a unit's pending write-offs of one type). */
    allOf(f: DocumentFilter, limit = 50): Promise<BillDocument[]> {
      return reads.rows(BillDocument, (sql) => `${filterSql(sql, f)} ORDER BY "id" LIMIT ${Math.trunc(limit)}`);
    },
    ...applicationFactsQueries(em, dialect),

    /** Submitted documents of these types awaiting the bureau's review, oldest submission first (the approvals inbox). */
    awaitingReview(
      types: DocType[],
      unitId: number | undefined,
      window: { skip: number; take: number },
    ): Promise<[BillDocument[], number]> {
      const qb = em.createQueryBuilder(BillDocument, 'd').where("d.docType IN (:...types) AND d.status = 'submitted'", { types });
      if (unitId !== undefined) qb.andWhere('d.unitId = :u', { u: unitId });
      return qb.orderBy('d.submittedAt', 'ASC').addOrderBy('d.id', 'ASC').skip(window.skip).take(window.take).getManyAndCount();
    },

    /** How many documents of each type await review (the inbox's tab counts). */
    async awaitingReviewCounts(types: DocType[], unitId: number | undefined): Promise<Partial<Record<DocType, number>>> {
      const qb = em
        .createQueryBuilder(BillDocument, 'd')
        .select('d.docType', 'docType')
        .addSelect('COUNT(*)', 'n')
        .where("d.docType IN (:...types) AND d.status = 'submitted'", { types });
      if (unitId !== undefined) qb.andWhere('d.unitId = :u', { u: unitId });
      const rows = await qb.groupBy('d.docType').getRawMany<{ docType: DocType; n: string | number }>();
      return Object.fromEntries(rows.map((r) => [r.docType, Number(r.n)]));
    },

    /** One page of documents, newest first. */
    page: (f: DocumentFilter, window: { skip: number; take: number }): Promise<[BillDocument[], number]> =>
      filtered(f).orderBy('d.id', 'DESC').skip(window.skip).take(window.take).getManyAndCount(),

    async insertTransition(t: Omit<DocumentTransition, 'id'>): Promise<void> {
      await raw.writeAll([raw.insertSql(DocumentTransition, t)]);
    },
    /** The writes that set a document's fields and record its transition (see `updateWithTransition`). */
    transitionSql(id: number, patch: Partial<Omit<BillDocument, 'id'>>, t: Omit<DocumentTransition, 'id'>): Array<Write | null> {
      return [raw.updateSql(BillDocument, id, patch), raw.insertSql(DocumentTransition, t)];
    },
    /** Sets a document's fields and records its transition, in one round trip where the engine allows. */
    async updateWithTransition(id: number, patch: Partial<Omit<BillDocument, 'id'>>, t: Omit<DocumentTransition, 'id'>): Promise<void> {
      await raw.writeAll(this.transitionSql(id, patch, t));
    },
    /** Sends writes made here for later (`transitionSql`, `linesSql`) that nothing else carried. */
    async send(writes: ReadonlyArray<Write | null>): Promise<void> {
      await raw.writeAll(writes);
    },
    transitionsOf: (documentId: number, between?: { from: DocStatus; to: DocStatus }): Promise<DocumentTransition[]> =>
      em.find(DocumentTransition, {
        where: { documentId, ...(between ? { fromStatus: between.from, toStatus: between.to } : {}) },
        order: { id: 'ASC' },
      }),

    /** Removes a document's lines (before a resubmission stores them again). */
    async clearLines(documentId: number): Promise<void> {
      await em.delete(DocumentLine, { documentId });
    },
    /**
     * The INSERTs of a document's lines (200 rows a statement) and their total count, for a caller
     * that sends them with its next writes (a range move's: `moveRun(…, along)`).
     */
    linesSql(documentId: number, lines: readonly StoredLine[]): { writes: Write[]; quantity: number } {
      const rows = lines.map((l) => ({
        documentId,
        kind: l.kind,
        batchCode: l.batchCode,
        startNo: l.startNo,
        endNo: l.endNo,
        count: count(l),
      }));
      const writes: Write[] = [];
      for (let i = 0; i < rows.length; i += 200) writes.push(raw.insertManySql(DocumentLine, rows.slice(i, i + 200)) as Write);
      return { writes, quantity: rows.reduce((n, r) => n + r.count, 0) };
    },
    /** Lines of one unit's documents of a type and status that contain a number, with their bill type. */
    async unitLinesCovering(f: { docType: DocType; unitId: number; status: DocStatus; no: number; billTypeId?: number }) {
      const qb = em
        .createQueryBuilder(DocumentLine, 'l')
        .innerJoin(BillDocument, 'd', 'd.id = l.documentId')
        .select('l.batchCode', 'batchCode')
        .addSelect('l.startNo', 'startNo')
        .addSelect('l.endNo', 'endNo')
        .addSelect('d.billTypeId', 'billTypeId')
        .where('d.docType = :t AND d.unitId = :u AND d.status = :s', { t: f.docType, u: f.unitId, s: f.status })
        .andWhere('l.startNo <= :no AND l.endNo >= :no', { no: f.no });
      if (f.billTypeId !== undefined) qb.andWhere('d.billTypeId = :bt', { bt: f.billTypeId });
      const rows = await qb.getRawMany<{
        batchCode: string;
        startNo: string | number;
        endNo: string | number;
        billTypeId: string | number;
      }>();
      return rows.map((r) => ({
        batchCode: r.batchCode,
        startNo: Number(r.startNo),
        endNo: Number(r.endNo),
        billTypeId: Number(r.billTypeId),
      }));
    },
    /** The stored lines of a document, in the order they were written. */
    async linesOf(documentId: number): Promise<StoredLine[]> {
      const rows = await reads.rows(DocumentLine, (sql) => `WHERE "documentId" = ${sql.p(documentId)} ORDER BY "id"`);
      return rows.map((r) => ({ kind: r.kind, batchCode: r.batchCode, startNo: r.startNo, endNo: r.endNo }));
    },
    linesOfMany: (documentIds: number[]): Promise<DocumentLine[]> =>
      documentIds.length === 0
        ? Promise.resolve([])
        : em
            .createQueryBuilder(DocumentLine, 'l')
            .where('l.documentId IN (:...ids)', { ids: documentIds })
            .orderBy('l.id', 'ASC')
            .getMany(),

    /** Lines of other submitted documents of these types and bill type that lie in these batches. */
    async reservedLines(types: DocType[], billTypeId: number, batchCodes: string[], excludeDocId: number): Promise<ReservedLine[]> {
      // Every line document's submission asks it: a plain statement (see rawReads).
      const sql = dialect.sql();
      const rows = await dialect.select(
        em,
        `SELECT d."docNo", d."docType", l."batchCode", l."startNo", l."endNo"
           FROM "document_line" l INNER JOIN "bill_document" d ON d."id" = l."documentId"
          WHERE d."docType" IN (${sql.list(types)}) AND d."status" = 'submitted'
            AND d."billTypeId" = ${sql.p(billTypeId)} AND d."id" <> ${sql.p(excludeDocId)}
            AND l."batchCode" IN (${sql.list(batchCodes)})`,
        sql.params,
      );
      return rows.map((r) => ({
        docNo: String(r.docNo),
        docType: r.docType as DocType,
        batchCode: String(r.batchCode),
        startNo: Number(r.startNo),
        endNo: Number(r.endNo),
      }));
    },

    /**
     * Renders documents with their unit and bill type codes; one query per table, not per
     * document, so a list page costs a constant number of queries.
     */
    async views(docs: readonly BillDocument[], opts: ViewOptions = {}): Promise<DocumentView[]> {
      if (docs.length === 0) return [];
      const ids = docs.map((d) => d.id);
      // Units and bill types this transaction already read come from its memo.
      const unitIds = [...new Set(docs.map((d) => d.unitId).filter((x): x is number => x !== null))];
      const btIds = [...new Set(docs.map((d) => d.billTypeId))];
      const knownUnits = unitIds.flatMap((id) => memo?.unit(id) ?? []);
      const knownBts = btIds.flatMap((id) => memo?.billType(id) ?? []);
      const unitsToRead = unitIds.filter((id) => !knownUnits.some((u) => u.id === id));
      const btsToRead = btIds.filter((id) => !knownBts.some((b) => b.id === id));
      // Every read at once (one round trip on PostgreSQL's pipelined connection).
      const [units, bts, lines, trs]: [
        Array<Pick<Unit, 'id' | 'code'>>,
        Array<Pick<BillType, 'id' | 'code' | 'name'>>,
        DocumentLine[],
        Awaited<ReturnType<typeof transitionsWithNames>>,
      ] = await Promise.all([
        // Plain statements (see rawReads): every document a service call returns is rendered here.
        unitsToRead.length
          ? codesByIds('unit', unitsToRead).then((rows) => rows.map((r) => ({ id: Number(r.id), code: String(r.code) })))
          : [],
        btsToRead.length
          ? codesByIds('bill_type', btsToRead).then((rows) =>
              rows.map((r) => ({ id: Number(r.id), code: String(r.code), name: String(r.name) })),
            )
          : [],
        // Only line documents and issuances have lines (workflow.ts, issuance.service.ts): an
        // application's view needs no read for them.
        opts.lines && docs.some((d) => d.docType !== 'application')
          ? reads.rows(DocumentLine, (sql) => `WHERE "documentId" IN (${sql.list(ids)}) ORDER BY "id"`)
          : [],
        // The history with each actor's name, in one statement.
        opts.transitions ? transitionsWithNames(ids) : [],
      ]);
      units.push(...knownUnits);
      bts.push(...knownBts);
      const refs = {
        unitCode: new Map(units.map((u) => [u.id, u.code])),
        billType: new Map(bts.map((b) => [b.id, b])),
        actorName: new Map(trs.flatMap((t) => (t.actorName === null ? [] : [[t.actorId, t.actorName] as const]))),
      };
      return docs.map((d) =>
        toDocumentView(
          d,
          refs,
          opts.lines ? lines.filter((l) => l.documentId === d.id) : undefined,
          opts.transitions ? trs.filter((t) => t.documentId === d.id) : undefined,
        ),
      );
    },

    // 印制单 (print orders) under a print plan.
    orderById: (id: number): Promise<PrintOrder | null> => em.findOneBy(PrintOrder, { id }),
    ordersOfPlan: (planId: number): Promise<PrintOrder[]> => em.find(PrintOrder, { where: { planId }, order: { id: 'ASC' } }),
    orderOverlapping: (batchCode: string, start: number, end: number): Promise<PrintOrder | null> =>
      em
        .createQueryBuilder(PrintOrder, 'o')
        .where('o.batchCode = :bc AND o.startNo <= :e AND o.endNo >= :s', { bc: batchCode, s: start, e: end })
        .getOne(),
    async insertOrder(values: Omit<PrintOrder, 'id'>): Promise<PrintOrder> {
      return em.save(em.create(PrintOrder, values));
    },
    async updateOrder(id: number, patch: Partial<Omit<PrintOrder, 'id'>>): Promise<void> {
      await em.update(PrintOrder, id, patch);
    },
  };

  /** The WHERE clause of `filtered`, as text for a plain statement (the hot reads: rules and cards). */
  function filterSql(sql: Sql, f: DocumentFilter): string {
    const w = [`"docType" = ${sql.p(f.docType)}`];
    if (f.unitId !== undefined) w.push(`"unitId" = ${sql.p(f.unitId)}`);
    if (f.holder === 'bureau') w.push(`"unitId" IS NULL`);
    if (f.holder === 'unit') w.push(`"unitId" IS NOT NULL`);
    if (f.status) w.push(`"status" = ${sql.p(f.status)}`);
    if (f.statuses) w.push(`"status" IN (${sql.list(f.statuses)})`);
    if (f.billTypeId !== undefined) w.push(`"billTypeId" = ${sql.p(f.billTypeId)}`);
    if (f.planYear !== undefined) w.push(`"planYear" = ${sql.p(f.planYear)}`);
    if (f.since) w.push(`COALESCE("submittedAt", "createdAt") >= ${sql.p(f.since.toISOString())}`);
    if (f.before) w.push(`COALESCE("submittedAt", "createdAt") < ${sql.p(f.before.toISOString())}`);
    return `WHERE ${w.join(' AND ')}`;
  }

  function filtered(f: DocumentFilter) {
    const qb = em.createQueryBuilder(BillDocument, 'd').where('d.docType = :t', { t: f.docType });
    if (f.unitId !== undefined) qb.andWhere('d.unitId = :u', { u: f.unitId });
    if (f.holder === 'bureau') qb.andWhere('d.unitId IS NULL');
    if (f.holder === 'unit') qb.andWhere('d.unitId IS NOT NULL');
    if (f.status) qb.andWhere('d.status = :s', { s: f.status });
    if (f.statuses) qb.andWhere('d.status IN (:...ss)', { ss: f.statuses });
    if (f.billTypeId !== undefined) qb.andWhere('d.billTypeId = :bt', { bt: f.billTypeId });
    if (f.planYear !== undefined) qb.andWhere('d.planYear = :y', { y: f.planYear });
    // Instants are ISO strings of one width: they compare as text on both engines.
    if (f.since) qb.andWhere('COALESCE(d.submittedAt, d.createdAt) >= :since', { since: f.since.toISOString() });
    if (f.before) qb.andWhere('COALESCE(d.submittedAt, d.createdAt) < :before', { before: f.before.toISOString() });
    return qb;
  }
}
export type DocumentRepository = ReturnType<typeof makeDocumentRepository>;
