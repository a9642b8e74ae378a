import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { BillType } from '../catalog/bill-type.entity';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import { inTransaction, lockRow } from '../db/transaction';
import { ValidationError } from '../errors';
import { type Actor } from '../identity/actor';
import type { Place, RangeState } from '../ledger/ledger.types';
import type { Movement } from '../ledger/range-store';
import { BillDocument } from './bill-document.entity';
import { createDocument, shanghaiDate, transition } from './lifecycle';
import type {
  ApproveWriteoffInput,
  CreateWriteoffInput,
  LineInput,
  ListLineDocumentsQuery,
  RejectInput,
  ResubmitWriteoffInput,
} from './line-documents.schemas';
import {
  assertDocAccess,
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

/** Who may report, withdraw and resubmit: the unit itself, or the bureau acting for it. */

/** The unit-held state a reported line is parked in until review. */
const REPORTED: Record<string, RangeState> = { used: 'USED', voided: 'VOIDED', lost: 'LOST' };

const atUnit = (unitId: number | null, state: RangeState): Place => ({ holder: 'unit', unitId, state });

/** Turns the three lists of the form into kinded lines (used, then voided, then lost). */
function toLines(w: { used?: LineInput[]; voided?: LineInput[]; lost?: LineInput[] }): DocLine[] {
  return [
    ...(w.used ?? []).map((l) => ({ ...l, kind: 'used' as const })),
    ...(w.voided ?? []).map((l) => ({ ...l, kind: 'voided' as const })),
    ...(w.lost ?? []).map((l) => ({ ...l, kind: 'lost' as const })),
  ];
}

/** Summary returned by every write-off action. */
export interface WriteoffOutcome {
  id: number;
  docNo: string;
  status: BillDocument['status'];
  counts: Record<string, number>;
  result?: BillDocument['result'];
  opinion?: string | null;
}

/** 核销: the unit reports used/voided/lost runs; the bureau approves (written off) or returns them. */
export function makeWriteoffService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  const mv = (operation: string, doc: BillDocument, actor: Actor, at: Date): Movement => ({
    operation,
    docType: 'writeoff',
    docId: doc.id,
    actorId: actor.userId,
    at,
  });
  const outcome = (doc: BillDocument, lines: DocLine[]): WriteoffOutcome => ({
    id: doc.id,
    docNo: doc.docNo,
    status: doc.status,
    counts: countLines(lines),
  });

  function assertCutoff(cutoffDate: string | null | undefined, at: Date): void {
    const today = shanghaiDate(at);
    if (cutoffDate && cutoffDate > today) throw new ValidationError('INVALID_INPUT', `截止日期 ${cutoffDate} 不能晚于今天（${today}）`);
  }

  /** Every number must be unreserved and in the unit's stock, checked before anything moves. */
  async function checkReport(em: EntityManager, bt: BillType, unitId: number, lines: DocLine[]): Promise<void> {
    await validateLines(em, bt, lines);
    await assertNotReserved(em, bt.id, lines);
    await assertLinesAt(em, bt.id, lines, [atUnit(unitId, 'IN_STOCK')], '不在本单位库存中');
  }

  /** Stores the lines and parks their numbers as USED/VOIDED/LOST at the unit. */
  async function applyReport(em: EntityManager, doc: BillDocument, lines: DocLine[], actor: Actor, at: Date): Promise<number> {
    const quantity = await saveLines(em, doc.id, lines);
    await moveLines(
      em,
      doc.billTypeId,
      lines,
      () => atUnit(doc.unitId, 'IN_STOCK'),
      (l) => atUnit(doc.unitId, REPORTED[l.kind]),
      mv('writeoff.report', doc, actor, at),
    );
    return quantity;
  }

  /** Puts reported numbers back into the unit's stock (退回, 撤销上报). */
  async function unpark(em: EntityManager, doc: BillDocument, operation: string, actor: Actor, at: Date): Promise<DocLine[]> {
    const lines = await loadLines(em, doc.id);
    await moveLines(
      em,
      doc.billTypeId,
      lines,
      (l) => atUnit(doc.unitId, REPORTED[l.kind]),
      () => atUnit(doc.unitId, 'IN_STOCK'),
      mv(operation, doc, actor, at),
    );
    return lines;
  }

  return {
    /** 核销上报: creates a submitted write-off and moves its numbers out of the unit's stock. */
    async create(actor: Actor, input: CreateWriteoffInput): Promise<WriteoffOutcome> {
      requirePermission(actor, 'writeoff.report');
      return inTransaction(ds, async (em) => {
        const bt = await billTypeByCode(em, input.billTypeCode);
        await lockRow(em, 'bill_type', bt.id);
        const unit = await unitByCode(em, input.unitCode);
        assertUnitAccess(actor, unit.id);
        const at = clock.now();
        assertCutoff(input.cutoffDate, at);
        const lines = toLines(input);
        await checkReport(em, bt, unit.id, lines);
        const doc = await createDocument(
          em,
          {
            docType: 'writeoff',
            unitId: unit.id,
            billTypeId: bt.id,
            cutoffDate: input.cutoffDate ?? null,
            amount: input.amount ?? null,
            createdBy: actor.userId,
            createdAt: at,
          },
          'submitted',
        );
        doc.quantity = await applyReport(em, doc, lines, actor, at);
        await em.update(BillDocument, doc.id, { quantity: doc.quantity });
        await recordAudit(em, actor, at, {
          action: 'writeoff.submit',
          entityType: 'bill_document',
          entityId: doc.id,
          after: { docNo: doc.docNo, ...input },
        });
        return outcome(doc, lines);
      });
    },

    /** 审核通过: reported numbers become WRITTEN_OFF; result defaults to 合格. */
    async approve(actor: Actor, id: number, input: ApproveWriteoffInput): Promise<WriteoffOutcome> {
      requirePermission(actor, 'writeoff.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'writeoff', id);
        const at = clock.now();
        await transition(em, doc, 'approved', { actorId: actor.userId, at, opinion: input.opinion ?? null }, { result: input.result });
        const lines = await loadLines(em, doc.id);
        await moveLines(
          em,
          doc.billTypeId,
          lines,
          (l) => atUnit(doc.unitId, REPORTED[l.kind]),
          () => atUnit(doc.unitId, 'WRITTEN_OFF'),
          mv('writeoff.approve', doc, actor, at),
        );
        await recordAudit(em, actor, at, { action: 'writeoff.approve', entityType: 'bill_document', entityId: doc.id, after: input });
        return { ...outcome(doc, lines), result: doc.result, opinion: doc.opinion };
      });
    },

    /** 退回: the opinion is required; the numbers go back to the unit's stock. */
    async reject(actor: Actor, id: number, input: RejectInput): Promise<WriteoffOutcome> {
      requirePermission(actor, 'writeoff.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'writeoff', id);
        const at = clock.now();
        await transition(em, doc, 'returned', { actorId: actor.userId, at, opinion: input.opinion });
        const lines = await unpark(em, doc, 'writeoff.reject', actor, at);
        await recordAudit(em, actor, at, { action: 'writeoff.reject', entityType: 'bill_document', entityId: doc.id, after: input });
        return { ...outcome(doc, lines), opinion: doc.opinion };
      });
    },

    /** 撤销上报: the unit takes a submitted write-off back before review; numbers return to stock. */
    async withdraw(actor: Actor, id: number): Promise<WriteoffOutcome> {
      requirePermission(actor, 'writeoff.report');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'writeoff', id);
        assertDocAccess(actor, doc);
        const at = clock.now();
        await transition(em, doc, 'draft', { actorId: actor.userId, at, opinion: '撤销上报' });
        const lines = await unpark(em, doc, 'writeoff.withdraw', actor, at);
        await recordAudit(em, actor, at, { action: 'writeoff.withdraw', entityType: 'bill_document', entityId: doc.id });
        return outcome(doc, lines);
      });
    },

    /** 重新上报 a returned or withdrawn write-off, optionally with corrected lines, date or amount. */
    async resubmit(actor: Actor, id: number, input: ResubmitWriteoffInput): Promise<WriteoffOutcome> {
      requirePermission(actor, 'writeoff.report');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'writeoff', id);
        assertDocAccess(actor, doc);
        const at = clock.now();
        await transition(em, doc, 'submitted', { actorId: actor.userId, at });
        const replace = input.used !== undefined || input.voided !== undefined || input.lost !== undefined;
        const lines = replace ? toLines(input) : await loadLines(em, doc.id);
        const cutoffDate = input.cutoffDate ?? doc.cutoffDate;
        assertCutoff(cutoffDate, at);
        await checkReport(em, await em.findOneByOrFail(BillType, { id: doc.billTypeId }), doc.unitId as number, lines);
        const quantity = await applyReport(em, doc, lines, actor, at);
        await em.update(BillDocument, doc.id, { quantity, cutoffDate, amount: input.amount ?? doc.amount });
        await recordAudit(em, actor, at, { action: 'writeoff.resubmit', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, lines);
      });
    },

    /** Pages write-offs; unit staff see only their own unit. */
    list: (actor: Actor, q: ListLineDocumentsQuery) => listDocuments(ds, actor, 'writeoff', q),

    /** One write-off with lines and every transition (who, when, opinion): 审到哪了 / 为什么退回. */
    get: (actor: Actor, id: number) => getDocument(ds, actor, 'writeoff', id),
  };
}
export type WriteoffService = ReturnType<typeof makeWriteoffService>;
