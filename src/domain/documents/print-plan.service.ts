import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore, Repositories } from '../db/repositories';
import { ConflictError, NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import type { ApproveInput, CreatePrintOrderInput, CreatePrintPlanInput, ListPrintPlansQuery, RejectInput } from '../ledger/ledger.schemas';
import { countOf, formatSpan, intersect, type Span } from '../ledger/ranges';
import { assertNotMaker, requirePermission, type Duties } from '../policy';
import type { BillDocument } from './bill-document.entity';
import type { DocumentView } from './document.views';
import { createDocument, loadDocument, lockDocument, makersOf, transition } from './lifecycle';
import type { PrintOrder } from './print-order.entity';

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

type Tx = Pick<Repositories, 'documents' | 'receipts' | 'ledger'>;

const orderCount = (o: PrintOrder) => countOf({ start: o.startNo, end: o.endNo });

async function planView(tx: Tx, plan: BillDocument): Promise<PrintPlanView> {
  const orders = await tx.documents.ordersOfPlan(plan.id);
  const views: PrintOrderView[] = [];
  for (const o of orders) {
    views.push({
      id: o.id,
      planId: o.planId,
      printer: o.printer,
      batchCode: o.batchCode,
      startNo: o.startNo,
      endNo: o.endNo,
      count: orderCount(o),
      received: await tx.receipts.receivedForOrder(o.id),
      status: o.status,
      orderedAt: o.orderedAt.toISOString(),
      deliveredAt: o.deliveredAt ? o.deliveredAt.toISOString() : null,
    });
  }
  const ordered = views.reduce((n, o) => n + o.count, 0);
  const delivered = views.filter((o) => o.status === 'delivered').reduce((n, o) => n + o.count, 0);
  const [base] = await tx.documents.views([plan], { lines: true, transitions: true });
  return { ...base, year: plan.planYear ?? null, ordered, delivered, orders: views };
}

/**
 * Called by the receipt service inside its transaction: checks that a receipt fits its print
 * order (same batch, inside the ordered span), for use before the receipt is stored.
 */
export async function checkOrderFits(tx: Tx, orderId: number, billTypeId: number, batchCode: string, span: Span): Promise<PrintOrder> {
  const order = await tx.documents.orderById(orderId);
  if (!order) throw new NotFoundError('DOCUMENT_NOT_FOUND', `印制单 ${orderId} 不存在`);
  const plan = await tx.documents.findById('print_plan', order.planId);
  const inside = intersect(span, { start: order.startNo, end: order.endNo });
  if (plan?.billTypeId !== billTypeId || order.batchCode !== batchCode || !inside || countOf(inside) !== countOf(span)) {
    throw new ConflictError(
      'INVALID_RANGE',
      `入库号段 ${batchCode} ${formatSpan(span)} 不在印制单 ${orderId} 的范围（${order.batchCode} ${formatSpan({ start: order.startNo, end: order.endNo })}）内`,
    );
  }
  return order;
}

/** After a receipt is stored: marks the order delivered when fully received, and the plan completed when all of it is. */
export async function recordDelivery(tx: Tx, order: PrintOrder, actor: Actor, at: Date): Promise<void> {
  if (order.status === 'delivered' || (await tx.receipts.receivedForOrder(order.id)) < orderCount(order)) return;
  await tx.documents.updateOrder(order.id, { status: 'delivered', deliveredAt: at });
  const plan = await loadDocument(tx.documents, 'print_plan', order.planId);
  const orders = await tx.documents.ordersOfPlan(plan.id);
  const delivered = orders.filter((o) => o.id === order.id || o.status === 'delivered').reduce((n, o) => n + orderCount(o), 0);
  if (plan.status === 'approved' && delivered >= plan.quantity)
    await transition(tx.documents, plan, 'completed', { actorId: actor.userId, at });
}

/** 计划和印制: annual print plans, their approval, and orders placed with printers. */
export function makePrintPlanService(deps: { store: DomainStore; clock: Clock; duties: Duties }) {
  const { store, clock, duties } = deps;

  async function move(
    actor: Actor,
    id: number,
    to: 'submitted' | 'approved' | 'returned' | 'draft',
    opinion: string | null | undefined,
  ): Promise<PrintPlanView> {
    requirePermission(actor, 'print.plan.edit');
    return store.transaction(async (tx) => {
      const plan = await loadDocument(tx.documents, 'print_plan', id);
      if (to === 'approved' || to === 'returned') assertNotMaker(duties, actor, makersOf(plan), `印制计划 ${plan.docNo} `);
      const at = clock.now();
      await transition(tx.documents, plan, to, { actorId: actor.userId, at, opinion });
      await tx.audit.record(actor, at, {
        action: `print-plan.${to}`,
        entityType: 'bill_document',
        entityId: plan.id,
        after: { status: to, opinion },
      });
      return planView(tx, plan);
    });
  }

  return {
    async create(actor: Actor, input: CreatePrintPlanInput): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.edit');
      return store.transaction(async (tx) => {
        const bt = await tx.catalog.billTypeByCode(input.billTypeCode);
        if (!bt.active) throw new ConflictError('INACTIVE', `票据种类「${bt.name}」已停用，不能制定印制计划`);
        const at = clock.now();
        const plan = await createDocument(
          tx.documents,
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
        await tx.audit.record(actor, at, { action: 'print-plan.create', entityType: 'bill_document', entityId: plan.id, after: input });
        return planView(tx, plan);
      });
    },

    submit: (actor: Actor, id: number) => move(actor, id, 'submitted', undefined),
    withdraw: (actor: Actor, id: number) => move(actor, id, 'draft', undefined),
    approve: (actor: Actor, id: number, input: ApproveInput) => move(actor, id, 'approved', input.opinion ?? null),
    reject: (actor: Actor, id: number, input: RejectInput) => move(actor, id, 'returned', input.opinion),

    /** Places an order with a printer; the plan must be approved and orders may not exceed its quantity. */
    async addOrder(actor: Actor, planId: number, input: CreatePrintOrderInput): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.edit');
      return store.transaction(async (tx) => {
        const plan = await lockDocument(tx, 'print_plan', planId);
        if (plan.status !== 'approved')
          throw new ConflictError('STATE_NOT_ALLOWED', `印制计划 ${plan.docNo} 尚未审核通过（或已完成），不能下达印制单`);
        const batch = await tx.ledger.batchByCode(input.batchCode);
        if (batch && batch.billTypeId !== plan.billTypeId)
          throw new ConflictError('BATCH_OTHER_TYPE', `票据代码 ${input.batchCode} 已属于其他票据种类`);
        const span = { start: input.startNo, end: input.endNo };
        const ordered = (await tx.documents.ordersOfPlan(planId)).reduce((n, o) => n + orderCount(o), 0);
        if (ordered + countOf(span) > plan.quantity) {
          throw new ConflictError(
            'PLAN_EXCEEDED',
            `印制数量超出计划：计划 ${plan.quantity} 份，已下达 ${ordered} 份，本次 ${countOf(span)} 份`,
          );
        }
        const clash = await tx.documents.orderOverlapping(input.batchCode, span.start, span.end);
        if (clash)
          throw new ConflictError(
            'RANGE_RESERVED',
            `票据代码 ${input.batchCode} 的号码 ${formatSpan(intersect(span, { start: clash.startNo, end: clash.endNo })!)} 已在印制单 ${clash.id} 中`,
          );
        const at = clock.now();
        const order = await tx.documents.insertOrder({
          planId,
          printer: input.printer,
          batchCode: input.batchCode,
          startNo: span.start,
          endNo: span.end,
          status: 'ordered',
          orderedAt: at,
          deliveredAt: null,
        });
        await tx.audit.record(actor, at, {
          action: 'print-order.create',
          entityType: 'print_order',
          entityId: order.id,
          after: { planId, ...input },
        });
        return planView(tx, plan);
      });
    },

    async list(actor: Actor, q: ListPrintPlansQuery): Promise<Page<DocumentView & { year: number | null }>> {
      requirePermission(actor, 'print.plan.read');
      const r = store.read;
      const billTypeId = q.billTypeCode ? (await r.catalog.billTypeByCode(q.billTypeCode)).id : undefined;
      const [docs, total] = await r.documents.page(
        { docType: 'print_plan', billTypeId, status: q.status, planYear: q.year },
        pageWindow(q),
      );
      const views = await r.documents.views(docs);
      return { items: views.map((v, i) => ({ ...v, year: docs[i].planYear ?? null })), total, page: q.page, pageSize: q.pageSize };
    },

    async get(actor: Actor, id: number): Promise<PrintPlanView> {
      requirePermission(actor, 'print.plan.read');
      const plan = await store.read.documents.findById('print_plan', id);
      if (!plan) throw new NotFoundError('DOCUMENT_NOT_FOUND', `印制计划 ${id} 不存在`);
      return planView(store.read, plan);
    },
  };
}
export type PrintPlanService = ReturnType<typeof makePrintPlanService>;
