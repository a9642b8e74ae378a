import type { EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../errors';
import type { DocStatus, DocType } from '../ledger/ledger.types';
import { BillDocument } from './bill-document.entity';
import { DocumentTransition } from './document-transition.entity';

/** Prefix of human document numbers (SL-2026-000012). */
const PREFIX: Record<DocType, string> = {
  print_plan: 'JH',
  application: 'SL',
  issuance: 'FF',
  writeoff: 'HX',
  return: 'ST',
  stock_void: 'ZF',
  destruction: 'XH',
};

/** Chinese names for messages to unit staff. */
export const DOC_NAMES: Record<DocType, string> = {
  print_plan: '印制计划',
  application: '申领单',
  issuance: '发放单',
  writeoff: '核销单',
  return: '申退单',
  stock_void: '库存作废单',
  destruction: '销毁单',
};

export const STATUS_NAMES: Record<DocStatus, string> = {
  draft: '草稿',
  submitted: '已提交待审核',
  approved: '已审核通过',
  returned: '已退回',
  issued: '已发放',
  completed: '已完成',
  cancelled: '已撤销',
};

/** Allowed transitions of the shared life cycle (domain.md). */
const ALLOWED: Record<DocStatus, DocStatus[]> = {
  draft: ['submitted', 'cancelled'],
  submitted: ['approved', 'returned', 'draft'],
  approved: ['issued', 'completed'],
  returned: ['submitted', 'cancelled'],
  issued: [],
  completed: [],
  cancelled: [],
};

export type NewDocument = Omit<Partial<BillDocument>, 'id' | 'docNo' | 'status'> &
  Pick<BillDocument, 'docType' | 'billTypeId' | 'createdBy' | 'createdAt'>;

/**
 * Creates a document with its number and first transition. The number is derived from the
 * row id after insert, so concurrent creators never collide on it.
 */
export async function createDocument(
  em: EntityManager,
  doc: NewDocument,
  status: DocStatus,
  opinion: string | null = null,
): Promise<BillDocument> {
  const year = shanghaiYear(doc.createdAt);
  const tmp = `TMP-${process.pid}-${Math.random().toString(36).slice(2, 12)}`;
  const row = em.create(BillDocument, {
    unitId: null,
    quantity: 0,
    reason: null,
    cutoffDate: null,
    amount: null,
    result: null,
    opinion: null,
    applicationId: null,
    submittedAt: status === 'submitted' ? doc.createdAt : null,
    reviewedAt: null,
    reviewedBy: null,
    completedAt: null,
    ...doc,
    status,
    docNo: tmp,
  });
  await em.save(row);
  row.docNo = `${PREFIX[doc.docType]}-${year}-${String(row.id).padStart(6, '0')}`;
  await em.update(BillDocument, row.id, { docNo: row.docNo });
  await em.insert(DocumentTransition, {
    documentId: row.id,
    fromStatus: null,
    toStatus: status,
    actorId: doc.createdBy,
    opinion,
    at: doc.createdAt,
  });
  return row;
}

/** Loads a document of a type for update, or 404 in Chinese. */
export async function loadDocument(em: EntityManager, docType: DocType, id: number): Promise<BillDocument> {
  const q = em.createQueryBuilder(BillDocument, 'd').where('d.id = :id AND d.docType = :t', { id, t: docType });
  if (em.connection.options.type === 'postgres') q.setLock('pessimistic_write');
  const doc = await q.getOne();
  if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[docType]} ${id} 不存在`);
  return doc;
}

/** Moves a document to a new status, recording who, when and the opinion; illegal moves → 409. */
export async function transition(
  em: EntityManager,
  doc: BillDocument,
  to: DocStatus,
  by: { actorId: number; at: Date; opinion?: string | null },
  extra: Partial<BillDocument> = {},
): Promise<BillDocument> {
  if (!ALLOWED[doc.status].includes(to)) {
    throw new ConflictError(
      'STATE_NOT_ALLOWED',
      `${DOC_NAMES[doc.docType]} ${doc.docNo} 当前状态为「${STATUS_NAMES[doc.status]}」，不能变为「${STATUS_NAMES[to]}」`,
    );
  }
  const patch: Partial<BillDocument> = { status: to, ...extra };
  if (to === 'submitted') patch.submittedAt = by.at;
  if (to === 'approved' || to === 'returned') {
    patch.reviewedAt = by.at;
    patch.reviewedBy = by.actorId;
    if (by.opinion !== undefined) patch.opinion = by.opinion;
  }
  if (to === 'completed' || to === 'issued') patch.completedAt = by.at;
  await em.update(BillDocument, doc.id, patch);
  await em.insert(DocumentTransition, {
    documentId: doc.id,
    fromStatus: doc.status,
    toStatus: to,
    actorId: by.actorId,
    opinion: by.opinion ?? null,
    at: by.at,
  });
  Object.assign(doc, patch);
  return doc;
}

/** The calendar year in Asia/Shanghai (UTC+8, no DST). */
export const shanghaiYear = (d: Date): number => new Date(d.getTime() + 8 * 3600_000).getUTCFullYear();

/** The calendar date YYYY-MM-DD in Asia/Shanghai. */
export const shanghaiDate = (d: Date): string => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
