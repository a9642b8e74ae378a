import type { CatalogRepository } from '../catalog/catalog.repository';

/** PostgreSQL returns SUM/COUNT of bigint as strings. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** What reports show of a unit and a bill type. */
export interface Names {
  unit(id: number | null): { code: string; name: string };
  billType(id: number): { code: string; name: string };
}

/**
 * Loads the units' and bill types' codes and names once (two queries, whatever the report size).
 * A report scoped to one unit only ever names that unit, so it reads that one instead of every
 * unit: a city has thousands (the 5,000-unit bench spent most of a unit-year report here).
 */
export async function loadNames(
  catalog: Pick<CatalogRepository, 'allUnits' | 'allBillTypes'>,
  only?: { unit?: { id: number; code: string; name: string } },
): Promise<Names> {
  const [units, bts] = await Promise.all([only?.unit ? [only.unit] : catalog.allUnits(), catalog.allBillTypes()]);
  const u = new Map(units.map((x) => [x.id, { code: x.code, name: x.name }]));
  const b = new Map(bts.map((x) => [x.id, { code: x.code, name: x.name }]));
  return {
    unit: (id) => (id === null ? { code: '', name: '财政局' } : (u.get(id) ?? { code: `#${id}`, name: '' })),
    billType: (id) => b.get(id) ?? { code: `#${id}`, name: '' },
  };
}

/** Formats an instant for tables: YYYY-MM-DD HH:mm in Asia/Shanghai. */
export const shanghaiMinute = (d: Date | string | null): string | null =>
  d === null ? null : new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
