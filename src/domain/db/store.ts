import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf, type Dialect, type TxOptions } from './dialect';

/** What a repository module is built from: one EntityManager (a transaction's or the pool's) and the dialect. */
export interface RepoContext {
  em: EntityManager;
  dialect: Dialect;
}

/**
 * The unit of work services receive instead of a DataSource: repositories outside a transaction
 * for reads and single-statement writes, and `transaction` for everything that must be atomic
 * (every ledger change with its journal, audit and outbox rows).
 */
export interface Store<R> {
  readonly read: R;
  transaction<T>(work: (tx: R) => Promise<T>, opts?: TxOptions): Promise<T>;
  /** One round trip to the database (health checks). */
  ping(): Promise<void>;
}

/** A Store over a connected DataSource; `build` makes the repositories for one EntityManager. */
export function makeStore<R>(ds: DataSource, build: (ctx: RepoContext) => R): Store<R> {
  const dialect = dialectOf(ds);
  return {
    read: build({ em: ds.manager, dialect }),
    transaction: (work, opts) => dialect.transaction(ds, (em) => work(build({ em, dialect })), opts),
    async ping() {
      await ds.query('SELECT 1');
    },
  };
}

/**
 * Builds an object whose members are made on first use: a transaction touches two or three of
 * the aggregates' repositories, so it need not build the rest.
 */
export function lazyMembers<F extends Record<string, () => unknown>>(factories: F): { [K in keyof F]: ReturnType<F[K]> } {
  const out = {} as { [K in keyof F]: ReturnType<F[K]> };
  for (const key of Object.keys(factories) as Array<keyof F>) {
    let made: ReturnType<F[typeof key]> | undefined;
    Object.defineProperty(out, key, { enumerable: true, get: () => (made ??= factories[key]() as ReturnType<F[typeof key]>) });
  }
  return out;
}
