import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './dialect';
import { makeRepositories, type Repositories } from './repositories';

/** Transitional: one transaction over a DataSource (services not yet on the Store). */
export function inTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return dialectOf(ds).transaction(ds, work);
}

/** Transitional: locks a row until the transaction ends (services not yet on repositories). */
export function lockRow(em: EntityManager, table: string, id: number): Promise<void> {
  return dialectOf(em.connection).lockRow(em, table, id);
}

/**
 * Transitional: the repositories over an EntityManager, so a service not yet on the Store can
 * call a converted helper inside its own transaction (monitoring, the automatic inspection).
 */
export function repositoriesIn(em: EntityManager): Repositories {
  return makeRepositories({ em, dialect: dialectOf(em.connection) });
}
