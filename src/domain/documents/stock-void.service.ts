import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { BillType } from '../catalog/bill-type.entity';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import { inTransaction, lockRow } from '../db/transaction';
import { type Actor } from '../identity/actor';
import type { HolderKind, Place, RangeState } from '../ledger/ledger.types';
import { BillDocument } from './bill-document.entity';
import { createDocument, transition } from './lifecycle';
import type { ApproveInput, CreateStockVoidInput, ListLineDocumentsQuery, RejectInput } from './line-documents.schemas';
import {
  assertLinesAt,
  assertNotReserved,
  countLines,
  getDocument,
  listDocuments,
  loadLines,
  lockDocument,
  moveLines,
  saveLines,
  validateLines,
  type DocLine,
} from './lines';
import type { LineDocOutcome } from './return.service';
import { assertUnitAccess, requirePermission } from '../policy';

/** Where a holder-scoped document's numbers sit, in a given state. */
export const placeOf = (unitId: number | null, state: RangeState): Place => ({
  holder: unitId === null ? 'bureau' : 'unit',
  unitId,
  state,
});

/**
 * Locks the bill type and resolves who holds the numbers: the bureau (bureau roles only) or a
 * unit (its own staff, or the bureau acting for it).
 */
export async function lockHolder(
  em: EntityManager,
  actor: Actor,
  input: { holder: HolderKind; unitCode?: string; billTypeCode: string },
): Promise<{ bt: BillType; unitId: number | null }> {
  const bt = await billTypeByCode(em, input.billTypeCode);
  await lockRow(em, 'bill_type', bt.id);
  if (input.holder === 'bureau') {
    requirePermission(actor, 'warehouse.manage');
    return { bt, unitId: null };
  }
  const unit = await unitByCode(em, input.unitCode ?? '');
  assertUnitAccess(actor, unit.id);
  return { bt, unitId: unit.id };
}

/** Chinese name of where the numbers are held, for messages. */
export const holderName = (unitId: number | null): string => (unitId === null ? '财政局' : '本单位');

/** 库存作废 (e.g. 换版): blank stock at a holder becomes STOCK_VOIDED once the bureau approves. */
export function makeStockVoidService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  const outcome = (doc: BillDocument, lines: DocLine[]): LineDocOutcome => ({
    id: doc.id,
    docNo: doc.docNo,
    status: doc.status,
    counts: countLines(lines),
    opinion: doc.opinion,
  });
  return {
    /** Submits a stock void: the numbers must be in the holder's stock and on no other open document. */
    async create(actor: Actor, input: CreateStockVoidInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'stock-void.request');
      return inTransaction(ds, async (em) => {
        const { bt, unitId } = await lockHolder(em, actor, input);
        const lines: DocLine[] = input.lines.map((l) => ({ ...l, kind: 'stock_void' }));
        await validateLines(em, bt, lines);
        await assertNotReserved(em, bt.id, lines);
        await assertLinesAt(em, bt.id, lines, [placeOf(unitId, 'IN_STOCK')], `不在${holderName(unitId)}库存中`);
        const at = clock.now();
        const doc = await createDocument(
          em,
          { docType: 'stock_void', unitId, billTypeId: bt.id, reason: input.reason, createdBy: actor.userId, createdAt: at },
          'submitted',
        );
        doc.quantity = await saveLines(em, doc.id, lines);
        await em.update(BillDocument, doc.id, { quantity: doc.quantity });
        await recordAudit(em, actor, at, {
          action: 'stock-void.submit',
          entityType: 'bill_document',
          entityId: doc.id,
          after: { docNo: doc.docNo, ...input },
        });
        return outcome(doc, lines);
      });
    },

    /** Approves: IN_STOCK → STOCK_VOIDED at the same holder. */
    async approve(actor: Actor, id: number, input: ApproveInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'stock-void.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'stock_void', id);
        const at = clock.now();
        await transition(em, doc, 'approved', { actorId: actor.userId, at, opinion: input.opinion ?? null });
        const lines = await loadLines(em, doc.id);
        await moveLines(
          em,
          doc.billTypeId,
          lines,
          () => placeOf(doc.unitId, 'IN_STOCK'),
          () => placeOf(doc.unitId, 'STOCK_VOIDED'),
          {
            operation: 'stock_void',
            docType: 'stock_void',
            docId: doc.id,
            actorId: actor.userId,
            at,
          },
        );
        await recordAudit(em, actor, at, { action: 'stock-void.approve', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, lines);
      });
    },

    /** Returns the request with an opinion; the numbers stay in stock. */
    async reject(actor: Actor, id: number, input: RejectInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'stock-void.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'stock_void', id);
        const at = clock.now();
        await transition(em, doc, 'returned', { actorId: actor.userId, at, opinion: input.opinion });
        await recordAudit(em, actor, at, { action: 'stock-void.reject', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, await loadLines(em, doc.id));
      });
    },

    /** Pages stock voids; unit staff see only their own unit's. */
    list: (actor: Actor, q: ListLineDocumentsQuery) => listDocuments(ds, actor, 'stock_void', q),

    /** One stock void with lines and transitions. */
    get: (actor: Actor, id: number) => getDocument(ds, actor, 'stock_void', id),
  };
}
export type StockVoidService = ReturnType<typeof makeStockVoidService>;
