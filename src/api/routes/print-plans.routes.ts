import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import {
  approveSchema,
  createPrintOrderSchema,
  createPrintPlanSchema,
  listPrintPlansSchema,
  rejectSchema,
} from '../../domain/ledger/ledger.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** 计划和印制. */
export function registerPrintPlanRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { printPlans } = services;
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans',
    tag: 'ledger',
    summary: '新建印制计划（draft: true 存为草稿）',
    permission: 'print.plan.edit',
    body: createPrintPlanSchema,
    status: 201,
    handler: ({ actor, body }) => printPlans.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/print-plans',
    tag: 'ledger',
    summary: '印制计划列表',
    query: listPrintPlansSchema,
    handler: ({ actor, query }) => printPlans.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/print-plans/:id',
    tag: 'ledger',
    summary: '印制计划详情（含印制单和到货情况）',
    params: idParams,
    handler: ({ actor, params }) => printPlans.get(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans/:id/submit',
    tag: 'ledger',
    summary: '上报印制计划',
    permission: 'print.plan.edit',
    params: idParams,
    handler: ({ actor, params }) => printPlans.submit(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans/:id/withdraw',
    tag: 'ledger',
    summary: '撤销上报印制计划',
    permission: 'print.plan.edit',
    params: idParams,
    handler: ({ actor, params }) => printPlans.withdraw(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans/:id/approve',
    tag: 'ledger',
    summary: '审核通过印制计划',
    permission: 'print.plan.edit',
    params: idParams,
    body: approveSchema,
    handler: ({ actor, params, body }) => printPlans.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans/:id/reject',
    tag: 'ledger',
    summary: '退回印制计划（须填写意见）',
    permission: 'print.plan.edit',
    params: idParams,
    body: rejectSchema,
    handler: ({ actor, params, body }) => printPlans.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/print-plans/:id/orders',
    tag: 'ledger',
    summary: '下达印制单（计划须已审核，合计不超过计划数量）',
    permission: 'print.plan.edit',
    params: idParams,
    body: createPrintOrderSchema,
    status: 201,
    handler: ({ actor, params, body }) => printPlans.addOrder(actor, params.id, body),
  });
}
