import type { EntityManager } from 'typeorm';
import { STATUS_NAMES } from '../documents/lifecycle';
import type { DocStatus } from '../ledger/ledger.types';
import type { Period } from './report.schemas';
import { num, run, shanghaiMinute, sqlFor, periodFilter, type Names } from './report-sql';

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
  em: EntityManager,
  f: { unitId?: number; billTypeId?: number; period: Period },
  names: Names,
): Promise<DestructionRow[]> {
  const sql = sqlFor(em);
  const cond = periodFilter(sql, f, {
    first: `d."docType" = 'destruction'`,
    at: 'd."createdAt"',
    unit: 'd."unitId"',
    billType: 'd."billTypeId"',
  });
  const text = `SELECT d."docNo" AS "docNo", d."status" AS "status", d."unitId" AS "unitId", d."billTypeId" AS "billTypeId",
      d."reason" AS "reason", d."createdAt" AS "createdAt", d."reviewedAt" AS "reviewedAt", d."completedAt" AS "completedAt",
      l."batchCode" AS "batchCode", l."startNo" AS "startNo", l."endNo" AS "endNo", l."count" AS "count"
    FROM "bill_document" d JOIN "document_line" l ON l."documentId" = d."id"
    WHERE ${cond.join(' AND ')}
    ORDER BY d."createdAt", d."id", l."batchCode", l."startNo"`;
  const rows = await run<Record<string, unknown>>(em, sql, text);
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
