import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { createConsultationSchema, listConsultationsSchema } from '../../domain/desk/records/records.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** /consultations: the consultation log (来电记录). */
export function registerConsultationRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { consultations } = services;
  const tag = 'consultations';
  defineRoute(api, registry, {
    method: 'post',
    path: '/consultations',
    tag,
    summary: '登记来电/传真/网络/来访咨询（createTicket: true 同时建工单）',
    permission: 'desk.record.write',
    body: createConsultationSchema,
    status: 201,
    handler: ({ actor, body }) => consultations.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/consultations',
    tag,
    summary: '咨询记录（按渠道、单位、类别、日期、关键词筛选；单位经办人只见本单位）',
    query: listConsultationsSchema,
    handler: ({ actor, query }) => consultations.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/consultations/:id',
    tag,
    summary: '咨询记录详情',
    params: idParams,
    handler: ({ actor, params }) => consultations.get(actor, params.id),
  });
}
