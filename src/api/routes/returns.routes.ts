import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { approveSchema, createReturnSchema, listLineDocumentsSchema, rejectSchema } from '../../domain/documents/line-documents.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';
import { documentDetailSchema, documentPageSchema, lineDocOutcomeSchema } from './writeoffs.routes';

export function registerReturnRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { returns } = services;
  const tag = 'returns';
  defineRoute(api, registry, {
    method: 'post',
    path: '/returns',
    tag,
    summary: '申退（单位把未用票据退回财政局）',
    permission: 'return.request',
    body: createReturnSchema,
    status: 201,
    response: lineDocOutcomeSchema,
    handler: ({ actor, body }) => returns.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/returns/:id/approve',
    tag,
    summary: '申退审核通过（号段回到财政库存）',
    permission: 'return.approve',
    params: idParams,
    body: approveSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => returns.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/returns/:id/reject',
    tag,
    summary: '申退退回',
    permission: 'return.approve',
    params: idParams,
    body: rejectSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => returns.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/returns',
    tag,
    summary: '申退单列表',
    query: listLineDocumentsSchema,
    response: documentPageSchema,
    handler: ({ actor, query }) => returns.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/returns/:id',
    tag,
    summary: '申退单详情',
    params: idParams,
    response: documentDetailSchema,
    handler: ({ actor, params }) => returns.get(actor, params.id),
  });
}
