import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { CHANGE_CHECK_MS, makeChangeWatch } from '../settings/change-watch';

/** The settings key the catalog rewrites in every change's transaction (catalog.service.ts). */
export const DIRECTORY_VERSION_KEY = 'catalog.directory-version';
/** How stale another process's change may be here (change-watch.ts). */
export const DIRECTORY_CHECK_MS = CHANGE_CHECK_MS;

/** A unit as the bot and the workbench name it. */
export interface UnitRef {
  id: number;
  code: string;
  name: string;
  /** Short names and other names (二中, 中医院). */
  aliases: string[];
  contactName: string | null;
  contactPhone: string | null;
  active: boolean;
}

/** A bill type with the other names staff use for it (医疗票 → 医疗收费票据). */
export interface BillTypeRef {
  id: number;
  code: string;
  name: string;
  aliases: string[];
  active: boolean;
  /** An electronic bill type (电子票据): what 电子票/电子的 refers to. */
  electronic: boolean;
}

/** The unit and bill-type directory every bot turn reads: served from memory, reloaded after a change. */
export interface Directory {
  units(): Promise<UnitRef[]>;
  unit(id: number): Promise<UnitRef | null>;
  billTypes(): Promise<BillTypeRef[]>;
  /** Drops the cached copy; the catalog calls it after every change it commits. */
  invalidate(): void;
}

/**
 * The directory over the catalog repository with an in-process cache. A change made through this
 * process's catalog service invalidates it at once; one made by another process (the worker, a
 * second app process) rewrites the version row, which a read compares at most once a second
 * (DIRECTORY_CHECK_MS) — so a turn sees it within a second at the cost of one statement a second,
 * not one a turn. Either way the next read loads both lists in one go.
 */
export function makeDirectory(deps: { store: DomainStore; clock: Clock }): Directory {
  let loading: Promise<{ units: UnitRef[]; byId: Map<number, UnitRef>; billTypes: BillTypeRef[] }> | null = null;
  const watch = makeChangeWatch(deps, DIRECTORY_VERSION_KEY);
  const drop = () => (loading = null);
  const load = async () => {
    await watch.sync(drop);
    return loadLists();
  };
  const loadLists = () =>
    (loading ??= (async () => {
      const [units, bts] = await Promise.all([deps.store.read.catalog.allUnits(), deps.store.read.catalog.allBillTypes()]);
      const unitRefs = units.map((u) => ({
        id: u.id,
        code: u.code,
        name: u.name,
        aliases: u.aliases ?? [],
        contactName: u.contactName,
        contactPhone: u.contactPhone,
        active: u.active,
      }));
      return {
        units: unitRefs,
        byId: new Map(unitRefs.map((u) => [u.id, u])),
        billTypes: bts.map((b) => ({
          id: b.id,
          code: b.code,
          name: b.name,
          aliases: b.aliases ?? [],
          active: b.active,
          electronic: b.electronic,
        })),
      };
    })().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
  return {
    units: async () => (await load()).units,
    unit: async (id) => (await load()).byId.get(id) ?? null,
    billTypes: async () => (await load()).billTypes,
    invalidate: () => {
      drop();
      watch.recheck();
    },
  };
}
