import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { structured, type Sql, type Write } from './dialect';
import { columnList, hydrate } from './raw-reads';
import type { RepoContext } from './store';

/**
 * Plain INSERT and UPDATE for the ledger's hottest writes (documents, their transitions, the audit
 * trail, review cards): on this machine TypeORM's save costs ~300 µs of CPU per row, its insert
 * ~75–150 µs and its update ~180 µs, against ~30–50 µs for the same statement sent as text
 * (bench:ledger profile, 2026-12-05). Each value is converted exactly as TypeORM would convert it
 * (the driver's `preparePersistentValue`, which applies the column's transformer: instants as ISO
 * text, JSON columns serialised, booleans as the engine stores them). `undefined` leaves a column out.
 * In a transaction every statement sent here also carries the rows its WriteBehind holds, and
 * writes whose answer nothing needs are sent without waiting for it where the engine allows.
 */
export function rawWrites({ em, dialect, later }: RepoContext) {
  const driver = em.connection.driver;
  /** `w` as sent: with the held rows ahead of it. */
  const withHeld = (w: Write): Promise<Write> => {
    const held = later?.take() ?? [];
    return held.length === 0 ? Promise.resolve(w) : dialect.carry(em, held, w);
  };
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
  /** INSERT of several rows that name the same columns, without reading anything back (null for none). */
  const insertManySql = <T extends ObjectLiteral>(entity: EntityTarget<T>, rows: ReadonlyArray<Partial<T>>): Write | null => {
    if (rows.length === 0) return null;
    const sql = dialect.sql();
    const each = rows.map((r) => cells(entity, r));
    const values = each.map(({ cells: cols }) => `(${cols.map(([, v]) => sql.p(v)).join(', ')})`);
    return {
      text: `INSERT INTO "${each[0].table}" (${each[0].cells.map(([c]) => `"${c}"`).join(', ')}) VALUES ${values.join(', ')}`,
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
    insertManySql,
    updateSql,

    /**
     * Runs independent writes (see Dialect.writeAll), the held rows with them. In a transaction on
     * PostgreSQL they are sent and not waited for (Dialect.send): the statements after them run
     * after them, and the transaction waits for their answer before it commits.
     */
    async writeAll(writes: ReadonlyArray<Write | null>): Promise<void> {
      const all = [...(later?.take() ?? []), ...writes];
      const sent = later ? dialect.send(em, all) : null;
      if (sent) later?.track(sent);
      else await dialect.writeAll(em, all);
    },

    /** Holds an appended row that nothing in this transaction reads back (sent at once outside one). */
    async append<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Partial<T>): Promise<void> {
      const w = insertSql(entity, row);
      if (later) later.add(w);
      else await em.query(w.text, w.params);
    },

    /** Inserts one row and returns its generated id. */
    async insert<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Partial<T>): Promise<number> {
      const w = await withHeld(insertSql(entity, row, ' RETURNING "id"'));
      const rows: Array<{ id: number | string }> = await em.query(w.text, w.params);
      return Number(rows[0].id);
    },

    /**
     * Sets columns of the rows `tail` picks (a WHERE written with the given builder's placeholders,
     * after the SET's) and returns those rows as they are now: a compare-and-set and its re-read in
     * one statement (both engines support RETURNING).
     */
    async updateReturning<T extends ObjectLiteral>(entity: EntityTarget<T>, patch: Partial<T>, tail: (sql: Sql) => string): Promise<T[]> {
      const meta = em.connection.getMetadata(entity);
      const { table, cells: cols } = cells(entity, patch);
      const sql = dialect.sql();
      const sets = cols.map(([c, v]) => `"${c}" = ${sql.p(v)}`);
      const w = await withHeld({
        text: `UPDATE "${table}" SET ${sets.join(', ')} ${tail(sql)} RETURNING ${columnList(meta)}`,
        params: sql.params,
      });
      const { records } = await structured(em, w.text, w.params);
      return hydrate<T>(em, meta, records);
    },

    /** Sets columns of one row by id. */
    async update<T extends ObjectLiteral>(entity: EntityTarget<T>, id: number, patch: Partial<T>): Promise<void> {
      await this.writeAll([updateSql(entity, id, patch)]);
    },
  };
}
