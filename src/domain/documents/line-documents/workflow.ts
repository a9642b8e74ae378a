import { awaitedLater } from '../../common/awaited-later';
import type { BillType } from '../../catalog/bill-type.entity';
import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import { dayRange } from '../../common/dates';
import type { DomainStore, Repositories } from '../../db/repositories';
import type { Write } from '../../db/dialect';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Actor } from '../../identity/actor';
import type { DocStatus, DocType, Place } from '../../ledger/ledger.types';
import type { PlannedMove } from '../../ledger/move-plan';
import { intersect, type Span } from '../../ledger/ranges';
import type { StockRange } from '../../ledger/stock-range.entity';
import { assertNotMaker, assertUnitAccess, isUnitScoped, requirePermission, type Duties } from '../../policy';
import type { BillDocument } from '../bill-document.entity';
import type { DocumentView } from '../document.views';
import type { Also } from '../application.service';
import { closeReviewCards, noticeReviewers, readReviewFacts } from '../../cards/review-cards';
import { carrying, createDocument, DOC_NAMES, lockDocument, makersOf, transition, transitionWrites } from '../lifecycle';
import type { ApproveInput, ListLineDocumentsQuery, RejectInput } from '../line-documents.schemas';
import { assertLinesAt, assertNotReserved, checkBatches, checkLineShapes, countLines, spanOf, type DocLine } from './lines';
import { placeOf, type LineDocCreate, type LineDocSpec } from './spec';

/** Document types whose lines stay reserved while submitted (they move only at approval). */
const RESERVING: DocType[] = ['return', 'stock_void', 'destruction'];

/** Summary returned by every action on a line document. */
export interface LineDocOutcome {
  id: number;
  docNo: string;
  status: DocStatus;
  counts: Record<string, number>;
  opinion: string | null;
  result?: BillDocument['result'];
}

/** The approve body: an opinion, and for write-offs the result (良好/合格/问题/整改通过). */
type Approval = ApproveInput & { result?: BillDocument['result'] };

/** Runs one line document (spec.ts) through the shared life cycle, every step in one transaction. */
export function makeLineDocumentWorkflow<C extends LineDocCreate, R>(
  spec: LineDocSpec<C, R>,
  deps: { store: DomainStore; clock: Clock; duties: Duties; publicUrl?: string },
) {
  const { store, clock, duties } = deps;
  const outcome = (doc: BillDocument, lines: DocLine[]): LineDocOutcome => ({
    id: doc.id,
    docNo: doc.docNo,
    status: doc.status,
    counts: countLines(lines),
    opinion: doc.opinion,
    ...(spec.docType === 'writeoff' && doc.result ? { result: doc.result } : {}),
  });
  const mv = (operation: string, doc: BillDocument, actor: Actor, at: Date) => ({
    operation,
    docType: spec.docType,
    docId: doc.id,
    actorId: actor.userId,
    at,
  });

  /** Locks the bill type (the ledger's lock order) and resolves whose numbers these are. */
  async function lockHolder(tx: Repositories, actor: Actor, input: C): Promise<{ bt: BillType; unitId: number | null }> {
    const bureau = spec.holder === 'either' && input.holder === 'bureau';
    // The unit is read in the lock's round trip (reads keep their order: the lock is taken first).
    const locked = tx.catalog.billTypeByCodeForUpdate(input.billTypeCode);
    const unitRead = bureau ? null : awaitedLater(tx.catalog.unitByCode(input.unitCode ?? ''));
    const bt = await locked;
    if (!unitRead) {
      requirePermission(actor, 'warehouse.manage');
      return { bt, unitId: null };
    }
    const unit = await unitRead;
    assertUnitAccess(actor, unit.id);
    return { bt, unitId: unit.id };
  }

  /** Every check a submission passes before anything moves. */
  async function checkSubmission(
    tx: Repositories,
    bt: BillType,
    unitId: number | null,
    lines: DocLine[],
    fields: Partial<BillDocument>,
    at: Date,
    self = 0,
  ) {
    spec.validate?.(fields, at);
    checkLineShapes(lines);
    // Three reads in one round trip, their refusals still in this order (batches, reservations, places).
    const batches = checkBatches(tx.ledger, bt, lines);
    const free = awaitedLater(assertNotReserved(tx.documents, RESERVING, bt.id, lines, self));
    const there = awaitedLater(
      assertLinesAt(
        tx.ledger,
        bt.id,
        lines,
        spec.submitFrom.map((s) => placeOf(unitId, s)),
        spec.notThere(unitId),
      ),
    );
    await batches;
    await free;
    await there;
    await spec.check?.({ tx, bt, unitId, lines, fields, at, phase: 'submit' });
  }

  /** The moves that park a submission's numbers (none when the document parks nothing). */
  function parkingMoves(unitId: number | null, lines: readonly DocLine[]): PlannedMove[] {
    const parking = spec.park;
    if (!parking) return [];
    return lines.map((l) => ({
      batchCode: l.batchCode,
      span: spanOf(l),
      from: placeOf(unitId, spec.submitFrom[0]),
      to: placeOf(unitId, parking.state(l)),
    }));
  }

  /**
   * Stores the lines and, for parking documents, moves their numbers into the parked state.
   * `stock`: the rows the moves need, read earlier with the submission's checks (ledger.readForMoves).
   */
  async function applySubmission(
    tx: Repositories,
    doc: BillDocument,
    lines: DocLine[],
    actor: Actor,
    at: Date,
    opts: { isNew?: boolean; stock?: readonly StockRange[] | null } = {},
  ): Promise<number> {
    if (!opts.isNew) await tx.documents.clearLines(doc.id);
    // The lines go with the moves' statement (alone when the document parks nothing).
    const { writes, quantity } = tx.documents.linesSql(doc.id, lines);
    const parking = spec.park;
    if (!parking) {
      await tx.documents.send(writes);
      return quantity;
    }
    const moves = parkingMoves(doc.unitId, lines);
    const movement = mv(parking.operation, doc, actor, at);
    if (opts.stock) await tx.ledger.moveRunsOver(doc.billTypeId, opts.stock, moves, movement, writes);
    else await tx.ledger.moveRuns(doc.billTypeId, moves, movement, writes);
    return quantity;
  }

  /** Puts parked numbers back where they were submitted from (退回, 撤销上报). */
  async function unpark(tx: Repositories, doc: BillDocument, operation: string, actor: Actor, at: Date): Promise<DocLine[]> {
    const lines = (await tx.documents.linesOf(doc.id)) as DocLine[];
    const parking = spec.park;
    if (!parking) return lines;
    const moves = lines.map((l) => ({
      batchCode: l.batchCode,
      span: spanOf(l),
      from: placeOf(doc.unitId, parking.state(l)),
      to: placeOf(doc.unitId, spec.submitFrom[0]),
    }));
    await tx.ledger.moveRuns(doc.billTypeId, moves, mv(operation, doc, actor, at));
    return lines;
  }

  /**
   * Moves every number of an approved document to its final place, piece by piece when it may sit in
   * several states. `along`: the caller's independent writes, sent with the first move (or alone when
   * nothing moves). `stock`: the rows around the lines, read with them behind the lock
   * (ledger.forDocumentLines), so the moves need no read of their own.
   */
  async function applyApproval(
    tx: Repositories,
    doc: BillDocument,
    lines: DocLine[],
    actor: Actor,
    at: Date,
    along: Array<Write | null> = [],
    stock?: StockRange[],
  ): Promise<void> {
    const movement = mv(spec.approve.operation, doc, actor, at);
    const fromOf = (l: DocLine): Place[] =>
      spec.park ? [placeOf(doc.unitId, spec.park.state(l))] : spec.submitFrom.map((s) => placeOf(doc.unitId, s));
    // Every line from one place: the moves go together (one read, one statement).
    if (lines.every((l) => fromOf(l).length === 1)) {
      const together = lines.map((l) => ({
        batchCode: l.batchCode,
        span: spanOf(l),
        from: fromOf(l)[0],
        to: spec.approve.to(l, doc.unitId),
      }));
      if (stock) await tx.ledger.moveRunsOver(doc.billTypeId, stock, together, movement, along);
      else await tx.ledger.moveRuns(doc.billTypeId, together, movement, along);
      return;
    }
    const moves = carrying(tx.ledger, tx.documents, along);
    for (const l of lines) {
      const run = { billTypeId: doc.billTypeId, batchCode: l.batchCode, span: spanOf(l) };
      const to = spec.approve.to(l, doc.unitId);
      const from = fromOf(l);
      if (from.length === 1) {
        await moves.move(run, from[0], to, movement);
        continue;
      }
      for (const place of from) {
        for (const r of await tx.ledger.findAt(run, place)) {
          await moves.move({ ...run, span: intersect(run.span, { start: r.startNo, end: r.endNo }) as Span }, place, to, movement);
        }
      }
    }
    await moves.done();
  }

  async function review(
    actor: Actor,
    id: number,
    to: 'approved' | 'returned',
    input: Approval | RejectInput,
    also?: Also<LineDocOutcome>,
  ): Promise<LineDocOutcome> {
    requirePermission(actor, spec.permissions.review);
    return store.transaction(async (tx) => {
      const locked = lockDocument(tx, spec.docType, id);
      // An approval reads the lines in the lock's round trip (after it: reads keep their order).
      const linesRead = to === 'approved' ? awaitedLater(tx.documents.linesOf(id)) : null;
      // Parked numbers move without further reads: the rows around the lines come in that round trip too.
      const stockRead = to === 'approved' && spec.park ? awaitedLater(tx.ledger.forDocumentLines(id)) : null;
      const doc = await locked;
      assertNotMaker(duties, actor, makersOf(doc), `${DOC_NAMES[spec.docType]} ${doc.docNo} `);
      const at = clock.now();
      const extra = to === 'approved' && 'result' in input && input.result ? { result: input.result } : {};
      const by = { actorId: actor.userId, at, opinion: input.opinion ?? null };
      let lines: DocLine[];
      if (linesRead) {
        lines = await linesRead;
        // Parked numbers move without further checks: the approval's writes go with the moves.
        let along = transitionWrites(tx.documents, doc, to, by, extra);
        if (!spec.park) {
          await tx.documents.send(along);
          along = [];
          const bt = await tx.catalog.billTypeById(doc.billTypeId);
          await assertLinesAt(
            tx.ledger,
            bt.id,
            lines,
            spec.submitFrom.map((s) => placeOf(doc.unitId, s)),
            spec.notThere(doc.unitId),
          );
          await spec.check?.({ tx, bt, unitId: doc.unitId, lines, fields: doc, at, phase: 'approve' });
        }
        await applyApproval(tx, doc, lines, actor, at, along, stockRead ? await stockRead : undefined);
      } else {
        await transition(tx.documents, doc, to, by, extra);
        lines = await unpark(tx, doc, spec.park?.undo.reject ?? '', actor, at);
      }
      await tx.audit.record(actor, at, {
        action: `${spec.audit}.${to === 'approved' ? 'approve' : 'reject'}`,
        entityType: 'bill_document',
        entityId: doc.id,
        after: input,
      });
      const result = outcome(doc, lines);
      await also?.(tx, result);
      // Reviewed elsewhere (the workbench): the operators' cards stop acting and say so.
      await closeReviewCards(tx, doc, actor, to === 'approved' ? '已在工作台审核通过' : '已在工作台退回', at);
      return result;
    });
  }

  /** Loads a document the actor may act on as its requester. */
  async function loadOwn(tx: Repositories, actor: Actor, id: number): Promise<BillDocument> {
    const doc = await lockDocument(tx, spec.docType, id);
    assertUnitAccess(actor, doc.unitId);
    return doc;
  }

  return {
    spec,

    /** Submits a document: every number must be where the spec says and on no other open document. */
    async create(actor: Actor, input: C, also?: Also<LineDocOutcome>): Promise<LineDocOutcome> {
      requirePermission(actor, spec.permissions.request);
      return store.transaction(async (tx) => {
        const { bt, unitId } = await lockHolder(tx, actor, input);
        const lines = spec.lines(input) ?? [];
        const fields = spec.fields(input);
        const at = clock.now();
        // Taken once the request has passed the access checks; it travels with the submission's
        // checks, and so do the rows the parking moves need and the review card's reads (unused
        // when a check refuses).
        const id = tx.documents.reserveId();
        const stockRead = tx.ledger.readForMoves(bt.id, parkingMoves(unitId, lines));
        const stock = stockRead && awaitedLater(stockRead);
        const cardFacts = readReviewFacts(tx, { docType: spec.docType, unitId, billTypeId: bt.id });
        await checkSubmission(tx, bt, unitId, lines, fields, at);
        // The quantity is the lines' count, known before the row is written.
        const quantity = lines.reduce((n, l) => n + l.endNo - l.startNo + 1, 0);
        const doc = await createDocument(
          tx.documents,
          { docType: spec.docType, unitId, billTypeId: bt.id, ...fields, quantity, createdBy: actor.userId, createdAt: at },
          'submitted',
          spec.firstOpinion?.(input) ?? null,
          id,
        );
        await applySubmission(tx, doc, lines, actor, at, { isNew: true, stock: await stock });
        await tx.audit.record(actor, at, {
          action: `${spec.audit}.submit`,
          entityType: 'bill_document',
          entityId: doc.id,
          after: { docNo: doc.docNo, ...input },
        });
        await noticeReviewers(tx, doc, at, deps.publicUrl, { isNew: true, lines, facts: cardFacts });
        const result = outcome(doc, lines);
        await also?.(tx, result);
        return result;
      });
    },

    approve: (actor: Actor, id: number, input: Approval, also?: Also<LineDocOutcome>): Promise<LineDocOutcome> =>
      review(actor, id, 'approved', input, also),
    reject: (actor: Actor, id: number, input: RejectInput, also?: Also<LineDocOutcome>): Promise<LineDocOutcome> =>
      review(actor, id, 'returned', input, also),

    /** 撤销上报: the requester takes a submitted document back before review; parked numbers return. */
    async withdraw(actor: Actor, id: number): Promise<LineDocOutcome> {
      requirePermission(actor, spec.permissions.request);
      return store.transaction(async (tx) => {
        const doc = await loadOwn(tx, actor, id);
        const at = clock.now();
        await transition(tx.documents, doc, 'draft', { actorId: actor.userId, at, opinion: '撤销上报' });
        const lines = await unpark(tx, doc, spec.park?.undo.withdraw ?? '', actor, at);
        await tx.audit.record(actor, at, { action: `${spec.audit}.withdraw`, entityType: 'bill_document', entityId: doc.id });
        await closeReviewCards(tx, doc, actor, `${DOC_NAMES[spec.docType]}已由单位撤回`, at);
        return outcome(doc, lines);
      });
    },

    /** 重新上报 a returned or withdrawn document, optionally with corrected lines and fields. */
    async resubmit(actor: Actor, id: number, input: R): Promise<LineDocOutcome> {
      requirePermission(actor, spec.permissions.request);
      return store.transaction(async (tx) => {
        const doc = await loadOwn(tx, actor, id);
        const at = clock.now();
        await transition(tx.documents, doc, 'submitted', { actorId: actor.userId, at });
        const lines = spec.lines(input) ?? (await tx.documents.linesOf(doc.id));
        const fields = spec.fields(input, doc);
        await checkSubmission(tx, await tx.catalog.billTypeById(doc.billTypeId), doc.unitId, lines, fields, at, doc.id);
        const quantity = await applySubmission(tx, doc, lines, actor, at);
        await tx.documents.update(doc.id, { ...fields, quantity });
        await tx.audit.record(actor, at, { action: `${spec.audit}.resubmit`, entityType: 'bill_document', entityId: doc.id, after: input });
        await noticeReviewers(tx, doc, at, deps.publicUrl);
        return outcome(doc, lines);
      });
    },

    /** Pages documents of this type; unit staff only ever see their own unit's. */
    async list(actor: Actor, q: ListLineDocumentsQuery): Promise<Page<DocumentView>> {
      const r = store.read;
      let unitId: number | undefined;
      if (isUnitScoped(actor)) {
        if ((q.unitCode && q.unitCode !== actor.unitCode) || q.holder === 'bureau')
          throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
        unitId = actor.unitId ?? -1;
      } else if (q.unitCode) {
        unitId = (await r.catalog.unitByCode(q.unitCode)).id;
      }
      const billTypeId = q.billTypeCode ? (await r.catalog.billTypeByCode(q.billTypeCode)).id : undefined;
      const [docs, total] = await r.documents.page(
        { docType: spec.docType, unitId, holder: q.holder, status: q.status, billTypeId, ...dayRange(q) },
        pageWindow(q),
      );
      return { items: await r.documents.views(docs), total, page: q.page, pageSize: q.pageSize };
    },

    /** One document with its lines, transitions (who, when, opinion) and counts. */
    async get(actor: Actor, id: number): Promise<DocumentView & { counts: Record<string, number> }> {
      const r = store.read;
      const doc = await r.documents.findById(spec.docType, id);
      if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[spec.docType]} ${id} 不存在`);
      assertUnitAccess(actor, doc.unitId);
      const [view] = await r.documents.views([doc], { lines: true, transitions: true });
      return { ...view, counts: countLines(await r.documents.linesOf(doc.id)) };
    },
  };
}
export type LineDocumentWorkflow = ReturnType<typeof makeLineDocumentWorkflow>;
