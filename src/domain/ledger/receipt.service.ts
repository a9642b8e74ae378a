import type { BillType } from '../catalog/bill-type.entity';
import type { Clock } from '../clock';
import { shanghaiDayStartIso } from '../common/dates';
import type { Page } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import type { DomainStore } from '../db/repositories';
import { checkOrderFits, recordDelivery } from '../documents/print-plan.service';
import { ConflictError } from '../errors';
import { type Actor } from '../identity/actor';
import type { CreateReceiptInput, ListReceiptsQuery } from './ledger.schemas';
import { BUREAU_STOCK } from './ledger.types';
import { countOf, formatSpan, intersect, normalize, type Span } from './ranges';
import type { Receipt } from './receipt.entity';
import { requirePermission } from '../policy';

/** A receipt as shown in JSON. */
export interface ReceiptView {
  id: number;
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
  printOrderId: number | null;
  note: string | null;
  receivedAt: string;
}

function toView(r: Receipt, bt: Pick<BillType, 'code' | 'name'>): ReceiptView {
  return {
    id: r.id,
    billTypeCode: bt.code,
    billTypeName: bt.name,
    batchCode: r.batchCode,
    startNo: r.startNo,
    endNo: r.endNo,
    count: r.count,
    printOrderId: r.printOrderId,
    note: r.note,
    receivedAt: r.receivedAt.toISOString(),
  };
}

/** 入库: receiving printed batches into the bureau warehouse. */
export function makeReceiptService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /**
     * Receives a run of numbers: creates the batch if new, the receipt, one bureau IN_STOCK range
     * (merged with adjacent ones) and its journal row, all in one transaction.
     */
    async receive(actor: Actor, input: CreateReceiptInput): Promise<ReceiptView> {
      requirePermission(actor, 'receipt.create');
      return store.transaction(async (tx) => {
        const bt = await tx.catalog.billTypeByCode(input.billTypeCode);
        if (!bt.active) throw new ConflictError('INACTIVE', `票据种类「${bt.name}」已停用，不能入库`);
        await tx.ledger.lockBillType(bt.id);
        const at = clock.now();
        const span: Span = { start: input.startNo, end: input.endNo };
        // Another bill type may create the same batch concurrently: insert-or-ignore, then read who owns it.
        const batch = await tx.ledger.ensureBatch(input.batchCode, bt.id, at);
        if (batch.billTypeId !== bt.id) {
          const owner = await tx.catalog.billTypeById(batch.billTypeId).catch(() => null);
          throw new ConflictError(
            'BATCH_OTHER_TYPE',
            `票据代码 ${input.batchCode} 已属于票据种类「${owner?.name ?? batch.billTypeId}」，不能作为「${bt.name}」入库`,
          );
        }
        const clashes = await tx.receipts.overlapping(input.batchCode, span);
        if (clashes.length > 0) {
          const overlap = normalize(clashes.map((c) => intersect(span, { start: c.startNo, end: c.endNo })!));
          throw new ConflictError(
            'RANGE_ALREADY_RECEIVED',
            `票据代码 ${input.batchCode} 的号码 ${overlap.map(formatSpan).join('、')} 已经入库，不能重复入库`,
            overlap.map((s) => ({ batchCode: input.batchCode, startNo: s.start, endNo: s.end })),
          );
        }
        const order = input.printOrderId ? await checkOrderFits(tx, input.printOrderId, bt.id, input.batchCode, span) : null;
        const receipt = await tx.receipts.insert({
          billTypeId: bt.id,
          batchCode: input.batchCode,
          startNo: span.start,
          endNo: span.end,
          count: countOf(span),
          printOrderId: order?.id ?? null,
          note: input.note ?? null,
          actorId: actor.userId,
          receivedAt: at,
        });
        const run = { billTypeId: bt.id, batchCode: input.batchCode, span };
        await tx.ledger.placeRun(run, null, BUREAU_STOCK, {
          operation: 'receive',
          docType: 'receipt',
          docId: receipt.id,
          actorId: actor.userId,
          at,
        });
        if (order) await recordDelivery(tx, order, actor, at);
        await tx.audit.record(actor, at, { action: 'receipt.create', entityType: 'warehouse_receipt', entityId: receipt.id, after: input });
        return toView(receipt, bt);
      });
    },

    /** Lists receipts, newest first; `from`/`to` are inclusive Shanghai dates. */
    async list(actor: Actor, q: ListReceiptsQuery): Promise<Page<ReceiptView>> {
      requirePermission(actor, 'receipt.read');
      const r = store.read;
      const billTypeId = q.billTypeCode ? (await r.catalog.billTypeByCode(q.billTypeCode)).id : undefined;
      const filter = {
        billTypeId,
        batchCode: q.batchCode,
        fromIso: q.from ? shanghaiDayStartIso(q.from) : undefined,
        toIso: q.to ? shanghaiDayStartIso(q.to, 1) : undefined,
      };
      const [rows, total] = await r.receipts.page(filter, pageWindow(q));
      const bts = new Map((await r.catalog.allBillTypes()).map((b) => [b.id, b]));
      return { items: rows.map((x) => toView(x, bts.get(x.billTypeId)!)), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ReceiptService = ReturnType<typeof makeReceiptService>;
