import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { documentViewSchema } from '../../domain/documents/document.views';
import type { LineDocumentWorkflow } from '../../domain/documents/line-documents/workflow';
import {
  approveSchema,
  approveWriteoffSchema,
  confirmDestructionSchema,
  createDestructionSchema,
  createReturnSchema,
  createStockVoidSchema,
  createWriteoffSchema,
  listLineDocumentsSchema,
  rejectSchema,
  resubmitWriteoffSchema,
} from '../../domain/documents/line-documents.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** Outcome of a line-document action (write-offs, returns, stock voids and destructions). */
export const lineDocOutcomeSchema = z.object({
  id: z.number().int(),
  docNo: z.string(),
  status: z.string(),
  counts: z.record(z.string(), z.number().int()),
  opinion: z.string().nullable().optional(),
  result: z.string().optional(),
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

/** How one line document appears in the API: its path, Chinese summaries and bodies. */
interface LineDocRoutes {
  path: string;
  tag: string;
  workflow: LineDocumentWorkflow;
  create: { schema: z.ZodType; summary: string };
  approve: { schema: z.ZodType; summary: string };
  reject: string;
  list: string;
  get: string;
  /** 撤销上报 and 重新上报, for documents the requester may take back (write-offs). */
  resubmit?: { schema: z.ZodType; withdraw: string; resubmit: string };
}

/** The one generator of every line document's routes: create, approve, reject, list, get (and withdraw/resubmit). */
function registerLineDocument(api: Router, registry: OpenAPIRegistry, d: LineDocRoutes): void {
  const { path, tag, workflow } = d;
  const { request, review } = workflow.spec.permissions;
  const base = { tag, response: lineDocOutcomeSchema };
  defineRoute(api, registry, {
    ...base,
    method: 'post',
    path,
    summary: d.create.summary,
    permission: request,
    body: d.create.schema,
    status: 201,
    handler: ({ actor, body }) => workflow.create(actor, body as never),
  });
  defineRoute(api, registry, {
    ...base,
    method: 'post',
    path: `${path}/:id/approve`,
    summary: d.approve.summary,
    permission: review,
    params: idParams,
    body: d.approve.schema,
    handler: ({ actor, params, body }) => workflow.approve(actor, params.id, body as never),
  });
  defineRoute(api, registry, {
    ...base,
    method: 'post',
    path: `${path}/:id/reject`,
    summary: d.reject,
    permission: review,
    params: idParams,
    body: rejectSchema,
    handler: ({ actor, params, body }) => workflow.reject(actor, params.id, body),
  });
  if (d.resubmit) {
    defineRoute(api, registry, {
      ...base,
      method: 'post',
      path: `${path}/:id/withdraw`,
      summary: d.resubmit.withdraw,
      permission: request,
      params: idParams,
      handler: ({ actor, params }) => workflow.withdraw(actor, params.id),
    });
    defineRoute(api, registry, {
      ...base,
      method: 'post',
      path: `${path}/:id/resubmit`,
      summary: d.resubmit.resubmit,
      permission: request,
      params: idParams,
      body: d.resubmit.schema,
      handler: ({ actor, params, body }) => workflow.resubmit(actor, params.id, body as never),
    });
  }
  defineRoute(api, registry, {
    method: 'get',
    path,
    tag,
    summary: d.list,
    query: listLineDocumentsSchema,
    response: documentPageSchema,
    handler: ({ actor, query }) => workflow.list(actor, query),
  });
}

const confirmationSchema = z.object({ side: z.enum(['bureau', 'unit']), confirmedBy: z.string(), at: z.string() });

/** 核销, 申退, 库存作废 and 销毁 through the one generator; the destruction adds its confirmations. */
export function registerLineDocumentRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const get = (path: string, tag: string, summary: string, workflow: LineDocumentWorkflow) =>
    defineRoute(api, registry, {
      method: 'get',
      path: `${path}/:id`,
      tag,
      summary,
      params: idParams,
      response: documentDetailSchema,
      handler: ({ actor, params }) => workflow.get(actor, params.id),
    });
  const documents: Array<LineDocRoutes & { detail?: 'destruction' }> = [
    {
      path: '/writeoffs',
      tag: 'writeoffs',
      workflow: services.writeoffs,
      create: { schema: createWriteoffSchema, summary: '核销上报（已开、作废、灭失号段）' },
      approve: { schema: approveWriteoffSchema, summary: '核销审核通过（号段变为已核销）' },
      reject: '核销退回（号段回到单位库存）',
      resubmit: {
        schema: resubmitWriteoffSchema,
        withdraw: '撤销上报（审核前，号段回到单位库存）',
        resubmit: '重新上报（可修改号段、截止日期、金额）',
      },
      list: '核销单列表（单位人员只看到本单位）',
      get: '核销单详情（号段、审核记录与意见）',
    },
    {
      path: '/returns',
      tag: 'returns',
      workflow: services.returns,
      create: { schema: createReturnSchema, summary: '申退（单位把未用票据退回财政局）' },
      approve: { schema: approveSchema, summary: '申退审核通过（号段回到财政库存）' },
      reject: '申退退回',
      list: '申退单列表',
      get: '申退单详情',
    },
    {
      path: '/stock-voids',
      tag: 'stock-voids',
      workflow: services.stockVoids,
      create: { schema: createStockVoidSchema, summary: '库存作废（如换版；财政局库存仅局方办理）' },
      approve: { schema: approveSchema, summary: '库存作废审核通过' },
      reject: '库存作废退回',
      list: '库存作废单列表',
      get: '库存作废单详情',
    },
    {
      path: '/destructions',
      tag: 'destructions',
      workflow: services.destructions,
      create: { schema: createDestructionSchema, summary: '申请销毁（已核销存根过保存期，或已库存作废的空白票据）' },
      approve: { schema: approveSchema, summary: '销毁审核通过（号段变为已销毁）' },
      reject: '销毁退回',
      list: '销毁单列表',
      get: '销毁单详情（含监销人与确认情况）',
      detail: 'destruction',
    },
  ];
  for (const d of documents) {
    registerLineDocument(api, registry, d);
    if (!d.detail) get(d.path, d.tag, d.get, d.workflow);
  }
  const { destructions } = services;
  defineRoute(api, registry, {
    method: 'post',
    path: '/destructions/:id/confirm',
    tag: 'destructions',
    summary: '登记造册/监销确认（监销须另一位财政局人员，单位确认须另一人；双方确认后完成）',
    permission: 'destruction.confirm.unit',
    params: idParams,
    body: confirmDestructionSchema,
    response: lineDocOutcomeSchema.extend({ confirmations: z.array(confirmationSchema) }),
    handler: ({ actor, params, body }) => destructions.confirm(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/destructions/:id',
    tag: 'destructions',
    summary: '销毁单详情（含监销人与确认情况）',
    params: idParams,
    response: documentDetailSchema.extend({ supervisor: z.string().nullable(), confirmations: z.array(confirmationSchema) }),
    handler: ({ actor, params }) => destructions.get(actor, params.id),
  });
}
