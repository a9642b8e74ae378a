import { cellText } from '../common/raw-rows';
import type { RangeState } from '../ledger/ledger.types';
import type { Period } from './report.schemas';
import { num, shanghaiMinute, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';

/** 财政库存结存: the bureau warehouse per bill type × batch over a period. */
export interface WarehouseBalanceRow {
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  opening: number;
  received: number;
  returnedIn: number;
  issued: number;
  voided: number;
  closing: number;
}

type WFlow = 'received' | 'returnedIn' | 'issued' | 'voided';

/** Where a move into (`in`) or out of (`out`) the warehouse belongs. */
function warehouseFlow(side: 'in' | 'out', holder: string | null, state: RangeState | null): [WFlow, 1 | -1] {
  if (side === 'in') {
    if (holder === 'unit' && state === 'IN_STOCK') return ['returnedIn', 1];
    if (state && state !== 'IN_STOCK') return ['voided', -1];
    return ['received', 1];
  }
  if (holder === 'unit' && state === 'IN_STOCK') return ['issued', 1];
  return ['voided', 1];
}

/**
 * Balance of the bureau's IN_STOCK numbers per bill type and batch: opening, received (入库),
 * returned by units (退回), issued (发放), voided (库存作废/销毁) and closing. Two GROUP BY queries.
 */
export async function warehouseBalance(
  q: Pick<ReportsRepository, 'warehouseSides'>,
  f: { billTypeId?: number; period: Period },
  names: Names,
): Promise<WarehouseBalanceRow[]> {
  const acc = new Map<string, { billTypeId: number; batchCode: string; before: number; upTo: number; flows: Record<WFlow, number> }>();
  for (const side of ['in', 'out'] as const) {
    for (const r of await q.warehouseSides(side, f)) {
      const key = `${cellText(r.billTypeId)}:${cellText(r.batchCode)}`;
      let a = acc.get(key);
      if (!a) {
        a = {
          billTypeId: Number(r.billTypeId),
          batchCode: String(r.batchCode),
          before: 0,
          upTo: 0,
          flows: { received: 0, returnedIn: 0, issued: 0, voided: 0 },
        };
        acc.set(key, a);
      }
      const sign = side === 'in' ? 1 : -1;
      a.before += sign * num(r.before);
      a.upTo += sign * num(r.upTo);
      const [flow, s] = warehouseFlow(side, r.holder as string | null, r.state as RangeState | null);
      a.flows[flow] += s * num(r.within);
    }
  }
  return [...acc.values()]
    .filter((a) => a.before !== 0 || a.upTo !== 0 || Object.values(a.flows).some((v) => v !== 0))
    .map((a) => {
      const b = names.billType(a.billTypeId);
      return { billTypeCode: b.code, billTypeName: b.name, batchCode: a.batchCode, opening: a.before, ...a.flows, closing: a.upTo };
    })
    .sort((x, y) => x.billTypeCode.localeCompare(y.billTypeCode) || x.batchCode.localeCompare(y.batchCode));
}

/** 入库明细: one row per warehouse receipt. */
export interface ReceiptRow {
  receiptId: number;
  receivedAt: string;
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
  note: string | null;
}

/** Receipts into the bureau warehouse within the period, oldest first. */
export async function receiptsDetail(
  q: Pick<ReportsRepository, 'receipts'>,
  f: { billTypeId?: number; period: Period },
  names: Names,
): Promise<ReceiptRow[]> {
  const rows = await q.receipts(f);
  return rows.map((r) => {
    const b = names.billType(Number(r.billTypeId));
    return {
      receiptId: Number(r.id),
      receivedAt: shanghaiMinute(String(r.receivedAt)) ?? '',
      billTypeCode: b.code,
      billTypeName: b.name,
      batchCode: String(r.batchCode),
      startNo: num(r.startNo),
      endNo: num(r.endNo),
      count: num(r.count),
      note: (r.note as string | null) ?? null,
    };
  });
}
