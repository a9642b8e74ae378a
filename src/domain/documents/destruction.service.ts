import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { BillType } from '../catalog/bill-type.entity';
import type { Clock } from '../clock';
import { inTransaction } from '../db/transaction';
import { ConflictError, ValidationError } from '../errors';
import { type Actor } from '../identity/actor';
import { JournalEntry } from '../ledger/journal-entry.entity';
import type { RangeState } from '../ledger/ledger.types';
import { findAt, moveRun } from '../ledger/range-store';
import { intersect, normalize, subtract, type Span } from '../ledger/ranges';
import { BillDocument } from './bill-document.entity';
import { DocumentTransition } from './document-transition.entity';
import type { DocumentView } from './document.views';
import { createDocument, shanghaiDate, transition } from './lifecycle';
import type {
  ApproveInput,
  ConfirmDestructionInput,
  CreateDestructionInput,
  ListLineDocumentsQuery,
  RejectInput,
} from './line-documents.schemas';
import {
  assertDocAccess,
  assertLinesAt,
  assertNotReserved,
  countLines,
  describeRuns,
  getDocument,
  listDocuments,
  loadLines,
  lockDocument,
  saveLines,
  validateLines,
  type DocLine,
} from './lines';
import type { LineDocOutcome } from './return.service';
import { holderName, lockHolder, placeOf } from './stock-void.service';
import { requirePermission } from '../policy';

const DESTROYABLE: RangeState[] = ['WRITTEN_OFF', 'STOCK_VOIDED'];
const SIDE_NAMES = { bureau: '财政局', unit: '单位' } as const;
// Confirmations are transitions approved → approved whose opinion reads 「财政局确认：张三」.
const CONFIRM_RE = /^(财政局|单位)确认：(.+)$/;
const SUPERVISOR_RE = /^监销人：(.+)$/;

type Side = keyof typeof SIDE_NAMES;
export interface Confirmation {
  side: Side;
  confirmedBy: string;
  at: string;
}

const addYears = (date: string, years: number, days = 0): string =>
  DateTime.fromISO(date, { zone: 'utc' }).plus({ years, days }).toISODate() as string;

/**
 * Written-off stubs are destroyable only once the retention period (bill type, never under 2
 * years) has passed since the write-off approval; every run still to be kept is named in one 409.
 */
async function assertRetentionOver(
  em: EntityManager,
  bt: BillType,
  unitId: number | null,
  lines: readonly DocLine[],
  today: string,
): Promise<void> {
  const years = Math.max(2, bt.retentionYears ?? 5);
  // Runs still to be kept, grouped by approval date so one write-off gives one sentence.
  const early = new Map<string, Array<{ batchCode: string; span: Span }>>();
  const unknown: Array<{ batchCode: string; span: Span }> = [];
  for (const l of lines) {
    const run = { billTypeId: bt.id, batchCode: l.batchCode, span: { start: l.startNo, end: l.endNo } };
    for (const r of await findAt(em, run, placeOf(unitId, 'WRITTEN_OFF'))) {
      const piece = intersect(run.span, { start: r.startNo, end: r.endNo }) as Span;
      const approvals = await em
        .createQueryBuilder(JournalEntry, 'j')
        .where('j.operation = :op AND j.billTypeId = :bt AND j.batchCode = :bc', { op: 'writeoff.approve', bt: bt.id, bc: l.batchCode })
        .andWhere('j.startNo <= :end AND j.endNo >= :start', { start: piece.start, end: piece.end })
        .getMany();
      for (const j of approvals) {
        const approvedOn = shanghaiDate(j.at);
        if (today >= addYears(approvedOn, years)) continue;
        early.set(approvedOn, [
          ...(early.get(approvedOn) ?? []),
          { batchCode: l.batchCode, span: intersect(piece, { start: j.startNo, end: j.endNo }) as Span },
        ]);
      }
      for (const span of subtract(
        [piece],
        approvals.map((j) => ({ start: j.startNo, end: j.endNo })),
      ))
        unknown.push({ batchCode: l.batchCode, span });
    }
  }
  const problems = [...early]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([on, runs]) =>
        `${describeRuns(merged(runs))} 于 ${on} 核销，存根须保存 ${years} 年，保存至 ${addYears(on, years, -1)}，${addYears(on, years)} 起方可销毁`,
    );
  if (unknown.length > 0) problems.push(`${describeRuns(merged(unknown))} 找不到核销审批记录，无法确认保存期限`);
  if (problems.length > 0) throw new ConflictError('RETENTION_NOT_OVER', `未到存根保存期限，不能销毁：${problems.join('；')}`, problems);
}

/** Merges adjacent runs of the same batch for shorter messages. */
function merged(runs: ReadonlyArray<{ batchCode: string; span: Span }>): Array<{ batchCode: string; span: Span }> {
  const codes = [...new Set(runs.map((r) => r.batchCode))].sort();
  return codes.flatMap((batchCode) =>
    normalize(runs.filter((r) => r.batchCode === batchCode).map((r) => r.span)).map((span) => ({ batchCode, span })),
  );
}

/** Destroyable numbers: all must be written off or stock-voided at the holder, and past retention. */
async function checkDestroyable(
  em: EntityManager,
  bt: BillType,
  unitId: number | null,
  lines: readonly DocLine[],
  at: Date,
): Promise<void> {
  const places = DESTROYABLE.map((s) => placeOf(unitId, s));
  await assertLinesAt(em, bt.id, lines, places, `不是${holderName(unitId)}已核销的存根或已库存作废的票据，不能销毁`);
  await assertRetentionOver(em, bt, unitId, lines, shanghaiDate(at));
}

/** 销毁: written-off stubs (after retention) or stock-voided blanks; approved = destroyed, then both sides confirm. */
export function makeDestructionService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  const outcome = (doc: BillDocument, lines: DocLine[]): LineDocOutcome => ({
    id: doc.id,
    docNo: doc.docNo,
    status: doc.status,
    counts: countLines(lines),
    opinion: doc.opinion,
  });

  async function confirmationsOf(em: EntityManager, documentId: number): Promise<Confirmation[]> {
    const rows = await em.find(DocumentTransition, {
      where: { documentId, fromStatus: 'approved', toStatus: 'approved' },
      order: { id: 'ASC' },
    });
    return rows.flatMap((t) => {
      const m = t.opinion?.match(CONFIRM_RE);
      return m ? [{ side: (m[1] === SIDE_NAMES.bureau ? 'bureau' : 'unit') as Side, confirmedBy: m[2], at: t.at.toISOString() }] : [];
    });
  }

  return {
    /** Submits a destruction; numbers stay reserved at the holder until approval. */
    async create(actor: Actor, input: CreateDestructionInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'destruction.request');
      return inTransaction(ds, async (em) => {
        const { bt, unitId } = await lockHolder(em, actor, input);
        const lines: DocLine[] = input.lines.map((l) => ({ ...l, kind: 'destroy' }));
        await validateLines(em, bt, lines);
        await assertNotReserved(em, bt.id, lines);
        const at = clock.now();
        await checkDestroyable(em, bt, unitId, lines, at);
        const doc = await createDocument(
          em,
          { docType: 'destruction', unitId, billTypeId: bt.id, reason: input.reason, createdBy: actor.userId, createdAt: at },
          'submitted',
          input.supervisor ? `监销人：${input.supervisor}` : null,
        );
        doc.quantity = await saveLines(em, doc.id, lines);
        await em.update(BillDocument, doc.id, { quantity: doc.quantity });
        await recordAudit(em, actor, at, {
          action: 'destruction.submit',
          entityType: 'bill_document',
          entityId: doc.id,
          after: { docNo: doc.docNo, ...input },
        });
        return outcome(doc, lines);
      });
    },

    /** Approves: re-checks and moves every number to DESTROYED (journal `destroy`). */
    async approve(actor: Actor, id: number, input: ApproveInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'destruction.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'destruction', id);
        const at = clock.now();
        await transition(em, doc, 'approved', { actorId: actor.userId, at, opinion: input.opinion ?? null });
        const lines = await loadLines(em, doc.id);
        await checkDestroyable(em, await em.findOneByOrFail(BillType, { id: doc.billTypeId }), doc.unitId, lines, at);
        const mv = { operation: 'destroy', docType: 'destruction' as const, docId: doc.id, actorId: actor.userId, at };
        for (const l of lines) {
          const run = { billTypeId: doc.billTypeId, batchCode: l.batchCode, span: { start: l.startNo, end: l.endNo } };
          for (const state of DESTROYABLE) {
            for (const r of await findAt(em, run, placeOf(doc.unitId, state))) {
              const span = intersect(run.span, { start: r.startNo, end: r.endNo }) as Span;
              await moveRun(em, { ...run, span }, placeOf(doc.unitId, state), placeOf(doc.unitId, 'DESTROYED'), mv);
            }
          }
        }
        await recordAudit(em, actor, at, { action: 'destruction.approve', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, lines);
      });
    },

    /** Returns the request with an opinion; nothing moves. */
    async reject(actor: Actor, id: number, input: RejectInput): Promise<LineDocOutcome> {
      requirePermission(actor, 'destruction.approve');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'destruction', id);
        const at = clock.now();
        await transition(em, doc, 'returned', { actorId: actor.userId, at, opinion: input.opinion });
        await recordAudit(em, actor, at, { action: 'destruction.reject', entityType: 'bill_document', entityId: doc.id, after: input });
        return outcome(doc, await loadLines(em, doc.id));
      });
    },

    /**
     * 登记造册/监销 confirmation by one side; completed once every side has confirmed (a unit's
     * destruction needs bureau and unit, the bureau's own needs the bureau only).
     */
    async confirm(actor: Actor, id: number, input: ConfirmDestructionInput): Promise<LineDocOutcome & { confirmations: Confirmation[] }> {
      requirePermission(actor, input.side === 'bureau' ? 'destruction.confirm.bureau' : 'destruction.confirm.unit');
      return inTransaction(ds, async (em) => {
        const doc = await lockDocument(em, 'destruction', id);
        assertDocAccess(actor, doc);
        const required: Side[] = doc.unitId === null ? ['bureau'] : ['bureau', 'unit'];
        if (!required.includes(input.side)) throw new ValidationError('INVALID_INPUT', '财政局库存的销毁单只需财政局确认');
        if (doc.status !== 'approved')
          throw new ConflictError('STATE_NOT_ALLOWED', `销毁单 ${doc.docNo} 须审核通过并销毁后才能确认，当前状态不允许确认`);
        const done = await confirmationsOf(em, doc.id);
        if (done.some((c) => c.side === input.side))
          throw new ConflictError('STATE_NOT_ALLOWED', `${SIDE_NAMES[input.side]}已确认过销毁单 ${doc.docNo}`);
        const at = clock.now();
        await em.insert(DocumentTransition, {
          documentId: doc.id,
          fromStatus: 'approved',
          toStatus: 'approved',
          actorId: actor.userId,
          opinion: `${SIDE_NAMES[input.side]}确认：${input.confirmedBy}`,
          at,
        });
        const confirmations = [...done, { side: input.side, confirmedBy: input.confirmedBy, at: at.toISOString() }];
        if (required.every((s) => confirmations.some((c) => c.side === s))) {
          await transition(em, doc, 'completed', { actorId: actor.userId, at, opinion: '登记造册、监销确认完毕' });
        }
        await recordAudit(em, actor, at, { action: 'destruction.confirm', entityType: 'bill_document', entityId: doc.id, after: input });
        return { ...outcome(doc, await loadLines(em, doc.id)), confirmations };
      });
    },

    /** Pages destructions; unit staff see only their own unit's. */
    list: (actor: Actor, q: ListLineDocumentsQuery) => listDocuments(ds, actor, 'destruction', q),

    /** One destruction with lines, transitions, the 监销人 and the confirmations so far. */
    async get(
      actor: Actor,
      id: number,
    ): Promise<DocumentView & { counts: Record<string, number>; supervisor: string | null; confirmations: Confirmation[] }> {
      const view = await getDocument(ds, actor, 'destruction', id);
      const supervisor = view.transitions?.[0]?.opinion?.match(SUPERVISOR_RE)?.[1] ?? null;
      return { ...view, supervisor, confirmations: await confirmationsOf(ds.manager, id) };
    },
  };
}
export type DestructionService = ReturnType<typeof makeDestructionService>;
