import { In, MoreThanOrEqual } from 'typeorm';
import { rawReads } from '../db/raw-reads';
import type { RepoContext } from '../db/store';
import { ConflictError, NotFoundError } from '../errors';
import { ApplicationCap } from './application-cap.entity';
import { BillType } from './bill-type.entity';
import { UnitNameKey } from './unit-name-key.entity';
import { Unit } from './unit.entity';

/** Filters of the unit list. */
export interface UnitFilter {
  onlyId?: number | null;
  onboardingStatus?: Unit['onboardingStatus'];
  /** Part of the name or code. */
  text?: string;
}

/**
 * The unique index on unit_name.key refused a name: another transaction stored it after this one
 * checked. A 409 like the check's own refusal, for when the caller cannot name the other unit.
 */
export class UnitNameTaken extends ConflictError {
  constructor() {
    super('DUPLICATE', '名称或简称已被其他单位使用，请刷新后重试');
  }
}

/**
 * The unique index on bill_type's code or name refused a new bill type: another transaction stored
 * one after this one checked. Which of the two is not known here; the service checks again to say.
 */
export class BillTypeTaken extends ConflictError {
  constructor() {
    super('DUPLICATE', '票据种类编码或名称已被占用，请刷新后重试');
  }
}

/** 409 DUPLICATE for a unit code that is taken. */
export const unitCodeTaken = (code: string): ConflictError => new ConflictError('DUPLICATE', `单位编码 ${code} 已存在`);
/** 409 DUPLICATE for a bill type code that is taken. */
export const billTypeCodeTaken = (code: string): ConflictError => new ConflictError('DUPLICATE', `票据种类编码 ${code} 已存在`);

/** 404 BILL_TYPE_NOT_FOUND in Chinese, for a code no bill type has. */
const billTypeMissing = (code: string) => new NotFoundError('BILL_TYPE_NOT_FOUND', `票据种类 ${code} 不存在`);

/** Reference data: bill types, units and per-unit application caps (分次限量). */
export function makeCatalogRepository({ em, dialect, memo }: RepoContext) {
  const raw = rawReads(em, dialect);
  const unitWhere = (col: 'code' | 'id', v: string | number) => raw.first(Unit, (sql) => `WHERE "${col}" = ${sql.p(v)}`);
  const billTypeWhere = (col: 'code' | 'id', v: string | number, lock = false) =>
    raw.first(BillType, (sql) => `WHERE "${col}" = ${sql.p(v)}`, { lock });
  // Inside a transaction a unit or bill type read once is answered from the memo afterwards.
  const findUnitByCode = async (code: string): Promise<Unit | null> =>
    memo?.unitByCode(code) ?? (memo ? memo.keepUnit(await unitWhere('code', code)) : unitWhere('code', code));
  const findBillTypeByCode = async (code: string): Promise<BillType | null> =>
    memo?.billTypeByCode(code) ?? (memo ? memo.keepBillType(await billTypeWhere('code', code)) : billTypeWhere('code', code));
  const changed = <T>(result: T): T => {
    memo?.clear();
    return result;
  };
  // Two creations of one code both pass the service's check; the unique index refuses the second.
  const uniquely = async <T>(insert: () => Promise<T>, taken: () => ConflictError): Promise<T> => {
    try {
      return await insert();
    } catch (err) {
      if (dialect.isUniqueViolation(err)) throw taken();
      throw err;
    }
  };
  return {
    /** A unit by code, or 404 UNIT_NOT_FOUND in Chinese. */
    async unitByCode(code: string): Promise<Unit> {
      const u = await findUnitByCode(code);
      if (!u) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${code} 不存在`);
      return u;
    },
    findUnitByCode,
    unitById: async (id: number): Promise<Unit | null> =>
      memo?.unit(id) ?? (memo ? memo.keepUnit(await unitWhere('id', id)) : unitWhere('id', id)),
    unitsByIds: (ids: number[]): Promise<Unit[]> =>
      ids.length === 0 ? Promise.resolve([]) : em.createQueryBuilder(Unit, 'u').where('u.id IN (:...ids)', { ids }).getMany(),
    unitsByCodes: (codes: string[]): Promise<Unit[]> =>
      codes.length === 0 ? Promise.resolve([]) : em.find(Unit, { where: { code: In(codes) } }),
    /** Active units that went online on or after a date (YYYY-MM-DD): the onboarding return visits. */
    onlineUnitsSince: (date: string): Promise<Unit[]> =>
      em.find(Unit, { where: { onboardingStatus: 'online', active: true, onboardedOn: MoreThanOrEqual(date) } }),
    allUnits: (): Promise<Unit[]> => em.find(Unit, { order: { code: 'ASC' } }),

    /** A bill type by code, or 404 BILL_TYPE_NOT_FOUND in Chinese. */
    async billTypeByCode(code: string): Promise<BillType> {
      const b = await findBillTypeByCode(code);
      if (!b) throw billTypeMissing(code);
      return b;
    },
    findBillTypeByCode,
    /**
     * A bill type by code, its row locked (the ledger's lock order: bill type first) — one
     * statement for the read and the lock; 404 BILL_TYPE_NOT_FOUND in Chinese.
     */
    async billTypeByCodeForUpdate(code: string): Promise<BillType> {
      const b = await billTypeWhere('code', code, true);
      if (!b) throw billTypeMissing(code);
      return memo ? memo.keepBillType(b) : b;
    },
    findBillTypeByName: (name: string): Promise<BillType | null> => em.findOneBy(BillType, { name }),
    async billTypeById(id: number): Promise<BillType> {
      const b = memo?.billType(id) ?? (await billTypeWhere('id', id));
      // Ids come from stored rows (a document's bill type): a missing one is a broken reference.
      if (!b) throw new Error(`bill_type ${id} not found`);
      return memo ? memo.keepBillType(b) : b;
    },
    allBillTypes: (): Promise<BillType[]> => em.find(BillType, { order: { code: 'ASC' } }),
    pageBillTypes: (window: { skip: number; take: number }): Promise<[BillType[], number]> =>
      em.findAndCount(BillType, { order: { code: 'ASC' }, ...window }),

    /** Stores a new bill type; its code taken by another transaction since the caller checked → the check's 409. */
    async insertBillType(values: Omit<BillType, 'id'>): Promise<BillType> {
      return changed(
        await uniquely(
          () => em.save(em.create(BillType, values)),
          () => new BillTypeTaken(),
        ),
      );
    },
    /** Stores a new unit; its code taken by another transaction since the caller checked → the check's 409. */
    async insertUnit(values: Omit<Unit, 'id'>): Promise<Unit> {
      return changed(
        await uniquely(
          () => em.save(em.create(Unit, values)),
          () => unitCodeTaken(values.code),
        ),
      );
    },
    async saveUnit(unit: Unit): Promise<Unit> {
      return changed(await em.save(unit));
    },

    /**
     * The unit other than `selfId` that holds one of `keys` (unit_name), with the key: of several,
     * the one earliest in `keys`. One query on the unique index, however many units there are.
     */
    async unitHoldingNameKey(keys: readonly string[], selfId: number | null): Promise<{ unit: Unit; key: string } | null> {
      if (keys.length === 0) return null;
      const qb = em
        .createQueryBuilder(Unit, 'u')
        .innerJoin(UnitNameKey, 'k', 'k.unitId = u.id')
        .addSelect('k.key', 'clash')
        .where('k.key IN (:...keys)', { keys: [...new Set(keys)] });
      if (selfId !== null) qb.andWhere('k.unitId <> :selfId', { selfId });
      const { entities, raw } = await qb.getRawAndEntities<{ u_id: number | string; clash: string }>();
      if (raw.length === 0) return null;
      const first = raw.reduce((a, b) => (keys.indexOf(b.clash) < keys.indexOf(a.clash) ? b : a));
      const unit = entities.find((u) => u.id === Number(first.u_id));
      return unit ? { unit, key: first.clash } : null;
    },
    /** Stores `keys` as the unit's names in place of the ones it had; UnitNameTaken if another unit holds one. */
    async replaceUnitNameKeys(unitId: number, keys: readonly string[]): Promise<void> {
      await em.delete(UnitNameKey, { unitId });
      if (keys.length === 0) return;
      try {
        await em.insert(
          UnitNameKey,
          keys.map((key) => ({ unitId, key })),
        );
      } catch (err) {
        if (dialect.isUniqueViolation(err)) throw new UnitNameTaken();
        throw err;
      }
    },

    pageUnits(f: UnitFilter, window: { skip: number; take: number }): Promise<[Unit[], number]> {
      const qb = em.createQueryBuilder(Unit, 'u').orderBy('u.code', 'ASC');
      if (f.onlyId !== undefined) qb.andWhere('u.id = :id', { id: f.onlyId });
      if (f.onboardingStatus) qb.andWhere('u.onboardingStatus = :s', { s: f.onboardingStatus });
      if (f.text) qb.andWhere('(u.name LIKE :q OR u.code LIKE :q OR u.aliases LIKE :q)', { q: `%${f.text}%` });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },

    capOf: (unitId: number, billTypeId: number): Promise<ApplicationCap | null> =>
      raw.first(ApplicationCap, (sql) => `WHERE "unitId" = ${sql.p(unitId)} AND "billTypeId" = ${sql.p(billTypeId)}`),
    capsOfUnit: (unitId: number): Promise<ApplicationCap[]> => em.find(ApplicationCap, { where: { unitId } }),
    async setCap(unitId: number, billTypeId: number, maxQuantity: number | null): Promise<void> {
      const existing = await em.findOneBy(ApplicationCap, { unitId, billTypeId });
      if (maxQuantity === null) {
        if (existing) await em.delete(ApplicationCap, existing.id);
      } else if (existing) await em.update(ApplicationCap, existing.id, { maxQuantity });
      else await em.insert(ApplicationCap, { unitId, billTypeId, maxQuantity });
    },
  };
}
export type CatalogRepository = ReturnType<typeof makeCatalogRepository>;
