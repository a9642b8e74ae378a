import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { approveSchema, createStockVoidSchema, listLineDocumentsSchema, rejectSchema } from '../../domain/documents/line-documents.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';
import { documentDetailSchema, documentPageSchema, lineDocOutcomeSchema } from './writeoffs.routes';

export function registerStockVoidRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { stockVoids } = services;
  const tag = 'stock-voids';
  defineRoute(api, registry, {
    method: 'post',
    path: '/stock-voids',
    tag,
    summary: '库存作废（如换版；财政局库存仅局方办理）',
    permission: 'stock-void.request',
    body: createStockVoidSchema,
    status: 201,
    response: lineDocOutcomeSchema,
    handler: ({ actor, body }) => stockVoids.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/stock-voids/:id/approve',
    tag,
    summary: '库存作废审核通过',
    permission: 'stock-void.approve',
    params: idParams,
    body: approveSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => stockVoids.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/stock-voids/:id/reject',
    tag,
    summary: '库存作废退回',
    permission: 'stock-void.approve',
    params: idParams,
    body: rejectSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => stockVoids.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/stock-voids',
    tag,
    summary: '库存作废单列表',
    query: listLineDocumentsSchema,
    response: documentPageSchema,
    handler: ({ actor, query }) => stockVoids.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/stock-voids/:id',
    tag,
    summary: '库存作废单详情',
    params: idParams,
    response: documentDetailSchema,
    handler: ({ actor, params }) => stockVoids.get(actor, params.id),
  });
}
