import type { BillType } from '../catalog/bill-type.entity';
import type { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import { awaitedLater } from '../common/awaited-later';
import { dayRange } from '../common/dates';
import type { DomainStore, Repositories } from '../db/repositories';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Actor } from '../identity/actor';
import type {
  ApproveInput,
  CancelApplicationInput,
  CreateApplicationInput,
  ListApplicationsQuery,
  ReduceApplicationInput,
  RejectInput,
  ResubmitInput,
} from '../ledger/ledger.schemas';
import { assertNotMaker, assertUnitAccess, isUnitScoped, requirePermission, type Duties } from '../policy';
import { readApplicationCheck, readGraceSetting, type ApplicationCheck } from './application-checks';
import type { WarehouseOutlook } from './application-facts.queries';
import type { BillDocument } from './bill-document.entity';
import type { DocumentView } from './document.views';
import { noticeToUnit } from './application-notices';
import { closeReviewCards, noticeReviewers } from '../cards/review-cards';
import { createDocument, loadDocument, lockDocument, makersOf, STATUS_NAMES, transition } from './lifecycle';

type Tx = Pick<Repositories, 'catalog' | 'documents' | 'ledger' | 'settings'>;

/**
 * Work done in the transaction of a change, after it (a card settled, notices queued): if it
 * throws, the change is undone with it. The bot's confirmations and approvals pass one.
 */
export type Also<T> = (tx: Repositories, result: T) => Promise<void>;

/** 申领: applications by units, checked against 分次限量 and 核旧领新, reviewed by the bureau. */
export function makeApplicationService(deps: { store: DomainStore; clock: Clock; duties: Duties; publicUrl?: string }) {
  const { store, clock, duties } = deps;

  /** Refuses (409, the first rule's reason and Chinese message) unless the rules allow it; returns the reading for the card. */
  async function checkRules(
    tx: Tx,
    unit: Unit,
    bt: BillType,
    quantity: number,
    docId: number | null,
    graceSetting?: Promise<string | null>,
  ): Promise<ApplicationCheck> {
    const check = await readApplicationCheck(tx, unit, bt, quantity, docId, clock.now(), graceSetting);
    const [first] = check.blockers;
    if (first) throw new ConflictError(first.reason, first.message, first.details);
    return check;
  }

  /** Loads an application the actor may act on (unit staff: own unit only). */
  async function loadFor(tx: Repositories, actor: Actor, id: number): Promise<BillDocument> {
    const doc = await loadDocument(tx.documents, 'application', id);
    assertUnitAccess(actor, doc.unitId);
    return doc;
  }

  async function review(
    actor: Actor,
    id: number,
    to: 'approved' | 'returned',
    opinion: string | null,
    also?: Also<DocumentView>,
  ): Promise<DocumentView> {
    requirePermission(actor, 'application.approve');
    return store.transaction(async (tx) => {
      // Lock order bill_type → document, so two approvals cannot both promise the same stock.
      const locked = lockDocument(tx, 'application', id);
      // What an approval promises against is read behind the lock, in its round trip.
      const outlook = to === 'approved' ? awaitedLater(tx.documents.warehouseOutlookOf(id)) : null;
      const doc = await locked;
      // Entered by an operator for the unit (代录) counts as made by that operator.
      assertNotMaker(duties, actor, makersOf(doc), `申领单 ${doc.docNo} `);
      if (outlook && doc.status === 'submitted') await assertCanPromise(tx, doc, await outlook);
      const at = clock.now();
      await transition(tx.documents, doc, to, { actorId: actor.userId, at, opinion });
      await tx.audit.record(actor, at, {
        action: `application.${to === 'approved' ? 'approve' : 'reject'}`,
        entityType: 'bill_document',
        entityId: id,
        after: { status: to, opinion },
      });
      // Reviewed elsewhere (the workbench): the operators' cards stop acting and say so.
      const closeCards = () => closeReviewCards(tx, doc, actor, to === 'approved' ? '已在工作台审核通过' : '已在工作台退回', at);
      const viewRead = tx.documents.views([doc], { lines: true, transitions: true });
      if (!also) {
        // Nothing of the caller's comes between: the cards close in the view's round trip.
        const [[view]] = await Promise.all([viewRead, closeCards()]);
        return view;
      }
      // The caller's step (a card's own action) comes before the other cards close.
      const [view] = await viewRead;
      await also(tx, view);
      await closeCards();
      return view;
    });
  }

  /**
   * An approval promises stock: the warehouse must hold the quantity beyond what earlier approved,
   * not yet issued applications of the same bill type already promise. Otherwise 409 with the
   * figures, so the operator can return it for a smaller quantity or wait for a receipt.
   */
  async function assertCanPromise(tx: Repositories, doc: BillDocument, { held, promised }: WarehouseOutlook): Promise<void> {
    const bt = await tx.catalog.billTypeById(doc.billTypeId);
    const available = Math.max(0, held - promised);
    if (available >= doc.quantity) return;
    throw new ConflictError(
      'STOCK_INSUFFICIENT',
      `库存不足，不能审核通过：「${bt.name}」财政库存 ${held} 份` +
        (promised > 0 ? `，其中 ${promised} 份已批给其他待发放的申领单` : '') +
        `，可批 ${available} 份，申领单 ${doc.docNo} 申请 ${doc.quantity} 份。请退回单位减少数量，或待入库后再审核。`,
      [{ available, requested: doc.quantity, inWarehouse: held, promised }],
    );
  }

  /** An approved application the bureau may still change: not issued yet, else 409 naming its status. */
  async function loadUnissued(tx: Repositories, actor: Actor, id: number, what: string): Promise<BillDocument> {
    requirePermission(actor, 'application.amend');
    const doc = await lockDocument(tx, 'application', id);
    if (doc.status !== 'approved') {
      throw new ConflictError(
        'STATE_NOT_ALLOWED',
        `申领单 ${doc.docNo} 当前状态为「${STATUS_NAMES[doc.status]}」，只有审核通过且尚未发放的申领单才能${what}`,
      );
    }
    return doc;
  }

  return {
    /** Files an application (status submitted) after checking the cap and 核旧领新. */
    async create(actor: Actor, input: CreateApplicationInput, also?: Also<DocumentView>): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return store.transaction(async (tx) => {
        // The unit, the bill type and the rules' setting in one round trip; the unit's checks still come first.
        const unitRead = tx.catalog.unitByCode(input.unitCode);
        const btRead = awaitedLater(tx.catalog.billTypeByCode(input.billTypeCode));
        const grace = readGraceSetting(tx);
        const unit = await unitRead;
        assertUnitAccess(actor, unit.id);
        const bt = await btRead;
        // Taken once the request has passed the access checks; it travels with the rules' reads.
        const id = tx.documents.reserveId();
        const check = await checkRules(tx, unit, bt, input.quantity, null, grace);
        const at = clock.now();
        const doc = await createDocument(
          tx.documents,
          {
            docType: 'application',
            unitId: unit.id,
            billTypeId: bt.id,
            quantity: input.quantity,
            reason: input.reason ?? null,
            createdBy: actor.userId,
            createdAt: at,
          },
          'submitted',
          null,
          id,
        );
        await tx.audit.record(actor, at, { action: 'application.create', entityType: 'bill_document', entityId: doc.id, after: input });
        // The view is read with the operators' card (which changes nothing it shows).
        const viewRead = awaitedLater(tx.documents.views([doc], { lines: true, transitions: true }));
        await noticeReviewers(tx, doc, at, deps.publicUrl, { check, isNew: true });
        const view = (await viewRead)[0];
        await also?.(tx, view);
        return view;
      });
    },

    /** Submits a draft or returned application again (quantity/reason may change); rules are re-checked. */
    async submit(actor: Actor, id: number, input: ResubmitInput = {}): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return store.transaction(async (tx) => {
        const doc = await loadFor(tx, actor, id);
        const [unit, bt] = await Promise.all([tx.catalog.unitById(doc.unitId!), tx.catalog.billTypeById(doc.billTypeId)]);
        const quantity = input.quantity ?? doc.quantity;
        const check = doc.status === 'draft' || doc.status === 'returned' ? await checkRules(tx, unit!, bt, quantity, doc.id) : undefined;
        const at = clock.now();
        await transition(tx.documents, doc, 'submitted', { actorId: actor.userId, at }, { quantity, reason: input.reason ?? doc.reason });
        await tx.audit.record(actor, at, {
          action: 'application.submit',
          entityType: 'bill_document',
          entityId: id,
          after: { quantity, reason: doc.reason },
        });
        await noticeReviewers(tx, doc, at, deps.publicUrl, { check });
        return (await tx.documents.views([doc], { lines: true, transitions: true }))[0];
      });
    },

    /** 撤销上报: takes a submitted application back to draft before review. */
    async withdraw(actor: Actor, id: number, also?: Also<DocumentView>): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return store.transaction(async (tx) => {
        const doc = await loadFor(tx, actor, id);
        const at = clock.now();
        await transition(tx.documents, doc, 'draft', { actorId: actor.userId, at });
        await tx.audit.record(actor, at, { action: 'application.withdraw', entityType: 'bill_document', entityId: id });
        // The bureau's review cards of a withdrawn application must not act any more.
        await closeReviewCards(tx, doc, actor, '申领单已由单位撤回', at);
        const view = (await tx.documents.views([doc], { lines: true, transitions: true }))[0];
        await also?.(tx, view);
        return view;
      });
    },

    /** 作废: the bureau withdraws its approval of an application it has not issued; the unit is told why. */
    async cancel(actor: Actor, id: number, input: CancelApplicationInput): Promise<DocumentView> {
      return store.transaction(async (tx) => {
        const doc = await loadUnissued(tx, actor, id, '作废');
        const at = clock.now();
        await transition(tx.documents, doc, 'cancelled', { actorId: actor.userId, at, opinion: input.opinion }, { opinion: input.opinion });
        await tx.audit.record(actor, at, {
          action: 'application.cancel',
          entityType: 'bill_document',
          entityId: id,
          before: { status: 'approved' },
          after: { status: 'cancelled', opinion: input.opinion },
        });
        const bt = await tx.catalog.billTypeById(doc.billTypeId);
        await noticeToUnit(
          tx,
          doc,
          'cancelled',
          `您单位的申领单 ${doc.docNo}（「${bt.name}」${doc.quantity} 份）已由财政局作废，不再发放。\n原因：${input.opinion}\n如仍需领用，请重新提交申领。`,
          at,
        );
        return (await tx.documents.views([doc], { lines: true, transitions: true }))[0];
      });
    },

    /** 核减: the bureau lowers the quantity of an approved application it has not issued; the unit is told why. */
    async reduce(actor: Actor, id: number, input: ReduceApplicationInput): Promise<DocumentView> {
      return store.transaction(async (tx) => {
        const doc = await loadUnissued(tx, actor, id, '核减数量');
        if (input.quantity >= doc.quantity) {
          throw new ValidationError('INVALID_INPUT', `核减后的数量须小于原批准数量 ${doc.quantity} 份`, [
            { path: 'quantity', message: `须小于 ${doc.quantity}` },
          ]);
        }
        const at = clock.now();
        const before = doc.quantity;
        const opinion = `核减数量 ${before} → ${input.quantity} 份：${input.opinion}`;
        // The status stays approved; the transition row keeps the change in the document's history.
        await tx.documents.updateWithTransition(
          doc.id,
          { quantity: input.quantity, opinion },
          {
            documentId: doc.id,
            fromStatus: 'approved',
            toStatus: 'approved',
            actorId: actor.userId,
            opinion,
            at,
          },
        );
        Object.assign(doc, { quantity: input.quantity, opinion });
        await tx.audit.record(actor, at, {
          action: 'application.reduce',
          entityType: 'bill_document',
          entityId: id,
          before: { quantity: before },
          after: { quantity: input.quantity, opinion: input.opinion },
        });
        const bt = await tx.catalog.billTypeById(doc.billTypeId);
        await noticeToUnit(
          tx,
          doc,
          `reduced-${input.quantity}`,
          `您单位的申领单 ${doc.docNo}（「${bt.name}」）批准数量由 ${before} 份核减为 ${input.quantity} 份，将按 ${input.quantity} 份发放。\n原因：${input.opinion}`,
          at,
        );
        return (await tx.documents.views([doc], { lines: true, transitions: true }))[0];
      });
    },

    approve: (actor: Actor, id: number, input: ApproveInput, also?: Also<DocumentView>) =>
      review(actor, id, 'approved', input.opinion ?? null, also),
    reject: (actor: Actor, id: number, input: RejectInput, also?: Also<DocumentView>) => review(actor, id, 'returned', input.opinion, also),

    /** Lists applications, newest first; unit staff see only their own unit. */
    async list(actor: Actor, q: ListApplicationsQuery): Promise<Page<DocumentView>> {
      const r = store.read;
      let unitId: number | undefined;
      if (q.unitCode !== undefined) {
        unitId = (await r.catalog.unitByCode(q.unitCode)).id;
        assertUnitAccess(actor, unitId);
      } else if (isUnitScoped(actor)) {
        if (actor.unitId === null) throw new ForbiddenError('NO_UNIT', '账号未关联单位');
        unitId = actor.unitId;
      }
      const billTypeId = q.billTypeCode ? (await r.catalog.billTypeByCode(q.billTypeCode)).id : undefined;
      const [docs, total] = await r.documents.page(
        { docType: 'application', unitId, billTypeId, status: q.status, ...dayRange(q) },
        pageWindow(q),
      );
      return { items: await r.documents.views(docs), total, page: q.page, pageSize: q.pageSize };
    },

    /** One application with its transitions (opinions) and, once issued, its issuance. */
    async get(actor: Actor, id: number): Promise<DocumentView & { issuanceId: number | null }> {
      const r = store.read;
      const doc = await r.documents.findById('application', id);
      if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `申领单 ${id} 不存在`);
      assertUnitAccess(actor, doc.unitId);
      const issuance = await r.documents.issuanceOf(id);
      return { ...(await r.documents.views([doc], { transitions: true }))[0], issuanceId: issuance?.id ?? null };
    },
  };
}
export type ApplicationService = ReturnType<typeof makeApplicationService>;
