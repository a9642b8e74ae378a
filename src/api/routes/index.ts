import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { registerApplicationRoutes } from './applications.routes';
import { registerCatalogRoutes } from './catalog.routes';
import { registerDestructionRoutes } from './destructions.routes';
import { registerLedgerRoutes } from './ledger.routes';
import { registerPrintPlanRoutes } from './print-plans.routes';
import { registerReportRoutes } from './reports.routes';
import { registerReturnRoutes } from './returns.routes';
import { registerSlaRoutes } from './sla.routes';
import { registerStockVoidRoutes } from './stock-voids.routes';
import { registerUserRoutes } from './users.routes';
import { registerWriteoffRoutes } from './writeoffs.routes';

/** Every /api/v1 resource of the admin API. */
export function registerResourceRoutes(api: Router, registry: OpenAPIRegistry, deps: AppDeps): void {
  registerUserRoutes(api, registry, deps);
  registerCatalogRoutes(api, registry, deps);
  registerLedgerRoutes(api, registry, deps);
  registerApplicationRoutes(api, registry, deps);
  registerPrintPlanRoutes(api, registry, deps);
  registerWriteoffRoutes(api, registry, deps);
  registerReturnRoutes(api, registry, deps);
  registerStockVoidRoutes(api, registry, deps);
  registerDestructionRoutes(api, registry, deps);
  registerReportRoutes(api, registry, deps);
  registerSlaRoutes(api, registry, deps);
}
