import type { DomainStore } from '../db/repositories';
import { ForbiddenError } from '../errors';
import type { Actor } from '../identity/actor';
import { assertUnitAccess, can, isUnitScoped } from '../policy';
import type { StockQuery, StockView } from './ledger.schemas';

/** 库存: what a unit or the bureau warehouse holds IN_STOCK, as ranges per bill type. */
export function makeStockService(deps: { store: DomainStore }) {
  const r = deps.store.read;

  return {
    /** One indexed query on the common path; cost grows with the holder's ranges, never with its bills. */
    async stock(actor: Actor, q: StockQuery): Promise<StockView> {
      const unitCode = q.unitCode;
      if (unitCode === undefined && !can(actor, 'stock.read.bureau')) throw new ForbiddenError('OTHER_UNIT', '单位用户只能查看本单位库存');
      // Unit staff asking for another unit: resolve it for the right answer (404 or 403).
      if (unitCode !== undefined && isUnitScoped(actor) && actor.unitCode !== unitCode) {
        assertUnitAccess(actor, (await r.catalog.unitByCode(unitCode)).id);
      }
      const rows = await r.ledger.stockRows({ unitCode, billTypeCode: q.billTypeCode });
      // Unknown codes are told apart from empty stock only when nothing came back.
      if (rows.length === 0) {
        if (unitCode !== undefined) assertUnitAccess(actor, (await r.catalog.unitByCode(unitCode)).id);
        if (q.billTypeCode !== undefined) await r.catalog.billTypeByCode(q.billTypeCode);
      }
      const items: StockView['items'] = [];
      let total = 0;
      for (const row of rows) {
        const count = row.endNo - row.startNo + 1;
        let item = items[items.length - 1];
        if (!item || item.billTypeCode !== row.billTypeCode) {
          item = { billTypeCode: row.billTypeCode, billTypeName: row.billTypeName, count: 0, ranges: [] };
          items.push(item);
        }
        item.ranges.push({ batchCode: row.batchCode, startNo: row.startNo, endNo: row.endNo, count });
        item.count += count;
        total += count;
      }
      return unitCode === undefined ? { holder: 'bureau', items, total } : { holder: 'unit', unitCode, items, total };
    },
  };
}
export type StockService = ReturnType<typeof makeStockService>;
