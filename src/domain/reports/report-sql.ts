import type { EntityManager } from 'typeorm';
import { BillType } from '../catalog/bill-type.entity';
import { Unit } from '../catalog/unit.entity';

/**
 * Builds a raw statement portable between better-sqlite3 (`?`) and PostgreSQL (`$n`).
 * Identifiers are double-quoted in the SQL text: both engines accept that, and PostgreSQL
 * needs it for the camelCase column names TypeORM creates.
 */
export class Sql {
  readonly params: unknown[] = [];
  constructor(private readonly postgres: boolean) {}

  /** A placeholder bound to `v`. */
  p(v: unknown): string {
    this.params.push(v);
    return this.postgres ? `$${this.params.length}` : '?';
  }
}

/** A Sql builder for the manager's engine. */
export const sqlFor = (em: EntityManager): Sql => new Sql(em.connection.options.type === 'postgres');

/** Runs a built statement. */
export function run<T>(em: EntityManager, sql: Sql, text: string): Promise<T[]> {
  return em.query(text, sql.params);
}

/**
 * The WHERE conditions every detail report shares: a fixed first condition, the period on a time
 * column (half-open, ISO text compares as time), and optional unit and bill-type columns.
 */
export function periodFilter(
  sql: Sql,
  f: { unitId?: number; billTypeId?: number; period: { startIso: string; endIso: string } },
  cols: { first: string; at: string; unit: string; billType: string },
): string[] {
  const cond = [cols.first, `${cols.at} >= ${sql.p(f.period.startIso)}`, `${cols.at} < ${sql.p(f.period.endIso)}`];
  if (f.unitId !== undefined) cond.push(`${cols.unit} = ${sql.p(f.unitId)}`);
  if (f.billTypeId !== undefined) cond.push(`${cols.billType} = ${sql.p(f.billTypeId)}`);
  return cond;
}

/** PostgreSQL returns SUM/COUNT of bigint as strings. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** What reports show of a unit and a bill type. */
export interface Names {
  unit(id: number | null): { code: string; name: string };
  billType(id: number): { code: string; name: string };
}

/** Loads every unit's and bill type's code and name once (two queries, whatever the report size). */
export async function loadNames(em: EntityManager): Promise<Names> {
  const [units, bts] = await Promise.all([
    em.find(Unit, { select: { id: true, code: true, name: true } }),
    em.find(BillType, { select: { id: true, code: true, name: true } }),
  ]);
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
