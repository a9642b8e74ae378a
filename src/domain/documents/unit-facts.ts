import type { DomainStore } from '../db/repositories';
import { ValidationError } from '../errors';
import type { Actor } from '../identity/actor';
import type { RangeState } from '../ledger/ledger.types';
import { assertUnitAccess, requirePermission } from '../policy';

/** The unit's latest issuance (发放): when, which bill type, which runs. */
export interface LastIssuanceView {
  unitCode: string;
  issuance: {
    docNo: string;
    applicationDocNo: string | null;
    billTypeCode: string;
    billTypeName: string;
    issuedAt: string;
    total: number;
    ranges: Array<{ batchCode: string; startNo: number; endNo: number; count: number }>;
  } | null;
}

/** 分次限量 caps configured for the unit (bill types without a row have no cap). */
export interface UnitCapsView {
  unitCode: string;
  items: Array<{ billTypeCode: string; billTypeName: string; maxQuantity: number }>;
}

/** Where a number stands for the unit: one row per bill type/batch the unit has it under. */
export type NumberState = RangeState | 'RETURNED';
export interface NumberLookupView {
  unitCode: string;
  number: number;
  billTypeCode: string | null;
  matches: Array<{ billTypeCode: string; billTypeName: string; batchCode: string; state: NumberState }>;
  /** The number exists in the ledger but not with this unit (whose it is, is not said). */
  elsewhere: boolean;
}

/** Bill numbers are at most ten digits (api.md). */
export const MAX_BILL_NO = 9_999_999_999;

/**
 * Read-only facts of one unit that its staff ask about: the last issuance, its caps, and where a
 * number stands. Unit staff see only their own unit (403 OTHER_UNIT); the bot answers from these,
 * and the API serves the same figures.
 */
export function makeUnitFacts(deps: { store: DomainStore }) {
  const r = deps.store.read;

  async function unitFor(actor: Actor, unitCode: string) {
    const unit = await r.catalog.unitByCode(unitCode);
    assertUnitAccess(actor, unit.id);
    return unit;
  }

  return {
    async lastIssuance(actor: Actor, unitCode: string, billTypeCode?: string): Promise<LastIssuanceView> {
      requirePermission(actor, 'application.read');
      const unit = await unitFor(actor, unitCode);
      const bt = billTypeCode ? await r.catalog.billTypeByCode(billTypeCode) : undefined;
      const [[doc]] = await r.documents.page({ docType: 'issuance', unitId: unit.id, billTypeId: bt?.id }, { skip: 0, take: 1 });
      if (!doc) return { unitCode: unit.code, issuance: null };
      const type = bt ?? (await r.catalog.billTypeById(doc.billTypeId));
      const app = doc.applicationId ? await r.documents.findById('application', doc.applicationId) : null;
      const ranges = (await r.documents.linesOf(doc.id)).map((l) => ({
        batchCode: l.batchCode,
        startNo: Number(l.startNo),
        endNo: Number(l.endNo),
        count: Number(l.endNo) - Number(l.startNo) + 1,
      }));
      return {
        unitCode: unit.code,
        issuance: {
          docNo: doc.docNo,
          applicationDocNo: app?.docNo ?? null,
          billTypeCode: type.code,
          billTypeName: type.name,
          issuedAt: (doc.completedAt ?? doc.createdAt).toISOString(),
          total: ranges.reduce((n, x) => n + x.count, 0),
          ranges,
        },
      };
    },

    async caps(actor: Actor, unitCode: string): Promise<UnitCapsView> {
      const unit = await unitFor(actor, unitCode);
      const caps = await r.catalog.capsOfUnit(unit.id);
      const types = new Map((await r.catalog.allBillTypes()).map((b) => [b.id, b]));
      const items = caps
        .filter((c) => types.has(c.billTypeId))
        .map((c) => ({
          billTypeCode: types.get(c.billTypeId)!.code,
          billTypeName: types.get(c.billTypeId)!.name,
          maxQuantity: c.maxQuantity,
        }))
        .sort((a, b) => a.billTypeCode.localeCompare(b.billTypeCode));
      return { unitCode: unit.code, items };
    },

    /**
     * Where number `no` stands for the unit: held (blank, used, voided, lost, written off,
     * destroyed) or returned to the bureau by it. A number that exists but is not the unit's
     * is reported only as `elsewhere` — never whose it is.
     */
    async number(actor: Actor, unitCode: string, no: number, billTypeCode?: string): Promise<NumberLookupView> {
      requirePermission(actor, 'stock.read.unit');
      if (!Number.isInteger(no) || no < 1 || no > MAX_BILL_NO)
        throw new ValidationError('INVALID_INPUT', '票号应为 1 至 10 位数字', [{ path: 'number', message: '票号应为 1 至 10 位数字' }]);
      const unit = await unitFor(actor, unitCode);
      const bt = billTypeCode ? await r.catalog.billTypeByCode(billTypeCode) : undefined;
      const types = new Map((await r.catalog.allBillTypes()).map((b) => [b.id, b]));
      const ranges = await r.ledger.rangesCovering(no, bt?.id);
      const matches: NumberLookupView['matches'] = ranges
        .filter((x) => x.holder === 'unit' && x.unitId === unit.id)
        .map((x) => ({
          billTypeCode: types.get(x.billTypeId)!.code,
          billTypeName: types.get(x.billTypeId)!.name,
          batchCode: x.batchCode,
          state: x.state,
        }));
      const held = new Set(matches.map((m) => `${m.billTypeCode}/${m.batchCode}`));
      const returned = await r.documents.unitLinesCovering({
        docType: 'return',
        unitId: unit.id,
        status: 'approved',
        no,
        billTypeId: bt?.id,
      });
      for (const l of returned) {
        const type = types.get(l.billTypeId)!;
        // Returned numbers sit in the bureau's stock now; one the unit holds again (re-issued) reads as held.
        if (!held.has(`${type.code}/${l.batchCode}`))
          matches.push({ billTypeCode: type.code, billTypeName: type.name, batchCode: l.batchCode, state: 'RETURNED' });
      }
      const elsewhere = matches.length === 0 && ranges.length > 0;
      return { unitCode: unit.code, number: no, billTypeCode: bt?.code ?? null, matches, elsewhere };
    },
  };
}
export type UnitFacts = ReturnType<typeof makeUnitFacts>;
