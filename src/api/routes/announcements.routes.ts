import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { createAnnouncementSchema, listAnnouncementsSchema } from '../../domain/desk/records/records.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

/** /announcements: 公告、简报 — draft, then publish to units' staff through WeCom. */
export function registerAnnouncementRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { announcements } = services;
  const tag = 'announcements';
  defineRoute(api, registry, {
    method: 'post',
    path: '/announcements',
    tag,
    summary: '起草公告或简报（Markdown 正文；unitCodes 指定单位，缺省为全部单位）',
    permission: 'desk.record.write',
    body: createAnnouncementSchema,
    status: 201,
    handler: ({ actor, body }) => announcements.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/announcements/:id/publish',
    tag,
    summary: '发布：分批推送给单位经办人（企业微信），返回推送人数与批次',
    permission: 'desk.record.write',
    params: idParams,
    handler: ({ actor, params }) => announcements.publish(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/announcements',
    tag,
    summary: '公告与简报（单位经办人只见已发给本单位的）',
    query: listAnnouncementsSchema,
    handler: ({ actor, query }) => announcements.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/announcements/:id',
    tag,
    summary: '公告详情',
    params: idParams,
    handler: ({ actor, params }) => announcements.get(actor, params.id),
  });
}
