import type { DataSource } from 'typeorm';
import { makeCatalogService } from './catalog/catalog.service';
import type { Clock } from './clock';
import { makeUserService } from './identity/user.service';

/** Composes the domain services over one DataSource and Clock (main.ts, tests, CLI tools). */
export function makeDomainServices(deps: { ds: DataSource; clock: Clock }) {
  return {
    users: makeUserService(deps),
    catalog: makeCatalogService(deps),
  };
}
export type DomainServices = ReturnType<typeof makeDomainServices>;
