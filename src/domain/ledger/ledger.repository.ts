import { rawReads } from '../db/raw-reads';
import { rawWrites } from '../db/raw-writes';
import type { Write } from '../db/dialect';
import type { RepoContext } from '../db/store';
import { ConflictError } from '../errors';
import { BillType } from '../catalog/bill-type.entity';
import { Batch } from './batch.entity';
import { checkLedgerInvariants } from './invariants.queries';
import { JournalEntry } from './journal-entry.entity';
import type { DocType, Place } from './ledger.types';
import { countOf, formatSpan, split, subtract, type Span } from './ranges';
import { planMoves, type PlannedMove } from './move-plan';
import { isAt, rangeSql } from './range.queries';
import { StockRange } from './stock-range.entity';
import { toDbInstant } from '../db/columns';

/** What a movement is recorded as in the journal. */
export interface Movement {
  operation: string;
  docType: DocType | 'receipt';
  docId: number;
  actorId: number;
  at: Date;
}

/** A run of numbers of one batch. */
export interface Run {
  billTypeId: number;
  batchCode: string;
  span: Span;
}

/** One row of a holder's stock, with its bill type's code and name. */
export interface StockRow {
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: number;
  endNo: number;
}

/** Runs planned and written together by moveRuns. */
const MOVES_PER_STATEMENT = 50;

/** The refusal of a move whose numbers are not all where it takes them from. */
const notHeld = (batchCode: string, missing: readonly Span[]) =>
  new ConflictError(
    'RANGE_NOT_HELD',
    `票据代码 ${batchCode} 的号码 ${missing.map(formatSpan).join('、')} 不在可操作的库存中`,
    missing.map((s) => ({ batchCode, startNo: s.start, endNo: s.end })),
  );

/** Moves where one's `from` is another's (or its own) `to`: planMoves does not plan those together. */
const isTangled = (moves: ReadonlyArray<PlannedMove>): boolean => moves.some((a) => moves.some((b) => isAt(a.from, b.to)));

/** Moves planned on one read and written in one statement (moveRunsOver); others go through moveRuns. */
const inOneStatement = (moves: ReadonlyArray<PlannedMove>): boolean => moves.length <= MOVES_PER_STATEMENT && !isTangled(moves);

/**
 * The number-range ledger: stock ranges (one holder and state each), batches and the append-only
 * journal. Storage grows with operations, never with the number of bills (domain.md).
 */
export function makeLedgerRepository(ctx: RepoContext) {
  const { em, dialect, memo } = ctx;
  const ranges = rangeSql(em, dialect);
  const raw = rawReads(em, dialect);
  const writes = rawWrites(ctx);

  /** Ranges of one batch at a place that overlap a span, lowest first. */
  const findAt = (run: Run, place: Place): Promise<StockRange[]> =>
    ranges.overlapAndNeighbours(run.billTypeId, run.batchCode, run.span, place, null);

  /**
   * The writes that put a run at a place merged with its adjacent runs there (already read), so row
   * counts stay small; `extra` rows are inserted with it.
   */
  function mergeIn(
    run: Run,
    to: Place,
    neighbours: readonly StockRange[],
    at: Date,
    extra: Array<Omit<StockRange, 'id'>> = [],
  ): Array<Write | null> {
    let { start, end } = run.span;
    for (const n of neighbours) {
      start = Math.min(start, n.startNo);
      end = Math.max(end, n.endNo);
    }
    if (neighbours.length === 0) {
      return [
        ranges.insert([
          ...extra,
          { ...to, billTypeId: run.billTypeId, batchCode: run.batchCode, startNo: start, endNo: end, updatedAt: at },
        ]),
      ];
    }
    // The first neighbour grows to cover the run (and the second neighbour, which goes).
    return [
      ranges.setSpan(neighbours[0].id, { start, end }, at),
      ranges.delete(neighbours.slice(1).map((n) => n.id)),
      ranges.insert(extra),
    ];
  }

  /** The journal rows of a movement's runs, in their order (from = null for receipts into the warehouse). */
  function journalRows(runs: ReadonlyArray<{ run: Run; from: Place | null; to: Place }>, mv: Movement): Write {
    const sql = dialect.sql();
    const values = runs.map(({ run, from, to }) =>
      [
        mv.operation,
        mv.docType,
        mv.docId,
        run.billTypeId,
        run.batchCode,
        run.span.start,
        run.span.end,
        countOf(run.span),
        from?.holder ?? null,
        from?.unitId ?? null,
        from?.state ?? null,
        to.holder,
        to.unitId,
        to.state,
        mv.actorId,
        toDbInstant(mv.at),
      ].map((v) => sql.p(v)),
    );
    return {
      text: `INSERT INTO "journal_entry" ("operation", "docType", "docId", "billTypeId", "batchCode", "startNo", "endNo", "count", "fromHolder",
         "fromUnitId", "fromState", "toHolder", "toUnitId", "toState", "actorId", "at") VALUES ${values.map((v) => `(${v.join(', ')})`).join(', ')}`,
      params: sql.params,
    };
  }
  const journalRow = (run: Run, from: Place | null, to: Place, mv: Movement): Write => journalRows([{ run, from, to }], mv);

  /** The writes that carry out moves planned on `rows` (planMoves), with the caller's `along`; the first move not held aborts. */
  function plannedWrites(
    billTypeId: number,
    rows: readonly StockRange[],
    moves: ReadonlyArray<PlannedMove>,
    mv: Movement,
    along: ReadonlyArray<Write | null>,
  ): Array<Write | null> {
    const plan = planMoves(billTypeId, rows, moves);
    if ('failed' in plan) throw notHeld(plan.failed.batchCode, plan.missing);
    return [
      ...along,
      ...plan.spans.map((s) => ranges.setSpan(s.id, s.span, mv.at)),
      ranges.delete(plan.deleted),
      ranges.insert(plan.inserted.map((r) => ({ ...r, updatedAt: mv.at }))),
      journalRows(
        moves.map((m) => ({ run: { billTypeId, batchCode: m.batchCode, span: m.span }, from: m.from, to: m.to })),
        mv,
      ),
    ];
  }

  return {
    findAt,
    /** The rows at any of the places overlapping any of the runs of one bill type, in one statement. */
    findAtAny: (billTypeId: number, runs: ReadonlyArray<{ batchCode: string; span: Span }>, places: readonly Place[]) =>
      ranges.overlapping(billTypeId, runs, places),
    /** Adds a run at a place, merged with adjacent runs of the same place, and journals its arrival from `from`. */
    async placeRun(run: Run, from: Place | null, to: Place, mv: Movement): Promise<void> {
      const neighbours = await ranges.overlapAndNeighbours(run.billTypeId, run.batchCode, run.span, null, to);
      await writes.writeAll([...mergeIn(run, to, neighbours, mv.at), journalRow(run, from, to, mv)]);
    },

    /**
     * Locks a bill type's row: every ledger-changing transaction takes it first (the lock order).
     * In a transaction the locked row is read whole and kept in the memo, so the call's later reads
     * of its bill type cost no statement.
     */
    async lockBillType(billTypeId: number): Promise<void> {
      if (!memo) return dialect.lockRow(em, 'bill_type', billTypeId);
      memo.keepBillType(await raw.first(BillType, (sql) => `WHERE "id" = ${sql.p(billTypeId)}`, { lock: true }));
    },

    /**
     * Locks the bill type of a document (the lock order: bill type, then document) in one statement
     * and returns it; null when there is no such document.
     */
    async lockBillTypeOf(docType: DocType, documentId: number): Promise<BillType | null> {
      const bt = await raw.first(
        BillType,
        (sql) =>
          `WHERE "id" = (SELECT "billTypeId" FROM "bill_document" WHERE "id" = ${sql.p(documentId)} AND "docType" = ${sql.p(docType)})`,
        { lock: true },
      );
      return memo ? memo.keepBillType(bt) : bt;
    },

    /** Numbers of a run that are NOT at the place (empty when the place holds all of them). */
    async missingAt(run: Run, place: Place): Promise<Span[]> {
      const rows = await findAt(run, place);
      return subtract(
        [run.span],
        rows.map((r) => ({ start: r.startNo, end: r.endNo })),
      );
    },

    /**
     * Moves every number of a run from one place to another and journals it. The caller's
     * transaction makes it atomic; a number not at `from` aborts with a ConflictError naming it.
     * `along`: the caller's own independent writes (its document's lines), sent with the move's.
     */
    async moveRun(run: Run, from: Place, to: Place, mv: Movement, along: ReadonlyArray<Write | null> = []): Promise<void> {
      // One read for both ends: the rows leaving `from` and the rows at `to` the run merges with.
      const same = isAt(to, from);
      const read = await ranges.overlapAndNeighbours(run.billTypeId, run.batchCode, run.span, from, same ? null : to);
      const rows = read.filter((r) => isAt(r, from));
      const missing = subtract(
        [run.span],
        rows.map((r) => ({ start: r.startNo, end: r.endNo })),
      );
      if (missing.length > 0) throw notHeld(run.batchCode, missing);
      // Every write of the move (the leaving rows cut, the arriving run merged, the journal row)
      // touches its own row and reads nothing another one writes: one writeAll.
      const cuts: Array<Write | null> = [];
      const gone: number[] = [];
      const rightPieces: Array<Omit<StockRange, 'id'>> = [];
      for (const r of rows) {
        const { left, right } = split({ start: r.startNo, end: r.endNo }, run.span);
        if (left) cuts.push(ranges.setSpan(r.id, left, mv.at));
        else if (!right) gone.push(r.id);
        if (right) {
          if (left)
            rightPieces.push({
              ...from,
              billTypeId: r.billTypeId,
              batchCode: r.batchCode,
              startNo: right.start,
              endNo: right.end,
              updatedAt: mv.at,
            });
          else cuts.push(ranges.setSpan(r.id, right, mv.at));
        }
      }
      cuts.push(ranges.delete(gone));
      if (same) {
        // A run moved within one place merges with what its own removal left: write that first, then re-read.
        await writes.writeAll([...along, ...cuts, ranges.insert(rightPieces)]);
        const neighbours = await ranges.overlapAndNeighbours(run.billTypeId, run.batchCode, run.span, null, to);
        await writes.writeAll([...mergeIn(run, to, neighbours, mv.at), journalRow(run, from, to, mv)]);
        return;
      }
      const neighbours = read.filter((r) => !isAt(r, from));
      await writes.writeAll([...along, ...cuts, ...mergeIn(run, to, neighbours, mv.at, rightPieces), journalRow(run, from, to, mv)]);
    },

    /**
     * Moves several runs of one bill type (a document's lines), in order, with one read and one
     * statement of writes, where moving them one by one took a read and a write each: the rows are
     * read together and the moves carried out on them in memory (planMoves), which writes each row
     * once. Moves where a run's `from` is also some run's `to` go one by one. The first run not all
     * at its `from` aborts with the ConflictError moveRun gives, before anything is written.
     * `along`: the caller's own independent writes, sent with the moves'.
     */
    async moveRuns(
      billTypeId: number,
      moves: ReadonlyArray<PlannedMove>,
      mv: Movement,
      along: ReadonlyArray<Write | null> = [],
    ): Promise<void> {
      if (moves.length < 2 || isTangled(moves)) {
        let pending = along;
        for (const m of moves) {
          await this.moveRun({ billTypeId, batchCode: m.batchCode, span: m.span }, m.from, m.to, mv, pending);
          pending = [];
        }
        if (pending.length > 0) await writes.writeAll(pending);
        return;
      }
      // A few dozen runs a statement: a document of 1,000 lines is a few reads and statements, not
      // one of thousands of parts. Each group's read is sent after the group before it has written.
      for (let i = 0; i < moves.length; i += MOVES_PER_STATEMENT) {
        const group = moves.slice(i, i + MOVES_PER_STATEMENT);
        await writes.writeAll(plannedWrites(billTypeId, await ranges.forMoves(billTypeId, group), group, mv, i === 0 ? along : []));
      }
    },

    /**
     * moveRuns on rows the caller has read already (with an earlier statement of its own), so the
     * moves cost no read: `rows` must hold, for each move, the rows at its `from` overlapping it and
     * the rows at its `to` adjacent to it; other rows are left alone. Moves that moveRuns would not
     * plan in one statement (more than a statement's worth, or tangled) go through moveRuns.
     */
    async moveRunsOver(
      billTypeId: number,
      rows: readonly StockRange[],
      moves: ReadonlyArray<PlannedMove>,
      mv: Movement,
      along: ReadonlyArray<Write | null> = [],
    ): Promise<void> {
      if (!inOneStatement(moves)) return this.moveRuns(billTypeId, moves, mv, along);
      await writes.writeAll(plannedWrites(billTypeId, rows, moves, mv, along));
    },

    /**
     * The rows moveRunsOver needs for `moves`, read now so the read can travel with the caller's
     * other reads; null when moveRuns would not plan them in one statement (it reads for itself then).
     */
    readForMoves: (billTypeId: number, moves: ReadonlyArray<PlannedMove>): Promise<StockRange[]> | null =>
      moves.length > 0 && inOneStatement(moves) ? ranges.forMoves(billTypeId, moves) : null,

    /** An application's warehouse rows and the unit's rows next to them, behind the lock in one round trip (rangeSql.forIssue). */
    forIssue: (applicationId: number): Promise<StockRange[]> => ranges.forIssue(applicationId),

    /** The rows approving a line document moves, behind the lock with its lines in one round trip (rangeSql.forDocumentLines). */
    forDocumentLines: (documentId: number): Promise<StockRange[]> => ranges.forDocumentLines(documentId),

    /** How many numbers of a bill type a place holds (all batches): one SUM over its runs. */
    countAt: (billTypeId: number, place: Place): Promise<number> => ranges.sumAt(billTypeId, place),

    /**
     * IN_STOCK runs of the bureau (unitCode undefined) or of one unit, optionally of one bill type,
     * ordered by bill type, batch and number: one indexed query whose cost grows with the holder's
     * ranges, never with its bills.
     */
    async stockRows(q: { unitCode?: string; billTypeCode?: string }): Promise<StockRow[]> {
      const sql = dialect.sql();
      let from = '"stock_range" r JOIN "bill_type" b ON b."id" = r."billTypeId"';
      let where = `r."holder" = ${sql.p(q.unitCode === undefined ? 'bureau' : 'unit')} AND r."state" = 'IN_STOCK'`;
      if (q.unitCode === undefined) where += ' AND r."unitId" IS NULL';
      else {
        from += ' JOIN "unit" u ON u."id" = r."unitId"';
        where += ` AND u."code" = ${sql.p(q.unitCode)}`;
      }
      if (q.billTypeCode !== undefined) where += ` AND b."code" = ${sql.p(q.billTypeCode)}`;
      const rows: Array<Omit<StockRow, 'startNo' | 'endNo'> & { startNo: string | number; endNo: string | number }> = await em.query(
        `SELECT b."code" AS "billTypeCode", b."name" AS "billTypeName", r."batchCode" AS "batchCode", r."startNo" AS "startNo", r."endNo" AS "endNo"
           FROM ${from} WHERE ${where}
          ORDER BY b."code", r."batchCode", r."startNo"`,
        sql.params,
      );
      return rows.map((r) => ({ ...r, startNo: Number(r.startNo), endNo: Number(r.endNo) }));
    },

    /** Creates a batch unless its code exists (first writer wins), then reads who owns it. */
    async ensureBatch(batchCode: string, billTypeId: number, at: Date): Promise<Batch> {
      await dialect.insertIgnore(em, Batch, { batchCode, billTypeId, createdAt: at });
      return em.findOneByOrFail(Batch, { batchCode });
    },

    batchByCode: (batchCode: string): Promise<Batch | null> => em.findOneBy(Batch, { batchCode }),

    /** Every line document checks its batches here: a plain statement (see rawReads). */
    batchesByCodes: (codes: string[]): Promise<Batch[]> =>
      codes.length === 0 ? Promise.resolve([]) : raw.rows(Batch, (sql) => `WHERE "batchCode" IN (${sql.list(codes)})`),

    /** Journal rows of write-off approvals that touched a run (when were these stubs written off). */
    writeoffApprovals: (run: Run): Promise<JournalEntry[]> =>
      em
        .createQueryBuilder(JournalEntry, 'j')
        .where('j.operation = :op AND j.billTypeId = :bt AND j.batchCode = :bc', {
          op: 'writeoff.approve',
          bt: run.billTypeId,
          bc: run.batchCode,
        })
        .andWhere('j.startNo <= :end AND j.endNo >= :start', { start: run.span.start, end: run.span.end })
        .getMany(),

    /** domain.md's invariants checked over the whole ledger with set-based SQL. */
    checkInvariants: () => checkLedgerInvariants(em),

    /** Every run (any holder and state, any batch) that contains the number, optionally of one bill type. */
    rangesCovering(no: number, billTypeId?: number): Promise<StockRange[]> {
      const qb = em.createQueryBuilder(StockRange, 'r').where('r.startNo <= :no AND r.endNo >= :no', { no });
      if (billTypeId !== undefined) qb.andWhere('r.billTypeId = :bt', { bt: billTypeId });
      return qb.orderBy('r.billTypeId', 'ASC').addOrderBy('r.batchCode', 'ASC').getMany();
    },
  };
}
export type LedgerRepository = ReturnType<typeof makeLedgerRepository>;
