import type { Place } from './ledger.types';
import { overlaps, split, subtract, type Span } from './ranges';
import { isAt } from './range.queries';
import type { StockRange } from './stock-range.entity';

/** One run of a batch to move from one place to another. */
export interface PlannedMove {
  batchCode: string;
  span: Span;
  from: Place;
  to: Place;
}

/** The row changes that carry out a list of moves: each row is written at most once. */
export interface MovePlan {
  spans: Array<{ id: number; span: Span }>;
  deleted: number[];
  inserted: Array<Omit<StockRange, 'id' | 'updatedAt'>>;
}

/** A row as the plan sees it: read (with its id) or made by an earlier move of the plan (id null). */
interface Piece extends Place {
  id: number | null;
  batchCode: string;
  span: Span;
  read: Span | null;
  gone: boolean;
}

/**
 * Carries out moves of one bill type, in order, on the rows read for all of them at once (the rows
 * at each `from` overlapping its run, and the rows at each `to` adjacent to it), exactly as moving
 * them one by one would: the rows leaving are cut, the arriving run merges with its neighbours at
 * the destination — including a run an earlier move of the plan has just put there. A `from` that is
 * also some move's `to` is not planned here (the caller moves those one by one).
 * Returns the first move whose numbers are not all at its `from`, with the missing spans, instead.
 */
export function planMoves(
  billTypeId: number,
  rows: readonly StockRange[],
  moves: readonly PlannedMove[],
): MovePlan | { failed: PlannedMove; missing: Span[] } {
  const pieces: Piece[] = rows.map((r) => ({
    id: r.id,
    holder: r.holder,
    unitId: r.unitId ?? null,
    state: r.state,
    batchCode: r.batchCode,
    span: { start: r.startNo, end: r.endNo },
    read: { start: r.startNo, end: r.endNo },
    gone: false,
  }));
  const live = (batchCode: string, place: Place) =>
    pieces.filter((p) => !p.gone && p.batchCode === batchCode && isAt(p, place)).sort((a, b) => a.span.start - b.span.start);

  for (const m of moves) {
    const leaving = live(m.batchCode, m.from).filter((p) => overlaps(p.span, m.span));
    const missing = subtract(
      [m.span],
      leaving.map((p) => p.span),
    );
    if (missing.length > 0) return { failed: m, missing };
    for (const p of leaving) {
      const { left, right } = split(p.span, m.span);
      if (left && right) pieces.push({ ...p, id: null, span: right, read: null });
      if (left) p.span = left;
      else if (right) p.span = right;
      else p.gone = true;
    }
    const neighbours = live(m.batchCode, m.to).filter((p) => p.span.end === m.span.start - 1 || p.span.start === m.span.end + 1);
    if (neighbours.length === 0) {
      pieces.push({ ...m.to, id: null, batchCode: m.batchCode, span: { ...m.span }, read: null, gone: false });
      continue;
    }
    // The first neighbour grows to cover the run (and the second neighbour, which goes).
    const [first, ...others] = neighbours;
    first.span = {
      start: Math.min(m.span.start, ...neighbours.map((n) => n.span.start)),
      end: Math.max(m.span.end, ...neighbours.map((n) => n.span.end)),
    };
    for (const o of others) o.gone = true;
  }

  const plan: MovePlan = { spans: [], deleted: [], inserted: [] };
  for (const p of pieces) {
    if (p.id === null) {
      if (!p.gone)
        plan.inserted.push({
          billTypeId,
          batchCode: p.batchCode,
          startNo: p.span.start,
          endNo: p.span.end,
          holder: p.holder,
          unitId: p.unitId,
          state: p.state,
        });
    } else if (p.gone) plan.deleted.push(p.id);
    else if (p.read && (p.read.start !== p.span.start || p.read.end !== p.span.end)) plan.spans.push({ id: p.id, span: p.span });
  }
  return plan;
}
