import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { Page, PageQuery } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { inTransaction } from '../db/transaction';
import { ConflictError, NotFoundError } from '../errors';
import { type Actor } from '../identity/actor';
import { ApplicationCap } from './application-cap.entity';
import { BillType } from './bill-type.entity';
import type { CreateBillTypeInput, CreateUnitInput, listUnitsSchema, SetCapInput, UpdateUnitInput } from './catalog.schemas';
import { Unit } from './unit.entity';
import type { z } from 'zod';
import { assertUnitAccess, isUnitScoped, requirePermission } from '../policy';

/** Looks up a unit by code inside a transaction or fails with a Chinese message. */
export async function unitByCode(em: EntityManager, code: string): Promise<Unit> {
  const u = await em.findOneBy(Unit, { code });
  if (!u) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${code} 不存在`);
  return u;
}

/** Looks up a bill type by code or fails with a Chinese message. */
export async function billTypeByCode(em: EntityManager, code: string): Promise<BillType> {
  const b = await em.findOneBy(BillType, { code });
  if (!b) throw new NotFoundError('BILL_TYPE_NOT_FOUND', `票据种类 ${code} 不存在`);
  return b;
}

/** Reference data: bill types, units and per-unit application caps. */
export function makeCatalogService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  return {
    async createBillType(actor: Actor, input: CreateBillTypeInput): Promise<BillType> {
      requirePermission(actor, 'catalog.edit');
      return inTransaction(ds, async (em) => {
        if (await em.findOneBy(BillType, { code: input.code })) throw new ConflictError('DUPLICATE', `票据种类编码 ${input.code} 已存在`);
        if (await em.findOneBy(BillType, { name: input.name })) throw new ConflictError('DUPLICATE', `票据名称「${input.name}」已存在`);
        const bt = em.create(BillType, { ...input, active: true, createdAt: clock.now() });
        await em.save(bt);
        await recordAudit(em, actor, clock.now(), { action: 'bill-type.create', entityType: 'bill_type', entityId: bt.id, after: input });
        return bt;
      });
    },

    listBillTypes(): Promise<BillType[]> {
      return ds.getRepository(BillType).find({ order: { code: 'ASC' } });
    },

    /** One page of bill types by code, for the API's list contract. */
    async pageBillTypes(q: PageQuery): Promise<Page<BillType>> {
      const [items, total] = await ds.getRepository(BillType).findAndCount({ order: { code: 'ASC' }, ...pageWindow(q) });
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    async createUnit(actor: Actor, input: CreateUnitInput): Promise<Unit> {
      requirePermission(actor, 'catalog.edit');
      return inTransaction(ds, async (em) => {
        if (await em.findOneBy(Unit, { code: input.code })) throw new ConflictError('DUPLICATE', `单位编码 ${input.code} 已存在`);
        const unit = em.create(Unit, {
          code: input.code,
          name: input.name,
          creditCode: input.creditCode ?? null,
          supervisor: input.supervisor ?? null,
          contactName: input.contactName ?? null,
          contactPhone: input.contactPhone ?? null,
          purchaseCertNo: input.purchaseCertNo ?? null,
          onboardingStatus: input.onboardingStatus,
          onboardedOn: input.onboardedOn ?? null,
          active: true,
          createdAt: clock.now(),
        });
        await em.save(unit);
        await recordAudit(em, actor, clock.now(), { action: 'unit.create', entityType: 'unit', entityId: unit.id, after: input });
        return unit;
      });
    },

    async updateUnit(actor: Actor, code: string, input: UpdateUnitInput): Promise<Unit> {
      requirePermission(actor, 'catalog.edit');
      return inTransaction(ds, async (em) => {
        const unit = await unitByCode(em, code);
        const before = { ...unit };
        Object.assign(unit, input);
        await em.save(unit);
        await recordAudit(em, actor, clock.now(), { action: 'unit.update', entityType: 'unit', entityId: unit.id, before, after: input });
        return unit;
      });
    },

    async listUnits(actor: Actor, q: z.infer<typeof listUnitsSchema>): Promise<Page<Unit>> {
      const qb = ds.getRepository(Unit).createQueryBuilder('u').orderBy('u.code', 'ASC');
      if (isUnitScoped(actor)) qb.andWhere('u.id = :id', { id: actor.unitId });
      if (q.onboardingStatus) qb.andWhere('u.onboardingStatus = :s', { s: q.onboardingStatus });
      if (q.q) qb.andWhere('(u.name LIKE :q OR u.code LIKE :q)', { q: `%${q.q}%` });
      const { skip, take } = pageWindow(q);
      const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    async getUnit(actor: Actor, code: string): Promise<Unit> {
      const unit = await unitByCode(ds.manager, code);
      assertUnitAccess(actor, unit.id);
      return unit;
    },

    /** Sets (or with null removes) the 分次限量 cap of a unit for a bill type. */
    async setCap(
      actor: Actor,
      unitCode: string,
      input: SetCapInput,
    ): Promise<{ unitCode: string; billTypeCode: string; maxQuantity: number | null }> {
      requirePermission(actor, 'catalog.edit');
      return inTransaction(ds, async (em) => {
        const unit = await unitByCode(em, unitCode);
        const bt = await billTypeByCode(em, input.billTypeCode);
        const existing = await em.findOneBy(ApplicationCap, { unitId: unit.id, billTypeId: bt.id });
        if (input.maxQuantity === null) {
          if (existing) await em.delete(ApplicationCap, existing.id);
        } else if (existing) {
          await em.update(ApplicationCap, existing.id, { maxQuantity: input.maxQuantity });
        } else {
          await em.insert(ApplicationCap, { unitId: unit.id, billTypeId: bt.id, maxQuantity: input.maxQuantity });
        }
        await recordAudit(em, actor, clock.now(), {
          action: 'cap.set',
          entityType: 'application_cap',
          entityId: `${unit.code}/${bt.code}`,
          before: existing ? { maxQuantity: existing.maxQuantity } : null,
          after: { maxQuantity: input.maxQuantity },
        });
        return { unitCode: unit.code, billTypeCode: bt.code, maxQuantity: input.maxQuantity };
      });
    },
  };
}
export type CatalogService = ReturnType<typeof makeCatalogService>;
