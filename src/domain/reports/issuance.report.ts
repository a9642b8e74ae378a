import type { Period } from './report.schemas';
import { num, shanghaiMinute, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';

/** 发放明细: one run of numbers handed from the warehouse to a unit. */
export interface IssuanceRow {
  issuedAt: string;
  issuanceNo: string;
  applicationNo: string;
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
}

/** Every issue movement of the period (journal `issue` rows), with its 发放单 and 申领单 numbers. */
export async function issuanceDetail(
  q: Pick<ReportsRepository, 'issues'>,
  f: { unitId?: number; billTypeId?: number; period: Period },
  names: Names,
): Promise<IssuanceRow[]> {
  const rows = await q.issues(f);
  return rows.map((r) => {
    const u = names.unit(r.unitId === null ? null : Number(r.unitId));
    const b = names.billType(Number(r.billTypeId));
    return {
      issuedAt: shanghaiMinute(String(r.at)) ?? '',
      issuanceNo: (r.issuanceNo as string | null) ?? '',
      applicationNo: (r.applicationNo as string | null) ?? '',
      unitCode: u.code,
      unitName: u.name,
      billTypeCode: b.code,
      billTypeName: b.name,
      batchCode: String(r.batchCode),
      startNo: num(r.startNo),
      endNo: num(r.endNo),
      count: num(r.count),
    };
  });
}
