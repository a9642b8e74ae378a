import type { EntityManager } from 'typeorm';
import { ConflictError } from '../errors';
import { JournalEntry } from './journal-entry.entity';
import type { DocType, Place } from './ledger.types';
import { countOf, formatSpan, split, subtract, type Span } from './ranges';
import { StockRange } from './stock-range.entity';

/** What a movement is recorded as in the journal. */
export interface Movement {
  operation: string;
  docType: DocType | 'receipt';
  docId: number;
  actorId: number;
  at: Date;
}

export interface Run {
  billTypeId: number;
  batchCode: string;
  span: Span;
}

const placeWhere = (alias: string, p: Place) =>
  `${alias}.holder = :holder AND ${alias}.state = :state AND ` +
  (p.unitId === null ? `${alias}.unitId IS NULL` : `${alias}.unitId = :unitId`);

/** Ranges of one batch at a place that overlap a span, lowest first. */
export function findAt(em: EntityManager, run: Run, place: Place): Promise<StockRange[]> {
  return em
    .createQueryBuilder(StockRange, 'r')
    .where('r.billTypeId = :bt AND r.batchCode = :bc', { bt: run.billTypeId, bc: run.batchCode })
    .andWhere(placeWhere('r', place), { ...place })
    .andWhere('r.startNo <= :end AND r.endNo >= :start', { start: run.span.start, end: run.span.end })
    .orderBy('r.startNo', 'ASC')
    .getMany();
}

/** Numbers of a run that are NOT at the place (empty when the place holds all of them). */
export async function missingAt(em: EntityManager, run: Run, place: Place): Promise<Span[]> {
  const rows = await findAt(em, run, place);
  return subtract(
    [run.span],
    rows.map((r) => ({ start: r.startNo, end: r.endNo })),
  );
}

/** Adds a run at a place, merging with adjacent runs of the same place so row counts stay small. */
export async function placeRun(em: EntityManager, run: Run, to: Place, at: Date): Promise<void> {
  const neighbours = await em
    .createQueryBuilder(StockRange, 'r')
    .where('r.billTypeId = :bt AND r.batchCode = :bc', { bt: run.billTypeId, bc: run.batchCode })
    .andWhere(placeWhere('r', to), { ...to })
    .andWhere('(r.endNo = :before OR r.startNo = :after)', { before: run.span.start - 1, after: run.span.end + 1 })
    .getMany();
  let { start, end } = run.span;
  for (const n of neighbours) {
    start = Math.min(start, n.startNo);
    end = Math.max(end, n.endNo);
  }
  if (neighbours.length > 0)
    await em.delete(
      StockRange,
      neighbours.map((n) => n.id),
    );
  await em.insert(StockRange, { ...to, billTypeId: run.billTypeId, batchCode: run.batchCode, startNo: start, endNo: end, updatedAt: at });
}

/**
 * Moves every number of a run from one place to another and journals it. The caller's
 * transaction makes it atomic; a number not at `from` aborts with a ConflictError naming it.
 */
export async function moveRun(em: EntityManager, run: Run, from: Place, to: Place, mv: Movement): Promise<void> {
  const rows = await findAt(em, run, from);
  const missing = subtract(
    [run.span],
    rows.map((r) => ({ start: r.startNo, end: r.endNo })),
  );
  if (missing.length > 0) {
    throw new ConflictError(
      'RANGE_NOT_HELD',
      `票据代码 ${run.batchCode} 的号码 ${missing.map(formatSpan).join('、')} 不在可操作的库存中`,
      missing.map((s) => ({ batchCode: run.batchCode, startNo: s.start, endNo: s.end })),
    );
  }
  for (const r of rows) {
    const { left, right } = split({ start: r.startNo, end: r.endNo }, run.span);
    if (left) await em.update(StockRange, r.id, { endNo: left.end, updatedAt: mv.at });
    else if (!right) await em.delete(StockRange, r.id);
    if (right) {
      if (left)
        await em.insert(StockRange, {
          ...from,
          billTypeId: r.billTypeId,
          batchCode: r.batchCode,
          startNo: right.start,
          endNo: right.end,
          updatedAt: mv.at,
        });
      else await em.update(StockRange, r.id, { startNo: right.start, updatedAt: mv.at });
    }
  }
  await placeRun(em, run, to, mv.at);
  await journal(em, run, from, to, mv);
}

/** Appends one journal row (from = null for receipts into the warehouse). */
export async function journal(em: EntityManager, run: Run, from: Place | null, to: Place, mv: Movement): Promise<void> {
  await em.insert(JournalEntry, {
    operation: mv.operation,
    docType: mv.docType,
    docId: mv.docId,
    billTypeId: run.billTypeId,
    batchCode: run.batchCode,
    startNo: run.span.start,
    endNo: run.span.end,
    count: countOf(run.span),
    fromHolder: from?.holder ?? null,
    fromUnitId: from?.unitId ?? null,
    fromState: from?.state ?? null,
    toHolder: to.holder,
    toUnitId: to.unitId,
    toState: to.state,
    actorId: mv.actorId,
    at: mv.at,
  });
}

/** Lists the runs at a place for a bill type (all batches), lowest batch and number first. */
export function listAt(em: EntityManager, billTypeId: number, place: Place): Promise<StockRange[]> {
  return em
    .createQueryBuilder(StockRange, 'r')
    .where('r.billTypeId = :bt', { bt: billTypeId })
    .andWhere(placeWhere('r', place), { ...place })
    .orderBy('r.batchCode', 'ASC')
    .addOrderBy('r.startNo', 'ASC')
    .getMany();
}
