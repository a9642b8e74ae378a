import { STATUS_NAMES } from '../documents/lifecycle';
import type { DocStatus } from '../ledger/ledger.types';
import type { Period } from './report.schemas';
import { num, shanghaiMinute, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';

/** 销毁登记: one run of numbers on a 销毁单 (the register lists every run destroyed). */
export interface DestructionRow {
  docNo: string;
  status: DocStatus;
  statusName: string;
  holderCode: string;
  holderName: string;
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
  reason: string | null;
  createdAt: string;
  reviewedAt: string | null;
  completedAt: string | null;
}

/** Destruction documents created within the period, one row per line; a bureau document shows 财政局. */
export async function destructionRegister(
  q: Pick<ReportsRepository, 'destructionLines'>,
  f: { unitId?: number; billTypeId?: number; period: Period },
  names: Names,
): Promise<DestructionRow[]> {
  const rows = await q.destructionLines(f);
  return rows.map((r) => {
    const u = names.unit(r.unitId === null ? null : Number(r.unitId));
    const b = names.billType(Number(r.billTypeId));
    const status = r.status as DocStatus;
    return {
      docNo: String(r.docNo),
      status,
      statusName: STATUS_NAMES[status] ?? status,
      holderCode: u.code,
      holderName: u.name,
      billTypeCode: b.code,
      billTypeName: b.name,
      batchCode: String(r.batchCode),
      startNo: num(r.startNo),
      endNo: num(r.endNo),
      count: num(r.count),
      reason: (r.reason as string | null) ?? null,
      createdAt: shanghaiMinute(String(r.createdAt)) ?? '',
      reviewedAt: shanghaiMinute((r.reviewedAt as string | null) ?? null),
      completedAt: shanghaiMinute((r.completedAt as string | null) ?? null),
    };
  });
}
