import type { CatalogRepository } from '../catalog/catalog.repository';

/** PostgreSQL returns SUM/COUNT of bigint as strings. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** What reports show of a unit and a bill type. */
export interface Names {
  unit(id: number | null): { code: string; name: string };
  billType(id: number): { code: string; name: string };
}

/** Loads every unit's and bill type's code and name once (two queries, whatever the report size). */
export async function loadNames(catalog: Pick<CatalogRepository, 'allUnits' | 'allBillTypes'>): Promise<Names> {
  const [units, bts] = await Promise.all([catalog.allUnits(), catalog.allBillTypes()]);
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
