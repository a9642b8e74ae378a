import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import {
  approveSchema,
  confirmDestructionSchema,
  createDestructionSchema,
  listLineDocumentsSchema,
  rejectSchema,
} from '../../domain/documents/line-documents.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';
import { documentDetailSchema, documentPageSchema, lineDocOutcomeSchema } from './writeoffs.routes';

const confirmationSchema = z.object({ side: z.enum(['bureau', 'unit']), confirmedBy: z.string(), at: z.string() });

export function registerDestructionRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { destructions } = services;
  const tag = 'destructions';
  defineRoute(api, registry, {
    method: 'post',
    path: '/destructions',
    tag,
    summary: '申请销毁（已核销存根过保存期，或已库存作废的空白票据）',
    permission: 'destruction.request',
    body: createDestructionSchema,
    status: 201,
    response: lineDocOutcomeSchema,
    handler: ({ actor, body }) => destructions.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/destructions/:id/approve',
    tag,
    summary: '销毁审核通过（号段变为已销毁）',
    permission: 'destruction.approve',
    params: idParams,
    body: approveSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => destructions.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/destructions/:id/reject',
    tag,
    summary: '销毁退回',
    permission: 'destruction.approve',
    params: idParams,
    body: rejectSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => destructions.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/destructions/:id/confirm',
    tag,
    summary: '登记造册/监销确认（双方确认后完成）',
    permission: 'destruction.confirm.unit',
    params: idParams,
    body: confirmDestructionSchema,
    response: lineDocOutcomeSchema.extend({ confirmations: z.array(confirmationSchema) }),
    handler: ({ actor, params, body }) => destructions.confirm(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/destructions',
    tag,
    summary: '销毁单列表',
    query: listLineDocumentsSchema,
    response: documentPageSchema,
    handler: ({ actor, query }) => destructions.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/destructions/:id',
    tag,
    summary: '销毁单详情（含监销人与确认情况）',
    params: idParams,
    response: documentDetailSchema.extend({ supervisor: z.string().nullable(), confirmations: z.array(confirmationSchema) }),
    handler: ({ actor, params }) => destructions.get(actor, params.id),
  });
}
