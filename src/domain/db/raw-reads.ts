import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Dialect, Sql } from './dialect';

const selectLists = new WeakMap<EntityMetadata, string>();

/** The entity's columns as a SELECT (or RETURNING) list, quoted. */
export function columnList(meta: EntityMetadata): string {
  let list = selectLists.get(meta);
  if (!list) {
    list = meta.columns.map((c) => `"${c.databaseName}"`).join(', ');
    selectLists.set(meta, list);
  }
  return list;
}

/** Entities from raw rows, each column converted as TypeORM's own reads convert it. */
export function hydrate<T extends ObjectLiteral>(em: EntityManager, meta: EntityMetadata, raw: Array<Record<string, unknown>>): T[] {
  const driver = em.connection.driver;
  return raw.map((r) => {
    const e = meta.create() as T;
    for (const c of meta.columns) c.setEntityValue(e, driver.prepareHydratedValue(r[c.databaseName], c));
    return e;
  });
}

/**
 * Plain SELECTs of whole entities for the reads every ledger call makes (a unit or bill type by
 * code, the document it acts on, a setting): TypeORM's query builder and find options cost 70–130 µs
 * of CPU per statement here before the statement is even sent (bench:ledger profile, 2026-12-05).
 * The SQL is text; each column is converted exactly as TypeORM converts a query builder's rows
 * (the driver's `prepareHydratedValue`, which applies the column's transformer), so the entities are
 * the same either way.
 */
export function rawReads(em: EntityManager, dialect: Dialect) {
  return {
    /**
     * The rows of `entity`'s table picked by `tail` (WHERE, ORDER BY, LIMIT, written with the
     * given builder's placeholders), with a row lock in a transaction when `lock`.
     */
    async rows<T extends ObjectLiteral>(entity: EntityTarget<T>, tail: (sql: Sql) => string, opts: { lock?: boolean } = {}): Promise<T[]> {
      const meta = em.connection.getMetadata(entity);
      const sql = dialect.sql();
      const where = tail(sql);
      // Sent before the first await (Dialect.select): reads started together keep their order.
      const raw = await dialect.select(
        em,
        `SELECT ${columnList(meta)} FROM "${meta.tableName}" ${where}${opts.lock ? dialect.lockClause(em) : ''}`,
        sql.params,
      );
      return hydrate<T>(em, meta, raw);
    },

    /** The first such row, or null. */
    async first<T extends ObjectLiteral>(
      entity: EntityTarget<T>,
      tail: (sql: Sql) => string,
      opts: { lock?: boolean } = {},
    ): Promise<T | null> {
      return (await this.rows(entity, tail, opts))[0] ?? null;
    },
  };
}
export type RawReads = ReturnType<typeof rawReads>;
