import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { BillType } from '../catalog/bill-type.entity';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import type { Page } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { inTransaction } from '../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { type Actor } from '../identity/actor';
import type { ApproveInput, CreateApplicationInput, ListApplicationsQuery, RejectInput, ResubmitInput } from '../ledger/ledger.schemas';
import { checkCap, checkOldBeforeNew } from './application.rules';
import { BillDocument } from './bill-document.entity';
import { documentView, documentViews, type DocumentView } from './document.views';
import { createDocument, loadDocument, transition } from './lifecycle';
import { assertUnitAccess, isUnitScoped, requirePermission } from '../policy';

async function unitAndType(em: EntityManager, doc: BillDocument): Promise<{ unit: Unit; bt: BillType }> {
  return { unit: await em.findOneByOrFail(Unit, { id: doc.unitId! }), bt: await em.findOneByOrFail(BillType, { id: doc.billTypeId }) };
}

/** 申领: applications by units, checked against 分次限量 and 核旧领新, reviewed by the bureau. */
export function makeApplicationService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;

  async function checkRules(em: EntityManager, unit: Unit, bt: BillType, quantity: number): Promise<void> {
    if (!bt.active) throw new ConflictError('INACTIVE', `票据种类「${bt.name}」已停用，不能申领`);
    if (!unit.active) throw new ConflictError('INACTIVE', `单位 ${unit.code} 已停用，不能申领`);
    await checkCap(em, unit, bt, quantity);
    await checkOldBeforeNew(em, unit, bt, clock.now());
  }

  /** Loads an application the actor may act on (unit staff: own unit only). */
  async function loadFor(em: EntityManager, actor: Actor, id: number): Promise<BillDocument> {
    const doc = await loadDocument(em, 'application', id);
    assertUnitAccess(actor, doc.unitId!);
    return doc;
  }

  async function review(actor: Actor, id: number, to: 'approved' | 'returned', opinion: string | null): Promise<DocumentView> {
    requirePermission(actor, 'application.approve');
    return inTransaction(ds, async (em) => {
      const doc = await loadDocument(em, 'application', id);
      const at = clock.now();
      await transition(em, doc, to, { actorId: actor.userId, at, opinion });
      await recordAudit(em, actor, at, {
        action: `application.${to === 'approved' ? 'approve' : 'reject'}`,
        entityType: 'bill_document',
        entityId: id,
        after: { status: to, opinion },
      });
      return documentView(em, doc);
    });
  }

  return {
    /** Files an application (status submitted) after checking the cap and 核旧领新. */
    async create(actor: Actor, input: CreateApplicationInput): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return inTransaction(ds, async (em) => {
        const unit = await unitByCode(em, input.unitCode);
        assertUnitAccess(actor, unit.id);
        const bt = await billTypeByCode(em, input.billTypeCode);
        await checkRules(em, unit, bt, input.quantity);
        const at = clock.now();
        const doc = await createDocument(
          em,
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
        );
        await recordAudit(em, actor, at, { action: 'application.create', entityType: 'bill_document', entityId: doc.id, after: input });
        return documentView(em, doc);
      });
    },

    /** Submits a draft or returned application again (quantity/reason may change); rules are re-checked. */
    async submit(actor: Actor, id: number, input: ResubmitInput = {}): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return inTransaction(ds, async (em) => {
        const doc = await loadFor(em, actor, id);
        const { unit, bt } = await unitAndType(em, doc);
        const quantity = input.quantity ?? doc.quantity;
        if (doc.status === 'draft' || doc.status === 'returned') await checkRules(em, unit, bt, quantity);
        const at = clock.now();
        await transition(em, doc, 'submitted', { actorId: actor.userId, at }, { quantity, reason: input.reason ?? doc.reason });
        await recordAudit(em, actor, at, {
          action: 'application.submit',
          entityType: 'bill_document',
          entityId: id,
          after: { quantity, reason: doc.reason },
        });
        return documentView(em, doc);
      });
    },

    /** 撤销上报: takes a submitted application back to draft before review. */
    async withdraw(actor: Actor, id: number): Promise<DocumentView> {
      requirePermission(actor, 'application.create');
      return inTransaction(ds, async (em) => {
        const doc = await loadFor(em, actor, id);
        const at = clock.now();
        await transition(em, doc, 'draft', { actorId: actor.userId, at });
        await recordAudit(em, actor, at, { action: 'application.withdraw', entityType: 'bill_document', entityId: id });
        return documentView(em, doc);
      });
    },

    approve: (actor: Actor, id: number, input: ApproveInput) => review(actor, id, 'approved', input.opinion ?? null),
    reject: (actor: Actor, id: number, input: RejectInput) => review(actor, id, 'returned', input.opinion),

    /** Lists applications, newest first; unit staff see only their own unit. */
    async list(actor: Actor, q: ListApplicationsQuery): Promise<Page<DocumentView>> {
      const qb = ds.getRepository(BillDocument).createQueryBuilder('d').where("d.docType = 'application'").orderBy('d.id', 'DESC');
      let unitId: number | null = null;
      if (q.unitCode !== undefined) {
        unitId = (await unitByCode(ds.manager, q.unitCode)).id;
        assertUnitAccess(actor, unitId);
      } else if (isUnitScoped(actor)) {
        if (actor.unitId === null) throw new ForbiddenError('NO_UNIT', '账号未关联单位');
        unitId = actor.unitId;
      }
      if (unitId !== null) qb.andWhere('d.unitId = :u', { u: unitId });
      if (q.billTypeCode) qb.andWhere('d.billTypeId = :bt', { bt: (await billTypeByCode(ds.manager, q.billTypeCode)).id });
      if (q.status) qb.andWhere('d.status = :st', { st: q.status });
      const { skip, take } = pageWindow(q);
      const [docs, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items: await documentViews(ds.manager, docs), total, page: q.page, pageSize: q.pageSize };
    },

    /** One application with its transitions (opinions) and, once issued, nothing else to load. */
    async get(actor: Actor, id: number): Promise<DocumentView & { issuanceId: number | null }> {
      const doc = await ds.getRepository(BillDocument).findOneBy({ id, docType: 'application' });
      if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `申领单 ${id} 不存在`);
      assertUnitAccess(actor, doc.unitId!);
      const issuance = await ds.getRepository(BillDocument).findOneBy({ docType: 'issuance', applicationId: id });
      return { ...(await documentView(ds.manager, doc, { transitions: true })), issuanceId: issuance?.id ?? null };
    },
  };
}
export type ApplicationService = ReturnType<typeof makeApplicationService>;
