import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { BillType } from '../catalog/bill-type.entity';
import { billTypeByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import type { Page } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { inTransaction, lockRow } from '../db/transaction';
import { checkOrderFits, recordDelivery } from '../documents/print-plan.service';
import { ConflictError } from '../errors';
import { type Actor } from '../identity/actor';
import { Batch } from './batch.entity';
import type { CreateReceiptInput, ListReceiptsQuery } from './ledger.schemas';
import type { Place } from './ledger.types';
import { countOf, formatSpan, intersect, normalize, type Span } from './ranges';
import { journal, placeRun } from './range-store';
import { Receipt } from './receipt.entity';
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

export const BUREAU_STOCK: Place = { holder: 'bureau', unitId: null, state: 'IN_STOCK' };

/** Shanghai midnight (UTC+8) of a YYYY-MM-DD date, as the ISO string instants are stored as. */
const shanghaiMidnight = (date: string, plusDays = 0): string =>
  new Date(Date.parse(`${date}T00:00:00+08:00`) + plusDays * 86_400_000).toISOString();

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
export function makeReceiptService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  return {
    /**
     * Receives a run of numbers: creates the batch if new, the receipt, one bureau IN_STOCK range
     * (merged with adjacent ones) and its journal row, all in one transaction.
     */
    async receive(actor: Actor, input: CreateReceiptInput): Promise<ReceiptView> {
      requirePermission(actor, 'receipt.create');
      return inTransaction(ds, async (em) => {
        const bt = await billTypeByCode(em, input.billTypeCode);
        if (!bt.active) throw new ConflictError('INACTIVE', `票据种类「${bt.name}」已停用，不能入库`);
        await lockRow(em, 'bill_type', bt.id);
        const at = clock.now();
        const span: Span = { start: input.startNo, end: input.endNo };
        // Another bill type may create the same batch concurrently: insert-or-ignore, then read who owns it.
        await em
          .createQueryBuilder()
          .insert()
          .into(Batch)
          .values({ batchCode: input.batchCode, billTypeId: bt.id, createdAt: at })
          .orIgnore()
          .execute();
        const batch = await em.findOneByOrFail(Batch, { batchCode: input.batchCode });
        if (batch.billTypeId !== bt.id) {
          const owner = await em.findOneBy(BillType, { id: batch.billTypeId });
          throw new ConflictError(
            'BATCH_OTHER_TYPE',
            `票据代码 ${input.batchCode} 已属于票据种类「${owner?.name ?? batch.billTypeId}」，不能作为「${bt.name}」入库`,
          );
        }
        const clashes = await em
          .createQueryBuilder(Receipt, 'r')
          .where('r.batchCode = :bc AND r.startNo <= :e AND r.endNo >= :s', { bc: input.batchCode, s: span.start, e: span.end })
          .orderBy('r.startNo', 'ASC')
          .getMany();
        if (clashes.length > 0) {
          const overlap = normalize(clashes.map((c) => intersect(span, { start: c.startNo, end: c.endNo })!));
          throw new ConflictError(
            'RANGE_ALREADY_RECEIVED',
            `票据代码 ${input.batchCode} 的号码 ${overlap.map(formatSpan).join('、')} 已经入库，不能重复入库`,
            overlap.map((s) => ({ batchCode: input.batchCode, startNo: s.start, endNo: s.end })),
          );
        }
        const order = input.printOrderId ? await checkOrderFits(em, input.printOrderId, bt.id, input.batchCode, span) : null;
        const receipt = em.create(Receipt, {
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
        await em.save(receipt);
        const run = { billTypeId: bt.id, batchCode: input.batchCode, span };
        await placeRun(em, run, BUREAU_STOCK, at);
        await journal(em, run, null, BUREAU_STOCK, {
          operation: 'receive',
          docType: 'receipt',
          docId: receipt.id,
          actorId: actor.userId,
          at,
        });
        if (order) await recordDelivery(em, order, actor, at);
        await recordAudit(em, actor, at, { action: 'receipt.create', entityType: 'warehouse_receipt', entityId: receipt.id, after: input });
        return toView(receipt, bt);
      });
    },

    /** Lists receipts, newest first; `from`/`to` are inclusive Shanghai dates. */
    async list(actor: Actor, q: ListReceiptsQuery): Promise<Page<ReceiptView>> {
      requirePermission(actor, 'receipt.read');
      const qb = ds.getRepository(Receipt).createQueryBuilder('r').orderBy('r.receivedAt', 'DESC').addOrderBy('r.id', 'DESC');
      if (q.billTypeCode) qb.andWhere('r.billTypeId = :bt', { bt: (await billTypeByCode(ds.manager, q.billTypeCode)).id });
      if (q.batchCode) qb.andWhere('r.batchCode = :bc', { bc: q.batchCode });
      if (q.from) qb.andWhere('r.receivedAt >= :from', { from: shanghaiMidnight(q.from) });
      if (q.to) qb.andWhere('r.receivedAt < :to', { to: shanghaiMidnight(q.to, 1) });
      const { skip, take } = pageWindow(q);
      const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
      const bts = new Map((await ds.getRepository(BillType).find()).map((b) => [b.id, b]));
      return { items: rows.map((r) => toView(r, bts.get(r.billTypeId)!)), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ReceiptService = ReturnType<typeof makeReceiptService>;
