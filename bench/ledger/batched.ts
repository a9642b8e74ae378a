import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../src/domain/clock';
import { dialectOf } from '../../src/domain/db/dialect';
import { makeRepositories, type DomainStore } from '../../src/domain/db/repositories';
import { inTransaction } from '../../src/domain/db/store';
import type { LoginLimiter } from '../../src/domain/identity/login-guard';
import { makeDomainServices, type DomainServices } from '../../src/domain/services';

/**
 * A Store bound to one open transaction: every service call runs its own code (rules, locks, range
 * moves, journal, audit) on `em`, but many calls share one commit. Only the commit is batched;
 * nothing is skipped. A failing call aborts the whole batch.
 */
function storeIn(ds: DataSource, em: EntityManager): DomainStore {
  const dialect = dialectOf(ds);
  const repos = makeRepositories({ em, dialect });
  // Each call gets the repositories (memo and write-behind) a transaction of its own would get:
  // nothing a call read is handed to the next one, and what it held is sent before the next call.
  return {
    read: repos,
    transaction: (work) => inTransaction(em, dialect, makeRepositories, work),
    standalone: (work) => work(repos),
    ping: async () => undefined,
  };
}

// The build makes no logins: a limiter that would refuse one keeps that visible.
const noLogins: LoginLimiter = {
  attempt: () => Promise.reject(new Error('the ledger bench does not log in')),
};

/** The real domain services over the Store of one open transaction. */
export function servicesIn(ds: DataSource, em: EntityManager, clock: Clock): DomainServices {
  return makeDomainServices({ store: storeIn(ds, em), clock, loginLimiter: noLogins, duties: { separate: true } });
}

/** Runs one call per item: each in its own transaction (size 1), or `size` calls per shared transaction. */
export async function runBatched<T>(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  items: readonly T[],
  size: number,
  call: (s: DomainServices, item: T) => Promise<unknown>,
): Promise<void> {
  if (size <= 1) {
    // One transaction per call, exactly as the API runs them.
    for (const item of items) await call(services, item);
    return;
  }
  for (let i = 0; i < items.length; i += size) {
    await ds.transaction(async (em) => {
      const s = servicesIn(ds, em, clock);
      for (const item of items.slice(i, i + size)) await call(s, item);
    });
  }
}
