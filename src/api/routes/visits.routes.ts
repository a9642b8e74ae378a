import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import {
  answerReturnVisitSchema,
  createOnsiteVisitSchema,
  createReturnVisitSchema,
  listOnsiteVisitsSchema,
  listReturnVisitsSchema,
  updateOnsiteVisitSchema,
} from '../../domain/desk/records/records.schemas';
import { pageQuerySchema } from '../../domain/common/pagination';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** /visits/onsite (现场服务) and /visits/return (回访). */
export function registerVisitRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { onsiteVisits, returnVisits } = services;
  const tag = 'visits';
  // api.md names /api/v1/visits: the two kinds of visit, newest first, in one call.
  defineRoute(api, registry, {
    method: 'get',
    path: '/visits',
    tag,
    summary: '现场服务与回访（各自最新一页；分别翻页请用 /visits/onsite、/visits/return）',
    query: pageQuerySchema.extend({ unitCode: listOnsiteVisitsSchema.shape.unitCode }),
    handler: async ({ actor, query }) => ({
      onsite: await onsiteVisits.list(actor, { page: query.page, pageSize: query.pageSize, unitCode: query.unitCode }),
      return: await returnVisits.list(actor, { page: query.page, pageSize: query.pageSize, unitCode: query.unitCode }),
    }),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/visits/onsite',
    tag,
    summary: '登记现场服务（派工、到达、工作内容、结果、单位签字）',
    permission: 'desk.record.write',
    body: createOnsiteVisitSchema,
    status: 201,
    handler: ({ actor, body }) => onsiteVisits.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'patch',
    path: '/visits/onsite/:id',
    tag,
    summary: '补充现场服务（到达、签字）；已签字的记录不能再改',
    permission: 'desk.record.write',
    params: idParams,
    body: updateOnsiteVisitSchema,
    handler: ({ actor, params, body }) => onsiteVisits.update(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/visits/onsite',
    tag,
    summary: '现场服务记录（单位经办人只见本单位）',
    query: listOnsiteVisitsSchema,
    handler: ({ actor, query }) => onsiteVisits.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/visits/onsite/:id',
    tag,
    summary: '现场服务记录详情',
    params: idParams,
    handler: ({ actor, params }) => onsiteVisits.get(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/visits/return',
    tag,
    summary: '安排回访（工单报告人、单位或指定企业微信用户；默认下一个工作日）',
    permission: 'desk.record.write',
    body: createReturnVisitSchema,
    status: 201,
    handler: ({ actor, body }) => returnVisits.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/visits/return/:id/answer',
    tag,
    summary: '录入回访评价（1-5 分；≤2 分重新打开工单，≥3 分关闭已解决的工单）',
    permission: 'desk.record.write',
    params: idParams,
    body: answerReturnVisitSchema,
    handler: ({ actor, params, body }) => returnVisits.answer(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/visits/return',
    tag,
    summary: '回访任务与结果',
    query: listReturnVisitsSchema,
    handler: ({ actor, query }) => returnVisits.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/visits/return/:id',
    tag,
    summary: '回访详情',
    params: idParams,
    handler: ({ actor, params }) => returnVisits.get(actor, params.id),
  });
}
