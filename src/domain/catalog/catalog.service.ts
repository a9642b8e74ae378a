import type { Clock } from '../clock';
import type { Page, PageQuery } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { randomUUID } from 'node:crypto';
import type { DomainStore, Repositories } from '../db/repositories';
import { ConflictError } from '../errors';
import type { Actor } from '../identity/actor';
import { assertUnitAccess, isUnitScoped, requirePermission } from '../policy';
import type { BillType } from './bill-type.entity';
import type { CreateBillTypeInput, CreateUnitInput, listUnitsSchema, SetCapInput, UpdateUnitInput } from './catalog.schemas';
import { DIRECTORY_VERSION_KEY, type Directory } from './directory';
import { BillTypeTaken, billTypeCodeTaken, unitCodeTaken, UnitNameTaken } from './catalog.repository';
import type { Unit } from './unit.entity';
import { nameKey, unitNameKeys } from './unit-names';
import type { z } from 'zod';

/**
 * Written in the transaction of every catalog change: other processes compare it (at most once a
 * second) with the one their directory was loaded under, so a change made anywhere reaches them.
 */
const bumpDirectoryVersion = (tx: Repositories): Promise<void> => tx.settings.set(DIRECTORY_VERSION_KEY, randomUUID());

/** Reference data: bill types, units and per-unit application caps. Every change refreshes the directory. */
export function makeCatalogService(deps: { store: DomainStore; clock: Clock; directory?: Pick<Directory, 'invalidate'> }) {
  const { store, clock } = deps;
  const changed = <T>(result: T): T => {
    deps.directory?.invalidate();
    return result;
  };

  /**
   * A unit's name and short names must not be another unit's: the bot and 来电 resolve units by
   * them. One look-up in unit_name, by the names as compared (NFKC, no spaces, any case); the
   * refusal quotes the name as it was typed.
   */
  async function assertNamesFree(tx: Repositories, names: string[], selfId: number | null): Promise<void> {
    const keys = names.map(nameKey);
    const taken = await tx.catalog.unitHoldingNameKey(keys, selfId);
    if (taken) {
      const name = names[keys.indexOf(taken.key)];
      throw new ConflictError('DUPLICATE', `名称或简称「${name}」已被 ${taken.unit.name}（${taken.unit.code}）使用`);
    }
  }

  /**
   * Runs a transaction that stores unit or bill-type names. When a unique index refuses one, another
   * transaction stored it after this one checked: running it again lets the check see the other row
   * and name it (or succeed, if the other transaction rolled back). A second refusal stays a 409 DUPLICATE.
   */
  async function storingNames<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof UnitNameTaken || err instanceof BillTypeTaken) return work();
      throw err;
    }
  }

  return {
    async createBillType(actor: Actor, input: CreateBillTypeInput): Promise<BillType> {
      requirePermission(actor, 'catalog.edit');
      const bt = await storingNames(() =>
        store.transaction(async (tx) => {
          if (await tx.catalog.findBillTypeByCode(input.code)) throw billTypeCodeTaken(input.code);
          if (await tx.catalog.findBillTypeByName(input.name)) throw new ConflictError('DUPLICATE', `票据名称「${input.name}」已存在`);
          const row = await tx.catalog.insertBillType({ ...input, active: true, createdAt: clock.now() });
          await bumpDirectoryVersion(tx);
          await tx.audit.record(actor, clock.now(), {
            action: 'bill-type.create',
            entityType: 'bill_type',
            entityId: row.id,
            after: input,
          });
          return row;
        }),
      );
      return changed(bt);
    },

    listBillTypes: (): Promise<BillType[]> => store.read.catalog.allBillTypes(),

    /** One page of bill types by code, for the API's list contract. */
    async pageBillTypes(q: PageQuery): Promise<Page<BillType>> {
      const [items, total] = await store.read.catalog.pageBillTypes(pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    async createUnit(actor: Actor, input: CreateUnitInput): Promise<Unit> {
      requirePermission(actor, 'catalog.edit');
      const unit = await storingNames(() =>
        store.transaction(async (tx) => {
          if (await tx.catalog.findUnitByCode(input.code)) throw unitCodeTaken(input.code);
          await assertNamesFree(tx, [input.name, ...(input.aliases ?? [])], null);
          const row = await tx.catalog.insertUnit({
            code: input.code,
            name: input.name,
            aliases: input.aliases ?? [],
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
          await tx.catalog.replaceUnitNameKeys(row.id, unitNameKeys(row));
          await bumpDirectoryVersion(tx);
          await tx.audit.record(actor, clock.now(), { action: 'unit.create', entityType: 'unit', entityId: row.id, after: input });
          return row;
        }),
      );
      return changed(unit);
    },

    async updateUnit(actor: Actor, code: string, input: UpdateUnitInput): Promise<Unit> {
      requirePermission(actor, 'catalog.edit');
      const unit = await storingNames(() =>
        store.transaction(async (tx) => {
          const row = await tx.catalog.unitByCode(code);
          const before = { ...row };
          const renamed = input.name !== undefined || input.aliases !== undefined;
          if (renamed) await assertNamesFree(tx, [input.name ?? row.name, ...(input.aliases ?? row.aliases)], row.id);
          Object.assign(row, input);
          await tx.catalog.saveUnit(row);
          // The old names go with the new ones stored: another unit may take them from now on.
          if (renamed) await tx.catalog.replaceUnitNameKeys(row.id, unitNameKeys(row));
          await bumpDirectoryVersion(tx);
          await tx.audit.record(actor, clock.now(), { action: 'unit.update', entityType: 'unit', entityId: row.id, before, after: input });
          return row;
        }),
      );
      return changed(unit);
    },

    async listUnits(actor: Actor, q: z.infer<typeof listUnitsSchema>): Promise<Page<Unit>> {
      const filter = { onlyId: isUnitScoped(actor) ? actor.unitId : undefined, onboardingStatus: q.onboardingStatus, text: q.q };
      const [items, total] = await store.read.catalog.pageUnits(filter, pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    async getUnit(actor: Actor, code: string): Promise<Unit> {
      const unit = await store.read.catalog.unitByCode(code);
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
      return store.transaction(async (tx) => {
        const unit = await tx.catalog.unitByCode(unitCode);
        const bt = await tx.catalog.billTypeByCode(input.billTypeCode);
        const existing = await tx.catalog.capOf(unit.id, bt.id);
        await tx.catalog.setCap(unit.id, bt.id, input.maxQuantity);
        await tx.audit.record(actor, clock.now(), {
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
