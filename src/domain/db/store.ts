import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf, type Dialect, type TxOptions } from './dialect';
import { TxMemo } from './tx-memo';
import { WriteBehind } from './write-behind';

/** What a repository module is built from: one EntityManager (a transaction's or the pool's) and the dialect. */
export interface RepoContext {
  em: EntityManager;
  dialect: Dialect;
  /** Reference rows already read in this transaction; absent outside one (see TxMemo). */
  memo?: TxMemo;
  /** Appended rows nothing in this transaction reads back, and writes sent without waiting; absent outside one. */
  later?: WriteBehind;
}

/**
 * Runs `work` on the repositories of one open transaction (`em`), with a fresh memo and
 * write-behind; before the transaction commits, sends what the write-behind still holds and waits
 * for every write sent without waiting. A write that failed is what the caller sees.
 */
export async function inTransaction<R, T>(
  em: EntityManager,
  dialect: Dialect,
  build: (ctx: RepoContext) => R,
  work: (tx: R) => Promise<T>,
): Promise<T> {
  const later = new WriteBehind();
  let result: T;
  try {
    result = await work(build({ em, dialect, memo: new TxMemo(), later }));
    await dialect.writeAll(em, later.take());
  } catch (err) {
    throw await later.cause(err);
  }
  await later.settle();
  return result;
}

/**
 * The unit of work services receive instead of a DataSource: repositories outside a transaction
 * for reads and single-statement writes, and `transaction` for everything that must be atomic
 * (every ledger change with its journal, audit and outbox rows).
 */
export interface Store<R> {
  readonly read: R;
  transaction<T>(work: (tx: R) => Promise<T>, opts?: TxOptions): Promise<T>;
  /**
   * Independent single-statement writes (a log row, an insert-or-ignore claim) without BEGIN/COMMIT
   * that must never join another caller's open transaction. Not for use inside `transaction`.
   */
  standalone<T>(work: (r: R) => Promise<T>): Promise<T>;
  /** One round trip to the database (health checks). */
  ping(): Promise<void>;
}

/** A Store over a connected DataSource; `build` makes the repositories for one EntityManager. */
export function makeStore<R>(ds: DataSource, build: (ctx: RepoContext) => R): Store<R> {
  const dialect = dialectOf(ds);
  const read = build({ em: ds.manager, dialect });
  return {
    read,
    transaction: (work, opts) => dialect.transaction(ds, (em) => inTransaction(em, dialect, build, work), opts),
    standalone: (work) => dialect.alone(ds, () => work(read)),
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
