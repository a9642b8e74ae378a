import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { createInspectionScheduleSchema, listInspectionsSchema, recordInspectionSchema } from '../../domain/desk/records/records.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** /inspections: 定期巡检 — schedules with checklists, runs with results, findings that open tickets. */
export function registerInspectionRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { inspections } = services;
  const tag = 'inspections';
  defineRoute(api, registry, {
    method: 'post',
    path: '/inspections/schedules',
    tag,
    summary: '新建巡检计划（每日/每周/每月，检查清单）',
    permission: 'desk.record.write',
    body: createInspectionScheduleSchema,
    status: 201,
    handler: ({ actor, body }) => inspections.createSchedule(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/inspections/schedules',
    tag,
    summary: '巡检计划',
    permission: 'desk.record.read',
    handler: async ({ actor }) => ({ items: await inspections.listSchedules(actor) }),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/inspections',
    tag,
    summary: '登记一次巡检（逐项结果 ok/warn/fail；发现的问题默认建工单）',
    permission: 'desk.record.write',
    body: recordInspectionSchema,
    status: 201,
    handler: ({ actor, body }) => inspections.recordRun(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/inspections',
    tag,
    summary: '巡检记录',
    permission: 'desk.record.read',
    query: listInspectionsSchema,
    handler: ({ actor, query }) => inspections.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/inspections/:id',
    tag,
    summary: '巡检详情（结果与发现）',
    permission: 'desk.record.read',
    params: idParams,
    handler: ({ actor, params }) => inspections.get(actor, params.id),
  });
}
