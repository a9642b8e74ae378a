import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import {
  createTrainingRequestSchema,
  createTrainingSessionSchema,
  listTrainingRequestsSchema,
  listTrainingsSchema,
  updateTrainingRequestSchema,
} from '../../domain/desk/records/records.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** /trainings: sessions (培训) and requests for training (培训需求). */
export function registerTrainingRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { trainings } = services;
  const tag = 'trainings';
  // /trainings/requests before /trainings/:id, which would read "requests" as an id.
  defineRoute(api, registry, {
    method: 'post',
    path: '/trainings/requests',
    tag,
    summary: '提出培训需求（单位经办人只能为本单位提出）',
    body: createTrainingRequestSchema,
    status: 201,
    handler: ({ actor, body }) => trainings.createRequest(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/trainings/requests',
    tag,
    summary: '培训需求（单位经办人只见本单位）',
    query: listTrainingRequestsSchema,
    handler: ({ actor, query }) => trainings.listRequests(actor, query),
  });
  defineRoute(api, registry, {
    method: 'patch',
    path: '/trainings/requests/:id',
    tag,
    summary: '更新培训需求状态',
    permission: 'training.request.manage',
    params: idParams,
    body: updateTrainingRequestSchema,
    handler: ({ actor, params, body }) => trainings.updateRequest(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/trainings',
    tag,
    summary: '登记培训（日期、主题、培训人、参训单位与人数、资料）',
    permission: 'desk.record.write',
    body: createTrainingSessionSchema,
    status: 201,
    handler: ({ actor, body }) => trainings.createSession(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/trainings',
    tag,
    summary: '培训记录（单位经办人只见面向全部单位或本单位的培训）',
    query: listTrainingsSchema,
    handler: ({ actor, query }) => trainings.listSessions(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/trainings/:id',
    tag,
    summary: '培训详情（单位经办人只见面向全部单位或本单位的培训）',
    params: idParams,
    handler: ({ actor, params }) => trainings.getSession(actor, params.id),
  });
}
