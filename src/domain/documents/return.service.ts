import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import { inTransaction, lockRow } from '../db/transaction';
import { type Actor } from '../identity/actor';
import { BillDocument } from './bill-document.entity';
import { createDocument, transition } from './lifecycle';
import type { ApproveInput, CreateReturnInput, ListLineDocumentsQuery, RejectInput } from './line-documents.schemas';
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
import { assertUnitAccess, requirePermission } from '../policy';

/** Summary returned by every action on a line document. */
export interface LineDocOutcome {
  id: number;
  docNo: string;
  status: BillDocument['status'];
  counts: Record<string, number>;
  opinion?: string | null;
}

/** 申退: the unit asks to return unused bills; they stay reserved at the unit until the bureau approves. */
export function makeReturnService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  const outcome = (doc: BillDocument, lines: DocLine[]): LineDocOutcome => ({
    id: doc.id,
    docNo: doc.docNo,
    status: doc.status,
    counts: countLines(lines),
    opinion: doc.opinion,
  });
  return {
    /** Submits a return: every number must be in the unit's stock and on no other open document. */
    async create(actor: Actor, input: CreateReturnInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'return.request');
      return inTransaction(ds, async (em) => {
        const bt = await billTypeByCode(em, input.billTypeCode);
        await lockRow(em, 'bill_type', bt.id);
        const unit = await unitByCode(em, input.unitCode);
        assertUnitAccess(actor, unit.id);
        const lines: DocLine[] = input.lines.map((l) => ({ ...l, kind: 'return' }));
        await validateLines(em, bt, lines);
        await assertNotReserved(em, bt.id, lines);
        await assertLinesAt(em, bt.id, lines, [{ holder: 'unit', unitId: unit.id, state: 'IN_STOCK' }], '不在本单位库存中');
        const at = clock.now();
        const doc = await createDocument(
          em,
          { docType: 'return', unitId: unit.id, billTypeId: bt.id, reason: input.reason, createdBy: actor.userId, createdAt: at },
          'submitted',
        );
        doc.quantity = await saveLines(em, doc.id, lines);
        await em.update(BillDocument, doc.id, { quantity: doc.quantity });
        await recordAudit(em, actor, at, {
          action: 'return.submit',
          entityType: 'bill_document',
          entityId: doc.id,
          after: { docNo: doc.docNo, ...input },
        });
        return outcome(doc, lines);
      });
    },

    /** Approves: the numbers move from the unit's stock back to the bureau warehouse. */
    async approve(actor: Actor, id: number, input: ApproveInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'return.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'return', id);
        const at = clock.now();
        await transition(em, doc, 'approved', { actorId: actor.userId, at, opinion: input.opinion ?? null });
        const lines = await loadLines(em, doc.id);
        await moveLines(
          em,
          doc.billTypeId,
          lines,
          () => ({ holder: 'unit', unitId: doc.unitId, state: 'IN_STOCK' }),
          () => ({ holder: 'bureau', unitId: null, state: 'IN_STOCK' }),
          {
            operation: 'return',
            docType: 'return',
            docId: doc.id,
            actorId: actor.userId,
            at,
          },
        );
        await recordAudit(em, actor, at, { action: 'return.approve', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, lines);
      });
    },

    /** Returns the request with an opinion; nothing had moved, so nothing moves back. */
    async reject(actor: Actor, id: number, input: RejectInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'return.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'return', id);
        const at = clock.now();
        await transition(em, doc, 'returned', { actorId: actor.userId, at, opinion: input.opinion });
        await recordAudit(em, actor, at, { action: 'return.reject', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, await loadLines(em, doc.id));
      });
    },

    /** Pages returns; unit staff see only their own unit. */
    list: (actor: Actor, q: ListLineDocumentsQuery) => listDocuments(ds, actor, 'return', q),

    /** One return with lines and transitions. */
    get: (actor: Actor, id: number) => getDocument(ds, actor, 'return', id),
  };
}
export type ReturnService = ReturnType<typeof makeReturnService>;
