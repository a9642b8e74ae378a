import type { RangeState } from '../ledger/ledger.types';
import type { Period } from './report.schemas';
import { num, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';

/** One 领用存 line: counts of one unit × bill type over the period. */
export interface StockMovementRow {
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  opening: number;
  received: number;
  used: number;
  voided: number;
  lost: number;
  returned: number;
  closing: number;
}

export type Flow = 'received' | 'used' | 'voided' | 'lost' | 'returned';
export const FLOWS: readonly Flow[] = ['received', 'used', 'voided', 'lost', 'returned'];

/** Which flow a move OUT of a unit's stock is, by where the numbers went. */
export function outFlow(toHolder: string, toState: RangeState): Flow {
  if (toState === 'USED' || toState === 'WRITTEN_OFF') return 'used';
  if (toState === 'VOIDED' || toState === 'STOCK_VOIDED' || toState === 'DESTROYED') return 'voided';
  if (toState === 'LOST') return 'lost';
  return 'returned';
}

/**
 * Which flow a move INTO a unit's stock is, with its sign: numbers coming back from a reported
 * state (write-off rejected or withdrawn) undo that report; anything else is a receipt (发放).
 */
export function inFlow(fromHolder: string | null, fromState: RangeState | null): [Flow, 1 | -1] {
  if (fromState && fromState !== 'IN_STOCK') return [outFlow(fromHolder ?? 'unit', fromState), -1];
  return ['received', 1];
}

export interface MovementFilter {
  unitId?: number;
  billTypeId?: number;
  period: Period;
}

interface Acc {
  unitId: number;
  billTypeId: number;
  before: number;
  upTo: number;
  flows: Record<Flow, number>;
}

/**
 * 领用存: per unit × bill type, opening and closing stock and the period's net flows, from the
 * journal alone. Two GROUP BY queries (moves into and out of unit stock) whatever the number of
 * units. Opening, closing and each flow are separate sums, so the identity
 * closing = opening + received − used − voided − lost − returned is a check, not a construction.
 */
export async function stockMovement(
  q: Pick<ReportsRepository, 'unitStockSides'>,
  f: MovementFilter,
  names: Names,
): Promise<StockMovementRow[]> {
  const acc = new Map<string, Acc>();
  const get = (unitId: number, billTypeId: number): Acc => {
    const key = `${unitId}:${billTypeId}`;
    let a = acc.get(key);
    if (!a) {
      a = { unitId, billTypeId, before: 0, upTo: 0, flows: { received: 0, used: 0, voided: 0, lost: 0, returned: 0 } };
      acc.set(key, a);
    }
    return a;
  };
  for (const side of ['in', 'out'] as const) {
    const rows = await q.unitStockSides(side, f);
    for (const r of rows) {
      const a = get(Number(r.unitId), Number(r.billTypeId));
      const sign = side === 'in' ? 1 : -1;
      a.before += sign * num(r.before);
      a.upTo += sign * num(r.upTo);
      const within = num(r.within);
      if (within === 0) continue;
      if (side === 'out') a.flows[outFlow(r.holder ?? 'unit', r.state as RangeState)] += within;
      else {
        const [flow, s] = inFlow(r.holder, r.state);
        a.flows[flow] += s * within;
      }
    }
  }
  const out: StockMovementRow[] = [];
  for (const a of acc.values()) {
    if (a.before === 0 && a.upTo === 0 && FLOWS.every((k) => a.flows[k] === 0)) continue;
    const u = names.unit(a.unitId);
    const b = names.billType(a.billTypeId);
    out.push({
      unitCode: u.code,
      unitName: u.name,
      billTypeCode: b.code,
      billTypeName: b.name,
      opening: a.before,
      ...a.flows,
      closing: a.upTo,
    });
  }
  return out.sort((x, y) => x.unitCode.localeCompare(y.unitCode) || x.billTypeCode.localeCompare(y.billTypeCode));
}
