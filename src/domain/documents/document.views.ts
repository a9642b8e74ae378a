import { z } from 'zod';
import { DOC_STATUSES, DOC_TYPES, LINE_KINDS } from '../ledger/ledger.types';
import type { BillDocument } from './bill-document.entity';
import type { DocumentLine } from './document-line.entity';
import type { DocumentTransition } from './document-transition.entity';
import { STATUS_NAMES } from './lifecycle';

export const documentLineViewSchema = z.object({
  kind: z.enum(LINE_KINDS),
  batchCode: z.string(),
  startNo: z.number().int(),
  endNo: z.number().int(),
  count: z.number().int(),
});

export const transitionViewSchema = z.object({
  fromStatus: z.enum(DOC_STATUSES).nullable(),
  toStatus: z.enum(DOC_STATUSES),
  actorId: z.number().int(),
  actorName: z.string().nullable(),
  opinion: z.string().nullable(),
  at: z.string(),
});

/** How any ledger document (申领单, 发放单, 核销单, 申退单, 库存作废单, 销毁单, 印制计划) is shown in JSON. */
export const documentViewSchema = z.object({
  id: z.number().int(),
  docNo: z.string(),
  docType: z.enum(DOC_TYPES),
  status: z.enum(DOC_STATUSES),
  statusName: z.string(),
  unitCode: z.string().nullable(),
  billTypeCode: z.string(),
  billTypeName: z.string(),
  quantity: z.number().int(),
  reason: z.string().nullable(),
  opinion: z.string().nullable(),
  result: z.string().nullable(),
  cutoffDate: z.string().nullable(),
  amount: z.number().nullable(),
  applicationId: z.number().int().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  lines: z.array(documentLineViewSchema).optional(),
  transitions: z.array(transitionViewSchema).optional(),
});
export type DocumentView = z.infer<typeof documentViewSchema>;

export interface ViewOptions {
  /** Include document_line rows (ranges reported, returned, issued …). */
  lines?: boolean;
  /** Include the transition history (who, when, opinion). */
  transitions?: boolean;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The references a view shows by code or name instead of id. */
export interface ViewRefs {
  unitCode: Map<number, string>;
  billType: Map<number, { code: string; name: string }>;
  actorName: Map<number, string>;
}

/** Renders one document (any type) with the given lines and transitions, if asked for. */
export function toDocumentView(
  d: BillDocument,
  refs: ViewRefs,
  lines?: readonly DocumentLine[],
  transitions?: readonly DocumentTransition[],
): DocumentView {
  const view: DocumentView = {
    id: d.id,
    docNo: d.docNo,
    docType: d.docType,
    status: d.status,
    statusName: STATUS_NAMES[d.status],
    unitCode: d.unitId === null ? null : (refs.unitCode.get(d.unitId) ?? null),
    billTypeCode: refs.billType.get(d.billTypeId)?.code ?? '',
    billTypeName: refs.billType.get(d.billTypeId)?.name ?? '',
    quantity: d.quantity,
    reason: d.reason,
    opinion: d.opinion,
    result: d.result,
    cutoffDate: d.cutoffDate,
    amount: d.amount === null || d.amount === undefined ? null : Number(d.amount),
    applicationId: d.applicationId,
    createdAt: d.createdAt.toISOString(),
    submittedAt: iso(d.submittedAt),
    reviewedAt: iso(d.reviewedAt),
    completedAt: iso(d.completedAt),
  };
  if (lines) view.lines = lines.map((l) => ({ kind: l.kind, batchCode: l.batchCode, startNo: l.startNo, endNo: l.endNo, count: l.count }));
  if (transitions) {
    view.transitions = transitions.map((t) => ({
      fromStatus: t.fromStatus,
      toStatus: t.toStatus,
      actorId: t.actorId,
      actorName: refs.actorName.get(t.actorId) ?? (t.actorId === 0 ? 'system' : null),
      opinion: t.opinion,
      at: t.at.toISOString(),
    }));
  }
  return view;
}
