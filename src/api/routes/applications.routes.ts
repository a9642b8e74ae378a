import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { applicationCheckInputSchema, applicationCheckSchema } from '../../domain/documents/application-checks';
import { documentViewSchema } from '../../domain/documents/document.views';
import {
  approveSchema,
  cancelApplicationSchema,
  createApplicationSchema,
  issueResultSchema,
  listApplicationsSchema,
  reduceApplicationSchema,
  rejectSchema,
  resubmitSchema,
} from '../../domain/ledger/ledger.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** 申领 and 发放. */
export function registerApplicationRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { applications, issuance, applicationChecks } = services;
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/check',
    tag: 'ledger',
    summary: '申领前检查：分次限量、核旧领新（待审核的核销单）和财政库存可批数量；不提交、不改变任何数据',
    body: applicationCheckInputSchema,
    response: applicationCheckSchema,
    handler: ({ actor, body }) => applicationChecks.preview(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/applications/:id/checks',
    tag: 'ledger',
    summary: '申领单当前的规则检查结果（审核前查看：分次限量、核旧领新、财政库存）',
    params: idParams,
    response: applicationCheckSchema,
    handler: ({ actor, params }) => applicationChecks.ofApplication(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications',
    tag: 'ledger',
    summary: '提交申领单（分次限量、核旧领新）',
    body: createApplicationSchema,
    status: 201,
    response: documentViewSchema,
    handler: ({ actor, body }) => applications.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/applications',
    tag: 'ledger',
    summary: '申领单列表（单位人员只看本单位）',
    query: listApplicationsSchema,
    handler: ({ actor, query }) => applications.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/applications/:id',
    tag: 'ledger',
    summary: '申领单详情（含审核记录和意见）',
    params: idParams,
    response: documentViewSchema.extend({ issuanceId: z.number().nullable() }),
    handler: ({ actor, params }) => applications.get(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/approve',
    tag: 'ledger',
    summary: '审核通过申领单',
    permission: 'application.approve',
    params: idParams,
    body: approveSchema,
    response: documentViewSchema,
    handler: ({ actor, params, body }) => applications.approve(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/reject',
    tag: 'ledger',
    summary: '退回申领单（须填写意见）',
    permission: 'application.approve',
    params: idParams,
    body: rejectSchema,
    response: documentViewSchema,
    handler: ({ actor, params, body }) => applications.reject(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/cancel',
    tag: 'ledger',
    summary: '作废已审核通过、尚未发放的申领单（须填写意见，通知单位）',
    permission: 'application.amend',
    params: idParams,
    body: cancelApplicationSchema,
    response: documentViewSchema,
    handler: ({ actor, params, body }) => applications.cancel(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/reduce',
    tag: 'ledger',
    summary: '核减已审核通过、尚未发放的申领单数量（须填写意见，通知单位）',
    permission: 'application.amend',
    params: idParams,
    body: reduceApplicationSchema,
    response: documentViewSchema,
    handler: ({ actor, params, body }) => applications.reduce(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/withdraw',
    tag: 'ledger',
    summary: '撤销上报（已提交 → 草稿）',
    params: idParams,
    response: documentViewSchema,
    handler: ({ actor, params }) => applications.withdraw(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/submit',
    tag: 'ledger',
    summary: '重新上报草稿或退回的申领单（可改数量、事由）',
    params: idParams,
    body: resubmitSchema,
    response: documentViewSchema,
    handler: ({ actor, params, body }) => applications.submit(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/applications/:id/issue',
    tag: 'ledger',
    summary: '发放票据（号码从小到大）',
    permission: 'application.issue',
    params: idParams,
    response: issueResultSchema,
    handler: ({ actor, params }) => issuance.issue(actor, params.id),
  });
}
