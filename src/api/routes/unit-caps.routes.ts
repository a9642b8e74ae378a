import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const unitCapsView = z.object({
  unitCode: z.string(),
  items: z.array(z.object({ billTypeCode: z.string(), billTypeName: z.string(), maxQuantity: z.number().int() })),
});

/** 分次限量 as configured, per unit (set with PUT /units/:code/caps). */
export function registerUnitCapRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'get',
    path: '/units/:code/caps',
    tag: 'reference',
    summary: '单位各票种的单次申领上限（分次限量；未列出的票种不限量）',
    params: z.object({ code: z.string().min(1).max(32) }),
    response: unitCapsView,
    handler: ({ actor, params }) => services.unitCaps.list(actor, params.code),
  });
}
