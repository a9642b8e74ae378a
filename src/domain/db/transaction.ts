import type { DataSource, EntityManager } from 'typeorm';

// better-sqlite3 gives TypeORM a single connection, so two overlapping transactions would collide
// (TransactionAlreadyStartedError). Serialising them per DataSource keeps SQLite correct; on
// PostgreSQL each transaction gets its own pooled connection and row locks do the ordering.
const queues = new WeakMap<DataSource, Promise<unknown>>();

/** Runs `work` in one database transaction: all of it commits or none of it does. */
export function inTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (ds.options.type !== 'better-sqlite3') return ds.transaction(work);
  const prev = queues.get(ds) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => ds.transaction(work));
  queues.set(
    ds,
    next.catch(() => undefined),
  );
  return next;
}

/** Locks a row for the rest of the transaction on PostgreSQL (SQLite is already serialised). */
export async function lockRow(em: EntityManager, table: string, id: number): Promise<void> {
  if (em.connection.options.type === 'postgres') {
    await em.query(`SELECT 1 FROM "${table}" WHERE id = $1 FOR UPDATE`, [id]);
  }
}
