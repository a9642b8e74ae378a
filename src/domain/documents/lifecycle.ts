import { awaitedLater } from '../common/awaited-later';
import { ConflictError, NotFoundError } from '../errors';
import type { LedgerRepository, Movement, Run } from '../ledger/ledger.repository';
import type { DocStatus, DocType, Place } from '../ledger/ledger.types';
import { BillDocument } from './bill-document.entity';
import type { Write } from '../db/dialect';
import type { DocumentRepository } from './documents.repository';
import type { Makers } from '../policy';

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
  cancelled: '已作废',
};

/**
 * Allowed transitions of the shared life cycle (domain.md), plus approved → cancelled: the bureau
 * may 作废 an application it approved but has not issued, so none stays stuck for good.
 */
const ALLOWED: Record<DocStatus, readonly DocStatus[]> = {
  draft: ['submitted', 'cancelled'],
  submitted: ['approved', 'returned', 'draft'],
  approved: ['issued', 'completed', 'cancelled'],
  returned: ['submitted', 'cancelled'],
  issued: [],
  completed: [],
  cancelled: [],
};

/** Whether the shared life cycle lets a document move from one status to another. */
export const canTransition = (from: DocStatus, to: DocStatus): boolean => ALLOWED[from].includes(to);

/** Throws 409 STATE_NOT_ALLOWED, in Chinese, unless the document may move to `to`. */
export function assertTransition(doc: Pick<BillDocument, 'docType' | 'docNo' | 'status'>, to: DocStatus): void {
  if (!canTransition(doc.status, to)) {
    throw new ConflictError(
      'STATE_NOT_ALLOWED',
      `${DOC_NAMES[doc.docType]} ${doc.docNo} 当前状态为「${STATUS_NAMES[doc.status]}」，不能变为「${STATUS_NAMES[to]}」`,
    );
  }
}

/** The fields a transition sets besides the status (who reviewed, when, with what opinion). */
export function transitionPatch(to: DocStatus, by: { actorId: number; at: Date; opinion?: string | null }): Partial<BillDocument> {
  const patch: Partial<BillDocument> = { status: to };
  if (to === 'submitted') {
    patch.submittedAt = by.at;
    patch.submittedBy = by.actorId;
  }
  if (to === 'approved' || to === 'returned') {
    patch.reviewedAt = by.at;
    patch.reviewedBy = by.actorId;
    if (by.opinion !== undefined) patch.opinion = by.opinion;
  }
  if (to === 'completed' || to === 'issued') patch.completedAt = by.at;
  return patch;
}

/** The human number of a document: prefix, Shanghai year of creation, row id (SL-2026-000012). */
export const docNoOf = (docType: DocType, createdAt: Date, id: number): string =>
  `${PREFIX[docType]}-${shanghaiYear(createdAt)}-${String(id).padStart(6, '0')}`;

export type NewDocument = Omit<Partial<BillDocument>, 'id' | 'docNo' | 'status'> &
  Pick<BillDocument, 'docType' | 'billTypeId' | 'createdBy' | 'createdAt'>;

/**
 * Creates a document with its number and first transition. The number is derived from the row id,
 * so concurrent creators never collide on it. With an id the caller reserved at its start
 * (`documents.reserveId()`, PostgreSQL), the row goes in with its number and transition in one
 * statement that nothing waits for; without one it is inserted under a temporary number, which
 * is replaced once the id is known.
 */
export async function createDocument(
  docs: DocumentRepository,
  doc: NewDocument,
  status: DocStatus,
  opinion: string | null = null,
  reserved: Promise<number> | null = null,
): Promise<BillDocument> {
  const values: Omit<BillDocument, 'id' | 'docNo'> = {
    unitId: null,
    quantity: 0,
    reason: null,
    cutoffDate: null,
    amount: null,
    result: null,
    opinion: null,
    planYear: null,
    applicationId: null,
    submittedAt: status === 'submitted' ? doc.createdAt : null,
    submittedBy: status === 'submitted' ? doc.createdBy : null,
    reviewedAt: null,
    reviewedBy: null,
    completedAt: null,
    ...doc,
    status,
  };
  const first = (documentId: number) => ({
    documentId,
    fromStatus: null,
    toStatus: status,
    actorId: doc.createdBy,
    opinion,
    at: doc.createdAt,
  });
  if (reserved) {
    const id = await reserved;
    const row = Object.assign(new BillDocument(), values, { id, docNo: docNoOf(doc.docType, doc.createdAt, id) });
    // The transition's row refers to the document's: it is the statement's main part, the document a part before it.
    await docs.send([docs.insertWithIdSql(row), ...docs.transitionSql(id, {}, first(id))]);
    return row;
  }
  const tmp = `TMP-${process.pid}-${Math.random().toString(36).slice(2, 12)}`;
  const row = await docs.insert({ ...values, docNo: tmp });
  row.docNo = docNoOf(doc.docType, doc.createdAt, row.id);
  await docs.updateWithTransition(row.id, { docNo: row.docNo }, first(row.id));
  return row;
}

/** A document for update (row-locked), or 404 in Chinese. */
export async function loadDocument(docs: DocumentRepository, docType: DocType, id: number): Promise<BillDocument> {
  const doc = await docs.findForUpdate(docType, id);
  if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[docType]} ${id} 不存在`);
  return doc;
}

/**
 * Locks the document's bill type (the ledger's lock order), then the document itself. Both
 * statements are sent at once, the lock first (reads keep the order they were started in, see
 * Dialect.select): the document's read waits on the server for the lock, not for another round trip.
 */
export async function lockDocument(
  tx: { ledger: LedgerRepository; documents: DocumentRepository },
  docType: DocType,
  id: number,
): Promise<BillDocument> {
  // A document's bill type never changes, so locking it through the document is safe.
  const locked = tx.ledger.lockBillTypeOf(docType, id);
  const loaded = awaitedLater(loadDocument(tx.documents, docType, id));
  if (!(await locked)) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[docType]} ${id} 不存在`);
  return loaded;
}

/** The creator and the last submitter of a document, for separation of duties. */
export function makersOf(doc: BillDocument): Makers {
  return { createdBy: doc.createdBy, submittedBy: doc.submittedBy };
}

/**
 * A document's move to a new status as writes not yet sent (illegal moves → 409 at once): the
 * document object is updated now, the writes go with the caller's next ones (e.g. `moveRun(…, along)`).
 */
export function transitionWrites(
  docs: DocumentRepository,
  doc: BillDocument,
  to: DocStatus,
  by: { actorId: number; at: Date; opinion?: string | null },
  extra: Partial<BillDocument> = {},
): Array<Write | null> {
  assertTransition(doc, to);
  const patch = { ...transitionPatch(to, by), ...extra };
  const writes = docs.transitionSql(doc.id, patch, {
    documentId: doc.id,
    fromStatus: doc.status,
    toStatus: to,
    actorId: by.actorId,
    opinion: by.opinion ?? null,
    at: by.at,
  });
  Object.assign(doc, patch);
  return writes;
}

/**
 * Range moves of which the first carries `along` (the caller's independent writes: a document's
 * lines or new status) in its own statement; `done` sends them alone when nothing moved.
 */
export function carrying(ledger: LedgerRepository, docs: DocumentRepository, along: ReadonlyArray<Write | null>) {
  let pending = along;
  return {
    /** One move; `own`: writes of this move alone (an issuance's line). */
    async move(run: Run, from: Place, to: Place, mv: Movement, own: ReadonlyArray<Write | null> = []): Promise<void> {
      await ledger.moveRun(run, from, to, mv, [...pending, ...own]);
      pending = [];
    },
    async done(): Promise<void> {
      await docs.send(pending);
      pending = [];
    },
  };
}

/** Moves a document to a new status, recording who, when and the opinion; illegal moves → 409. */
export async function transition(
  docs: DocumentRepository,
  doc: BillDocument,
  to: DocStatus,
  by: { actorId: number; at: Date; opinion?: string | null },
  extra: Partial<BillDocument> = {},
): Promise<BillDocument> {
  await docs.send(transitionWrites(docs, doc, to, by, extra));
  return doc;
}

/** The calendar year in Asia/Shanghai (UTC+8, no DST). */
export const shanghaiYear = (d: Date): number => new Date(d.getTime() + 8 * 3600_000).getUTCFullYear();

/** The calendar date YYYY-MM-DD in Asia/Shanghai. */
export const shanghaiDate = (d: Date): string => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
