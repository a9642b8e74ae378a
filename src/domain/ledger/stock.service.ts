import type { DataSource } from 'typeorm';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import { ForbiddenError } from '../errors';
import { type Actor } from '../identity/actor';
import type { StockQuery, StockView } from './ledger.schemas';
import { assertUnitAccess, can, isUnitScoped } from '../policy';

// The warehouse balance is bureau business; units see only their own stock.

interface Row {
  billTypeCode: string;
  billTypeName: string;
  batchCode: string;
  startNo: string | number;
  endNo: string | number;
}

/** 库存: what a unit or the bureau warehouse holds IN_STOCK, as ranges per bill type. */
export function makeStockService(deps: { ds: DataSource }) {
  const { ds } = deps;
  const pg = () => ds.options.type === 'postgres';
  const p = (i: number) => (pg() ? `$${i}` : '?');

  return {
    /**
     * One indexed query over stock_range (holder, unitId, state, billTypeId): cost grows with the
     * number of ranges the holder has, never with the number of bills.
     */
    async stock(actor: Actor, q: StockQuery): Promise<StockView> {
      const unitCode = q.unitCode;
      if (unitCode === undefined && !can(actor, 'stock.read.bureau')) throw new ForbiddenError('OTHER_UNIT', '单位用户只能查看本单位库存');
      // Unit staff asking for another unit: resolve it for the right answer (404 or 403).
      if (unitCode !== undefined && isUnitScoped(actor) && actor.unitCode !== unitCode) {
        assertUnitAccess(actor, (await unitByCode(ds.manager, unitCode)).id);
      }
      const params: unknown[] = [unitCode === undefined ? 'bureau' : 'unit'];
      let from = '"stock_range" r JOIN "bill_type" b ON b."id" = r."billTypeId"';
      let where = `r."holder" = ${p(1)} AND r."state" = 'IN_STOCK'`;
      if (unitCode === undefined) where += ' AND r."unitId" IS NULL';
      else {
        params.push(unitCode);
        from += ' JOIN "unit" u ON u."id" = r."unitId"';
        where += ` AND u."code" = ${p(params.length)}`;
      }
      if (q.billTypeCode !== undefined) {
        params.push(q.billTypeCode);
        where += ` AND b."code" = ${p(params.length)}`;
      }
      // One round trip on the common path; unknown codes are told apart from empty stock only when nothing came back.
      const rows: Row[] = await ds.query(
        `SELECT b."code" AS "billTypeCode", b."name" AS "billTypeName", r."batchCode" AS "batchCode", r."startNo" AS "startNo", r."endNo" AS "endNo"
           FROM ${from} WHERE ${where}
          ORDER BY b."code", r."batchCode", r."startNo"`,
        params,
      );
      if (rows.length === 0) {
        if (unitCode !== undefined) assertUnitAccess(actor, (await unitByCode(ds.manager, unitCode)).id);
        if (q.billTypeCode !== undefined) await billTypeByCode(ds.manager, q.billTypeCode);
      }
      const items: StockView['items'] = [];
      let total = 0;
      for (const r of rows) {
        const startNo = Number(r.startNo);
        const endNo = Number(r.endNo);
        const count = endNo - startNo + 1;
        let item = items[items.length - 1];
        if (!item || item.billTypeCode !== r.billTypeCode) {
          item = { billTypeCode: r.billTypeCode, billTypeName: r.billTypeName, count: 0, ranges: [] };
          items.push(item);
        }
        item.ranges.push({ batchCode: r.batchCode, startNo, endNo, count });
        item.count += count;
        total += count;
      }
      return unitCode === undefined ? { holder: 'bureau', items, total } : { holder: 'unit', unitCode, items, total };
    },
  };
}
export type StockService = ReturnType<typeof makeStockService>;
