import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { documentViewSchema } from '../../domain/documents/document.views';
import {
  approveWriteoffSchema,
  createWriteoffSchema,
  listLineDocumentsSchema,
  rejectSchema,
  resubmitWriteoffSchema,
} from '../../domain/documents/line-documents.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** Outcome of a line-document action (shared by write-offs, returns, stock voids and destructions). */
export const lineDocOutcomeSchema = z.object({
  id: z.number().int(),
  docNo: z.string(),
  status: z.string(),
  counts: z.record(z.string(), z.number().int()),
  opinion: z.string().nullable().optional(),
});
/** A page of documents. */
export const documentPageSchema = z.object({
  items: z.array(documentViewSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
/** One document with its lines, transitions and counts. */
export const documentDetailSchema = documentViewSchema.extend({ counts: z.record(z.string(), z.number().int()) });

export function registerWriteoffRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { writeoffs } = services;
  const tag = 'writeoffs';
  defineRoute(api, registry, {
    method: 'post',
    path: '/writeoffs',
    tag,
    summary: '核销上报（已开、作废、灭失号段）',
    permission: 'writeoff.report',
    body: createWriteoffSchema,
    status: 201,
    response: lineDocOutcomeSchema,
    handler: ({ actor, body }) => writeoffs.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/writeoffs/:id/approve',
    tag,
    summary: '核销审核通过（号段变为已核销）',
    permission: 'writeoff.approve',
    params: idParams,
    body: approveWriteoffSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => writeoffs.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/writeoffs/:id/reject',
    tag,
    summary: '核销退回（号段回到单位库存）',
    permission: 'writeoff.approve',
    params: idParams,
    body: rejectSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => writeoffs.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/writeoffs/:id/withdraw',
    tag,
    summary: '撤销上报（审核前，号段回到单位库存）',
    permission: 'writeoff.report',
    params: idParams,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params }) => writeoffs.withdraw(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/writeoffs/:id/resubmit',
    tag,
    summary: '重新上报（可修改号段、截止日期、金额）',
    permission: 'writeoff.report',
    params: idParams,
    body: resubmitWriteoffSchema,
    response: lineDocOutcomeSchema,
    handler: ({ actor, params, body }) => writeoffs.resubmit(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/writeoffs',
    tag,
    summary: '核销单列表（单位人员只看到本单位）',
    query: listLineDocumentsSchema,
    response: documentPageSchema,
    handler: ({ actor, query }) => writeoffs.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/writeoffs/:id',
    tag,
    summary: '核销单详情（号段、审核记录与意见）',
    params: idParams,
    response: documentDetailSchema,
    handler: ({ actor, params }) => writeoffs.get(actor, params.id),
  });
}
