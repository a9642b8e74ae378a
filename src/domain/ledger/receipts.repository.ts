import type { RepoContext } from '../db/store';
import type { Span } from './ranges';
import { Receipt } from './receipt.entity';

/** Filters of the receipt list; `fromIso`/`toIso` are a half-open window of instants. */
export interface ReceiptFilter {
  billTypeId?: number;
  batchCode?: string;
  fromIso?: string;
  toIso?: string;
}

/** 入库 records: each a run of one batch received into the bureau warehouse. */
export function makeReceiptRepository({ em }: RepoContext) {
  return {
    /** Receipts of a batch that share numbers with a span, lowest first. */
    overlapping: (batchCode: string, span: Span): Promise<Receipt[]> =>
      em
        .createQueryBuilder(Receipt, 'r')
        .where('r.batchCode = :bc AND r.startNo <= :e AND r.endNo >= :s', { bc: batchCode, s: span.start, e: span.end })
        .orderBy('r.startNo', 'ASC')
        .getMany(),

    async insert(r: Omit<Receipt, 'id'>): Promise<Receipt> {
      return em.save(em.create(Receipt, r));
    },

    /** One page of receipts, newest first. */
    page: (f: ReceiptFilter, window: { skip: number; take: number }): Promise<[Receipt[], number]> => {
      const qb = em.createQueryBuilder(Receipt, 'r').orderBy('r.receivedAt', 'DESC').addOrderBy('r.id', 'DESC');
      if (f.billTypeId !== undefined) qb.andWhere('r.billTypeId = :bt', { bt: f.billTypeId });
      if (f.batchCode !== undefined) qb.andWhere('r.batchCode = :bc', { bc: f.batchCode });
      if (f.fromIso !== undefined) qb.andWhere('r.receivedAt >= :from', { from: f.fromIso });
      if (f.toIso !== undefined) qb.andWhere('r.receivedAt < :to', { to: f.toIso });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },

    /** How many numbers have been received against a print order. */
    async receivedForOrder(orderId: number): Promise<number> {
      const row = await em
        .createQueryBuilder(Receipt, 'r')
        .select('COALESCE(SUM(r.count), 0)', 'n')
        .where('r.printOrderId = :id', { id: orderId })
        .getRawOne<{ n: string | number }>();
      return Number(row?.n ?? 0);
    },
  };
}
export type ReceiptRepository = ReturnType<typeof makeReceiptRepository>;
