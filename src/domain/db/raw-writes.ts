import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Dialect, Write } from './dialect';

/**
 * Plain INSERT and UPDATE for the ledger's hottest writes (documents, their transitions, the audit
 * trail, review cards): on this machine TypeORM's save costs ~300 µs of CPU per row, its insert
 * ~75–150 µs and its update ~180 µs, against ~30–50 µs for the same statement sent as text
 * (bench:ledger profile, 2026-12-05). Each value is converted exactly as TypeORM would convert it
 * (the driver's `preparePersistentValue`, which applies the column's transformer: instants as ISO
 * text, JSON columns serialised, booleans as the engine stores them). `undefined` leaves a column out.
 */
export function rawWrites(em: EntityManager, dialect: Dialect) {
  const driver = em.connection.driver;
  /** The entity's columns named in `row`, with their values as the database stores them. */
  const cells = <T extends ObjectLiteral>(entity: EntityTarget<T>, row: Partial<T>) => {
    const meta = em.connection.getMetadata(entity);
    const out: Array<[string, unknown]> = [];
    for (const c of meta.columns) {
      const v = (row as Record<string, unknown>)[c.propertyName];
      if (v !== undefined && !c.isGenerated) out.push([c.databaseName, driver.preparePersistentValue(v, c)]);
    }
    return { table: meta.tableName, cells: out };
  };
  /** INSERT of one row, without reading anything back. */
  const insertSql = <T extends ObjectLiteral>(entity: EntityTarget<T>, row: Partial<T>, returning = ''): Write => {
    const { table, cells: cols } = cells(entity, row);
    const sql = dialect.sql();
    const values = cols.map(([, v]) => sql.p(v));
    return {
      text: `INSERT INTO "${table}" (${cols.map(([c]) => `"${c}"`).join(', ')}) VALUES (${values.join(', ')})${returning}`,
      params: sql.params,
    };
  };
  /** UPDATE of one row's columns by id; null when the patch sets nothing. */
  const updateSql = <T extends ObjectLiteral>(entity: EntityTarget<T>, id: number, patch: Partial<T>): Write | null => {
    const { table, cells: cols } = cells(entity, patch);
    if (cols.length === 0) return null;
    const sql = dialect.sql();
    const sets = cols.map(([c, v]) => `"${c}" = ${sql.p(v)}`);
    return { text: `UPDATE "${table}" SET ${sets.join(', ')} WHERE "id" = ${sql.p(id)}`, params: sql.params };
  };
  return {
    insertSql,
    updateSql,

    /** Inserts one row and returns its generated id. */
    async insert<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Partial<T>): Promise<number> {
      const w = insertSql(entity, row, ' RETURNING "id"');
      const rows: Array<{ id: number | string }> = await em.query(w.text, w.params);
      return Number(rows[0].id);
    },

    /** Sets columns of one row by id. */
    async update<T extends ObjectLiteral>(entity: EntityTarget<T>, id: number, patch: Partial<T>): Promise<void> {
      const w = updateSql(entity, id, patch);
      if (w) await em.query(w.text, w.params);
    },
  };
}
