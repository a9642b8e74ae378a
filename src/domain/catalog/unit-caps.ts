import type { DomainStore } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { assertUnitAccess } from '../policy';

/** One configured 分次限量 of a unit. */
export interface UnitCapView {
  billTypeCode: string;
  billTypeName: string;
  maxQuantity: number;
}

/** Reads a unit's 分次限量 caps (the console's 单位与限量 page; unit staff may read their own). */
export function makeUnitCaps(deps: { store: DomainStore }) {
  return {
    async list(actor: Actor, unitCode: string): Promise<{ unitCode: string; items: UnitCapView[] }> {
      const r = deps.store.read;
      const unit = await r.catalog.unitByCode(unitCode);
      assertUnitAccess(actor, unit.id);
      const [caps, types] = await Promise.all([r.catalog.capsOfUnit(unit.id), r.catalog.allBillTypes()]);
      const byId = new Map(types.map((t) => [t.id, t]));
      const items = caps
        .map((c) => ({
          billTypeCode: byId.get(c.billTypeId)?.code ?? '',
          billTypeName: byId.get(c.billTypeId)?.name ?? '',
          maxQuantity: c.maxQuantity,
        }))
        .sort((a, b) => a.billTypeCode.localeCompare(b.billTypeCode));
      return { unitCode: unit.code, items };
    },
  };
}
