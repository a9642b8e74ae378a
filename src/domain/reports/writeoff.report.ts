import { STATUS_NAMES } from '../documents/lifecycle';
import type { DocStatus } from '../ledger/ledger.types';
import type { Period } from './report.schemas';
import { num, shanghaiMinute, type Names } from './report-names';
import type { ReportsRepository } from './reports.repository';

/** 核销情况: one write-off (核销单) with its counts by kind. */
export interface WriteoffRow {
  docNo: string;
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  cutoffDate: string | null;
  status: DocStatus;
  statusName: string;
  result: string | null;
  amount: number;
  used: number;
  voided: number;
  lost: number;
  total: number;
  submittedAt: string | null;
  reviewedAt: string | null;
  opinion: string | null;
}

/** 核销情况 summed per unit. */
export interface WriteoffUnitRow {
  unitCode: string;
  unitName: string;
  documents: number;
  approved: number;
  pending: number;
  returned: number;
  amount: number;
  used: number;
  voided: number;
  lost: number;
  total: number;
}

export interface WriteoffFilter {
  unitId?: number;
  billTypeId?: number;
  status?: DocStatus;
  period: Period;
}

/** Write-offs created within the period, with used/voided/lost counts from their lines (two queries). */
export async function writeoffDetail(q: Pick<ReportsRepository, 'writeoffs'>, f: WriteoffFilter, names: Names): Promise<WriteoffRow[]> {
  const { docs, lines } = await q.writeoffs(f);
  const counts = new Map<number, { used: number; voided: number; lost: number }>();
  for (const l of lines) {
    const id = Number(l.documentId);
    const c = counts.get(id) ?? { used: 0, voided: 0, lost: 0 };
    if (l.kind === 'used' || l.kind === 'voided' || l.kind === 'lost') c[l.kind] += num(l.n);
    counts.set(id, c);
  }
  return docs.map((d) => {
    const u = names.unit(d.unitId === null ? null : Number(d.unitId));
    const b = names.billType(Number(d.billTypeId));
    const c = counts.get(Number(d.id)) ?? { used: 0, voided: 0, lost: 0 };
    const status = d.status as DocStatus;
    return {
      docNo: String(d.docNo),
      unitCode: u.code,
      unitName: u.name,
      billTypeCode: b.code,
      billTypeName: b.name,
      cutoffDate: (d.cutoffDate as string | null) ?? null,
      status,
      statusName: STATUS_NAMES[status] ?? status,
      result: (d.result as string | null) ?? null,
      amount: num(d.amount),
      ...c,
      total: c.used + c.voided + c.lost,
      submittedAt: shanghaiMinute((d.submittedAt as string | null) ?? null),
      reviewedAt: shanghaiMinute((d.reviewedAt as string | null) ?? null),
      opinion: (d.opinion as string | null) ?? null,
    };
  });
}

/** Sums write-off rows per unit: how many documents, approved, pending review, returned; amounts and counts. */
export function writeoffsByUnit(rows: readonly WriteoffRow[]): WriteoffUnitRow[] {
  const by = new Map<string, WriteoffUnitRow>();
  for (const r of rows) {
    const u = by.get(r.unitCode) ?? {
      unitCode: r.unitCode,
      unitName: r.unitName,
      documents: 0,
      approved: 0,
      pending: 0,
      returned: 0,
      amount: 0,
      used: 0,
      voided: 0,
      lost: 0,
      total: 0,
    };
    u.documents += 1;
    if (r.status === 'approved' || r.status === 'completed') u.approved += 1;
    else if (r.status === 'submitted') u.pending += 1;
    else if (r.status === 'returned') u.returned += 1;
    u.amount = Math.round((u.amount + r.amount) * 100) / 100;
    u.used += r.used;
    u.voided += r.voided;
    u.lost += r.lost;
    u.total += r.total;
    by.set(r.unitCode, u);
  }
  return [...by.values()].sort((a, b) => a.unitCode.localeCompare(b.unitCode));
}
