import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { billTypeByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import type { Page } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { inTransaction, lockRow } from '../db/transaction';
import { ConflictError, NotFoundError } from '../errors';
import { type Actor } from '../identity/actor';
import { Batch } from '../ledger/batch.entity';
import type { ApproveInput, CreatePrintOrderInput, CreatePrintPlanInput, ListPrintPlansQuery, RejectInput } from '../ledger/ledger.schemas';
import { countOf, formatSpan, intersect, type Span } from '../ledger/ranges';
import { Receipt } from '../ledger/receipt.entity';
import { BillDocument } from './bill-document.entity';
import { documentView, documentViews, type DocumentView } from './document.views';
import { createDocument, loadDocument, transition } from './lifecycle';
import { PrintOrder } from './print-order.entity';
import { requirePermission } from '../policy';

/** A print order as shown in JSON, with how much of it has been received. */
export interface PrintOrderView {
  id: number;
  planId: number;
  printer: string;
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
  received: number;
  status: 'ordered' | 'delivered';
  orderedAt: string;
  deliveredAt: string | null;
}
export type PrintPlanView = DocumentView & { year: number | null; ordered: number; delivered: number; orders: PrintOrderView[] };

async function receivedOf(em: EntityManager, orderId: number): Promise<number> {
  const row = await em
    .createQueryBuilder(Receipt, 'r')
    .select('COALESCE(SUM(r.count), 0)', 'n')
    .where('r.printOrderId = :id', { id: orderId })
    .getRawOne<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

async function planView(em: EntityManager, plan: BillDocument, base?: DocumentView): Promise<PrintPlanView> {
  const orders = await em.find(PrintOrder, { where: { planId: plan.id }, order: { id: 'ASC' } });
  const views: PrintOrderView[] = [];
  for (const o of orders) {
    views.push({
      id: o.id,
      planId: o.planId,
      printer: o.printer,
      batchCode: o.batchCode,
      startNo: o.startNo,
      endNo: o.endNo,
      count: countOf({ start: o.startNo, end: o.endNo }),
      received: await receivedOf(em, o.id),
      status: o.status,
      orderedAt: o.orderedAt.toISOString(),
      deliveredAt: o.deliveredAt ? o.deliveredAt.toISOString() : null,
    });
  }
  const ordered = views.reduce((n, o) => n + o.count, 0);
  const delivered = views.filter((o) => o.status === 'delivered').reduce((n, o) => n + o.count, 0);
  return { ...(base ?? (await documentView(em, plan))), year: plan.planYear ?? null, ordered, delivered, orders: views };
}

/**
 * Called by the receipt service inside its transaction: checks that a receipt fits its print
 * order (same batch, inside the ordered span), for use before the receipt is stored.
 */
export async function checkOrderFits(
  em: EntityManager,
  orderId: number,
  billTypeId: number,
  batchCode: string,
  span: Span,
): Promise<PrintOrder> {
  const order = await em.findOneBy(PrintOrder, { id: orderId });
  if (!order) throw new NotFoundError('DOCUMENT_NOT_FOUND', `印制单 ${orderId} 不存在`);
  const plan = await em.findOneByOrFail(BillDocument, { id: order.planId });
  const inside = intersect(span, { start: order.startNo, end: order.endNo });
  if (plan.billTypeId !== billTypeId || order.batchCode !== batchCode || !inside || countOf(inside) !== countOf(span)) {
    throw new ConflictError(
      'INVALID_RANGE',
      `入库号段 ${batchCode} ${formatSpan(span)} 不在印制单 ${orderId} 的范围（${order.batchCode} ${formatSpan({ start: order.startNo, end: order.endNo })}）内`,
    );
  }
  return order;
}

/** After a receipt is stored: marks the order delivered when fully received, and the plan completed when all of it is. */
export async function recordDelivery(em: EntityManager, order: PrintOrder, actor: Actor, at: Date): Promise<void> {
  if (order.status === 'delivered' || (await receivedOf(em, order.id)) < countOf({ start: order.startNo, end: order.endNo })) return;
  await em.update(PrintOrder, order.id, { status: 'delivered', deliveredAt: at });
  const plan = await loadDocument(em, 'print_plan', order.planId);
  const orders = await em.find(PrintOrder, { where: { planId: plan.id } });
  const delivered = orders
    .filter((o) => o.id === order.id || o.status === 'delivered')
    .reduce((n, o) => n + countOf({ start: o.startNo, end: o.endNo }), 0);
  if (plan.status === 'approved' && delivered >= plan.quantity) await transition(em, plan, 'completed', { actorId: actor.userId, at });
}

/** 计划和印制: annual print plans, their approval, and orders placed with printers. */
export function makePrintPlanService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;

  async function move(
    actor: Actor,
    id: number,
    to: 'submitted' | 'approved' | 'returned' | 'draft',
    opinion: string | null | undefined,
  ): Promise<PrintPlanView> {
    requirePermission(actor, 'print.plan.edit');
    return inTransaction(ds, async (em) => {
      const plan = await loadDocument(em, 'print_plan', id);
      const at = clock.now();
      await transition(em, plan, to, { actorId: actor.userId, at, opinion });
      await recordAudit(em, actor, at, {
        action: `print-plan.${to}`,
        entityType: 'bill_document',
        entityId: plan.id,
        after: { status: to, opinion },
      });
      return planView(em, plan);
    });
  }

  return {
    async create(actor: Actor, input: CreatePrintPlanInput): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.edit');
      return inTransaction(ds, async (em) => {
        const bt = await billTypeByCode(em, input.billTypeCode);
        if (!bt.active) throw new ConflictError('INACTIVE', `票据种类「${bt.name}」已停用，不能制定印制计划`);
        const at = clock.now();
        const plan = await createDocument(
          em,
          {
            docType: 'print_plan',
            billTypeId: bt.id,
            quantity: input.quantity,
            reason: input.reason ?? null,
            planYear: input.year,
            createdBy: actor.userId,
            createdAt: at,
          },
          input.draft ? 'draft' : 'submitted',
        );
        await recordAudit(em, actor, at, { action: 'print-plan.create', entityType: 'bill_document', entityId: plan.id, after: input });
        return planView(em, plan);
      });
    },

    submit: (actor: Actor, id: number) => move(actor, id, 'submitted', undefined),
    withdraw: (actor: Actor, id: number) => move(actor, id, 'draft', undefined),
    approve: (actor: Actor, id: number, input: ApproveInput) => move(actor, id, 'approved', input.opinion ?? null),
    reject: (actor: Actor, id: number, input: RejectInput) => move(actor, id, 'returned', input.opinion),

    /** Places an order with a printer; the plan must be approved and orders may not exceed its quantity. */
    async addOrder(actor: Actor, planId: number, input: CreatePrintOrderInput): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.edit');
      return inTransaction(ds, async (em) => {
        const head = await em.findOneBy(BillDocument, { id: planId, docType: 'print_plan' });
        if (!head) throw new NotFoundError('DOCUMENT_NOT_FOUND', `印制计划 ${planId} 不存在`);
        await lockRow(em, 'bill_type', head.billTypeId);
        const plan = await loadDocument(em, 'print_plan', planId);
        if (plan.status !== 'approved')
          throw new ConflictError('STATE_NOT_ALLOWED', `印制计划 ${plan.docNo} 尚未审核通过（或已完成），不能下达印制单`);
        const batch = await em.findOneBy(Batch, { batchCode: input.batchCode });
        if (batch && batch.billTypeId !== plan.billTypeId)
          throw new ConflictError('BATCH_OTHER_TYPE', `票据代码 ${input.batchCode} 已属于其他票据种类`);
        const span = { start: input.startNo, end: input.endNo };
        const orders = await em.find(PrintOrder, { where: { planId } });
        const ordered = orders.reduce((n, o) => n + countOf({ start: o.startNo, end: o.endNo }), 0);
        if (ordered + countOf(span) > plan.quantity) {
          throw new ConflictError(
            'PLAN_EXCEEDED',
            `印制数量超出计划：计划 ${plan.quantity} 份，已下达 ${ordered} 份，本次 ${countOf(span)} 份`,
          );
        }
        const clash = await em
          .createQueryBuilder(PrintOrder, 'o')
          .where('o.batchCode = :bc AND o.startNo <= :e AND o.endNo >= :s', { bc: input.batchCode, s: span.start, e: span.end })
          .getOne();
        if (clash)
          throw new ConflictError(
            'RANGE_RESERVED',
            `票据代码 ${input.batchCode} 的号码 ${formatSpan(intersect(span, { start: clash.startNo, end: clash.endNo })!)} 已在印制单 ${clash.id} 中`,
          );
        const at = clock.now();
        const order = em.create(PrintOrder, {
          planId,
          printer: input.printer,
          batchCode: input.batchCode,
          startNo: span.start,
          endNo: span.end,
          status: 'ordered',
          orderedAt: at,
          deliveredAt: null,
        });
        await em.save(order);
        await recordAudit(em, actor, at, {
          action: 'print-order.create',
          entityType: 'print_order',
          entityId: order.id,
          after: { planId, ...input },
        });
        return planView(em, plan);
      });
    },

    async list(actor: Actor, q: ListPrintPlansQuery): Promise<Page<DocumentView & { year: number | null }>> {
      requirePermission(actor, 'print.plan.read');
      const qb = ds.getRepository(BillDocument).createQueryBuilder('d').where("d.docType = 'print_plan'").orderBy('d.id', 'DESC');
      if (q.billTypeCode) qb.andWhere('d.billTypeId = :bt', { bt: (await billTypeByCode(ds.manager, q.billTypeCode)).id });
      if (q.status) qb.andWhere('d.status = :st', { st: q.status });
      if (q.year) qb.andWhere('d.planYear = :y', { y: q.year });
      const { skip, take } = pageWindow(q);
      const [docs, total] = await qb.skip(skip).take(take).getManyAndCount();
      const views = await documentViews(ds.manager, docs);
      return { items: views.map((v, i) => ({ ...v, year: docs[i].planYear ?? null })), total, page: q.page, pageSize: q.pageSize };
    },

    async get(actor: Actor, id: number): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.read');
      const plan = await ds.getRepository(BillDocument).findOneBy({ id, docType: 'print_plan' });
      if (!plan) throw new NotFoundError('DOCUMENT_NOT_FOUND', `印制计划 ${id} 不存在`);
      return planView(ds.manager, plan);
    },
  };
}
export type PrintPlanService = ReturnType<typeof makePrintPlanService>;
