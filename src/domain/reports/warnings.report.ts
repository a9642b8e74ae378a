import { DateTime } from 'luxon';
import { cellText } from '../common/raw-rows';
import { normalize, overlaps, subtract, totalCount, type Span } from '../ledger/ranges';
import { addMonths, dayStartIso, shanghaiDay, type Period } from './report.schemas';
import { num, shanghaiMinute, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';
import { stockMovement } from './stock-movement.report';

/** A unit × bill type whose stock is below its threshold. */
export interface LowStockRow {
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  stock: number;
  avgMonthlyUse: number;
  threshold: number;
}

/** A unit × bill type holding numbers issued long ago that no approved write-off covers (核旧领新). */
export interface OverdueWriteoffRow {
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  heldOldCount: number;
  oldestIssuedAt: string;
  lastApprovedCutoff: string | null;
  pendingWriteoffs: number;
}

export interface WarningOptions {
  unitId?: number;
  billTypeId?: number;
  /** Fixed threshold (count); else `coverMonths` × average monthly use. */
  threshold?: number;
  coverMonths: number;
  overdueMonths: number;
  /** Months of history behind the average monthly use. */
  lookbackMonths: number;
}

/**
 * Low stock: current stock (journal closing today) below the threshold. Average monthly use is
 * what the unit reported as used (已开) over the look-back window — voids and 换版 are not use;
 * a unit that reported nothing yet is judged by what it was issued, so new units still get warned.
 */
export async function lowStock(
  q: Pick<ReportsRepository, 'unitStockSides'>,
  now: Date,
  o: WarningOptions,
  names: Names,
): Promise<LowStockRow[]> {
  const today = shanghaiDay(now);
  const from = addMonths(today, -o.lookbackMonths);
  const period: Period = { from, to: today, startIso: dayStartIso(from, 1), endIso: dayStartIso(today, 1) };
  const rows = await stockMovement(q, { unitId: o.unitId, billTypeId: o.billTypeId, period }, names);
  const out: LowStockRow[] = [];
  for (const r of rows) {
    const avg = Math.round(((r.used > 0 ? r.used : r.received) / o.lookbackMonths) * 10) / 10;
    const threshold = o.threshold ?? Math.ceil(avg * o.coverMonths);
    if (threshold > 0 && r.closing < threshold) {
      out.push({
        unitCode: r.unitCode,
        unitName: r.unitName,
        billTypeCode: r.billTypeCode,
        billTypeName: r.billTypeName,
        stock: r.closing,
        avgMonthlyUse: avg,
        threshold,
      });
    }
  }
  return out;
}

/**
 * Overdue write-offs, as the 核旧领新 check sees them: the unit still holds (IN_STOCK) numbers
 * issued to it more than `overdueMonths` ago and its latest approved
 * write-off of that bill type has no cut-off date within those months.
 */
export async function overdueWriteoffs(
  q: Pick<ReportsRepository, 'overdueInputs'>,
  now: Date,
  o: WarningOptions,
  names: Names,
): Promise<OverdueWriteoffRow[]> {
  // The same limit as checkOldBeforeNew (application.rules.ts), so a warning predicts a refusal.
  const limit = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).minus({ months: o.overdueMonths });
  const cutoffDay = limit.toISODate() as string;
  const cutoffIso = limit.toJSDate().toISOString();
  const { issues, held, docs } = await q.overdueInputs({ unitId: o.unitId, billTypeId: o.billTypeId });

  type Group = { held: Span[]; old: Array<Span & { at: string }> };
  const groups = new Map<string, Group>();
  const group = (r: Record<string, unknown>): Group => {
    const key = [r.unitId, r.billTypeId, r.batchCode].map(cellText).join(':');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { held: [], old: [] }));
    return g;
  };
  for (const r of held) group(r).held.push({ start: num(r.startNo), end: num(r.endNo) });
  for (const r of issues) {
    const g = groups.get([r.unitId, r.billTypeId, r.batchCode].map(cellText).join(':'));
    if (!g) continue;
    if (String(r.at) < cutoffIso) g.old.push({ start: num(r.startNo), end: num(r.endNo), at: String(r.at) });
  }
  const perPair = new Map<string, { count: number; oldest: string }>();
  for (const [key, g] of groups) {
    if (g.old.length === 0) continue;
    const heldSpans = normalize(g.held);
    const heldOld = subtract(heldSpans, subtract(heldSpans, g.old));
    if (heldOld.length === 0) continue;
    const oldest = g.old.filter((s) => heldOld.some((h) => overlaps(h, s))).reduce((m, s) => (s.at < m ? s.at : m), '9999');
    const pair = key.split(':').slice(0, 2).join(':');
    const p = perPair.get(pair) ?? { count: 0, oldest: '9999' };
    perPair.set(pair, { count: p.count + totalCount(heldOld), oldest: oldest < p.oldest ? oldest : p.oldest });
  }
  const docBy = new Map(docs.map((d) => [[d.unitId, d.billTypeId].map(cellText).join(':'), d]));
  const out: OverdueWriteoffRow[] = [];
  for (const [pair, p] of perPair) {
    const d = docBy.get(pair);
    const lastCutoff = (d?.lastCutoff as string | null | undefined) ?? null;
    if (lastCutoff !== null && lastCutoff >= cutoffDay) continue;
    const [unitId, billTypeId] = pair.split(':').map(Number);
    const u = names.unit(unitId);
    const b = names.billType(billTypeId);
    out.push({
      unitCode: u.code,
      unitName: u.name,
      billTypeCode: b.code,
      billTypeName: b.name,
      heldOldCount: p.count,
      oldestIssuedAt: shanghaiMinute(p.oldest) ?? '',
      lastApprovedCutoff: lastCutoff,
      pendingWriteoffs: num(d?.pending),
    });
  }
  return out.sort((x, y) => x.unitCode.localeCompare(y.unitCode) || x.billTypeCode.localeCompare(y.billTypeCode));
}
