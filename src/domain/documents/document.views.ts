import { In, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { BillType } from '../catalog/bill-type.entity';
import { Unit } from '../catalog/unit.entity';
import { User } from '../identity/user.entity';
import { DOC_STATUSES, DOC_TYPES, LINE_KINDS } from '../ledger/ledger.types';
import type { BillDocument } from './bill-document.entity';
import { DocumentLine } from './document-line.entity';
import { DocumentTransition } from './document-transition.entity';
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

/**
 * Renders documents of any type with their unit and bill type codes; looks references up in
 * batches (one query per table, not per document), so a list page costs a constant number of queries.
 */
export async function documentViews(em: EntityManager, docs: readonly BillDocument[], opts: ViewOptions = {}): Promise<DocumentView[]> {
  if (docs.length === 0) return [];
  const ids = docs.map((d) => d.id);
  const unitIds = [...new Set(docs.map((d) => d.unitId).filter((x): x is number => x !== null))];
  const btIds = [...new Set(docs.map((d) => d.billTypeId))];
  const [units, bts] = await Promise.all([
    unitIds.length ? em.find(Unit, { where: { id: In(unitIds) }, select: { id: true, code: true } }) : [],
    em.find(BillType, { where: { id: In(btIds) }, select: { id: true, code: true, name: true } }),
  ]);
  const unitCode = new Map(units.map((u) => [u.id, u.code]));
  const bt = new Map(bts.map((b) => [b.id, b]));
  const lines = opts.lines ? await em.find(DocumentLine, { where: { documentId: In(ids) }, order: { id: 'ASC' } }) : [];
  const trs = opts.transitions ? await em.find(DocumentTransition, { where: { documentId: In(ids) }, order: { id: 'ASC' } }) : [];
  const actorIds = [...new Set(trs.map((t) => t.actorId))];
  const actors = actorIds.length ? await em.find(User, { where: { id: In(actorIds) }, select: { id: true, name: true } }) : [];
  const actorName = new Map(actors.map((a) => [a.id, a.name]));
  return docs.map((d) => {
    const view: DocumentView = {
      id: d.id,
      docNo: d.docNo,
      docType: d.docType,
      status: d.status,
      statusName: STATUS_NAMES[d.status],
      unitCode: d.unitId === null ? null : (unitCode.get(d.unitId) ?? null),
      billTypeCode: bt.get(d.billTypeId)?.code ?? '',
      billTypeName: bt.get(d.billTypeId)?.name ?? '',
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
    if (opts.lines) {
      view.lines = lines
        .filter((l) => l.documentId === d.id)
        .map((l) => ({ kind: l.kind, batchCode: l.batchCode, startNo: l.startNo, endNo: l.endNo, count: l.count }));
    }
    if (opts.transitions) {
      view.transitions = trs
        .filter((t) => t.documentId === d.id)
        .map((t) => ({
          fromStatus: t.fromStatus,
          toStatus: t.toStatus,
          actorId: t.actorId,
          actorName: actorName.get(t.actorId) ?? (t.actorId === 0 ? 'system' : null),
          opinion: t.opinion,
          at: t.at.toISOString(),
        }));
    }
    return view;
  });
}

/** Renders one document (detail pages: with lines and transitions by default). */
export async function documentView(
  em: EntityManager,
  doc: BillDocument,
  opts: ViewOptions = { lines: true, transitions: true },
): Promise<DocumentView> {
  const [v] = await documentViews(em, [doc], opts);
  return v;
}
