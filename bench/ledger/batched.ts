import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../src/domain/clock';
import { makeDomainServices, type DomainServices } from '../../src/domain/services';

/**
 * The real domain services, bound to one open transaction: every service call runs its own code
 * (rules, locks, range moves, journal, audit) on `em`, but many calls share one commit. Only the
 * commit is batched; nothing is skipped. A failing call aborts the whole batch.
 */
export function servicesIn(ds: DataSource, em: EntityManager, clock: Clock): DomainServices {
  const bound = Object.create(ds) as DataSource;
  const own = (name: string, value: unknown) => Object.defineProperty(bound, name, { value });
  own('manager', em);
  own('transaction', (...args: unknown[]) => (args[args.length - 1] as (m: EntityManager) => Promise<unknown>)(em));
  own('query', (sql: string, params?: unknown[]) => em.query(sql, params));
  own('getRepository', (target: never) => em.getRepository(target));
  own('createQueryBuilder', (...args: never[]) => (em.createQueryBuilder as (...a: never[]) => unknown)(...args));
  return makeDomainServices({ ds: bound, clock });
}

/** Runs one call per item: each in its own transaction (size 1), or `size` calls per shared transaction. */
export async function runBatched<T>(
  ds: DataSource,
  clock: Clock,
  items: readonly T[],
  size: number,
  call: (s: DomainServices, item: T) => Promise<unknown>,
): Promise<void> {
  if (size <= 1) {
    // One transaction per call, exactly as the API runs them.
    const s = makeDomainServices({ ds, clock });
    for (const item of items) await call(s, item);
    return;
  }
  for (let i = 0; i < items.length; i += size) {
    await ds.transaction(async (em) => {
      const s = servicesIn(ds, em, clock);
      for (const item of items.slice(i, i + size)) await call(s, item);
    });
  }
}
