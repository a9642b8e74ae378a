import type { EntityManager } from 'typeorm';
import type { Period } from './report.schemas';
import { num, run, shanghaiMinute, sqlFor, periodFilter, type Names } from './report-sql';

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
  em: EntityManager,
  f: { unitId?: number; billTypeId?: number; period: Period },
  names: Names,
): Promise<IssuanceRow[]> {
  const sql = sqlFor(em);
  const cond = periodFilter(sql, f, { first: `j."operation" = 'issue'`, at: 'j."at"', unit: 'j."toUnitId"', billType: 'j."billTypeId"' });
  const text = `SELECT j."at" AS "at", j."toUnitId" AS "unitId", j."billTypeId" AS "billTypeId", j."batchCode" AS "batchCode",
      j."startNo" AS "startNo", j."endNo" AS "endNo", j."count" AS "count", d."docNo" AS "issuanceNo", a."docNo" AS "applicationNo"
    FROM "journal_entry" j
    LEFT JOIN "bill_document" d ON d."id" = j."docId"
    LEFT JOIN "bill_document" a ON a."id" = d."applicationId"
    WHERE ${cond.join(' AND ')}
    ORDER BY j."at", j."id"`;
  const rows = await run<Record<string, unknown>>(em, sql, text);
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
