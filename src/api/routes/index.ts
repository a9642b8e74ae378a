import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { registerCatalogRoutes } from './catalog.routes';
import { registerUserRoutes } from './users.routes';

/** Every /api/v1 resource of the admin API. */
export function registerResourceRoutes(api: Router, registry: OpenAPIRegistry, deps: AppDeps): void {
  registerUserRoutes(api, registry, deps);
  registerCatalogRoutes(api, registry, deps);
}
