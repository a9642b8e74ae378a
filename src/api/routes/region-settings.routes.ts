import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { putRegionSettingSchema } from '../../domain/settings/region-settings';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const keyParams = z.object({ key: z.string().min(1).max(64) });
const setting = z.object({ key: z.string(), label: z.string(), value: z.string().nullable() });

/** /settings/region: the values the bot's answers name (bureau, address, phone, hours, URLs, training …). */
export function registerRegionSettingRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'get',
    path: '/settings/region',
    tag: 'kb',
    summary: '地区设置列表（答案中的财政局名称、地址、电话、办公时间、系统网址、培训安排等；未设置为 null）',
    permission: 'region.read',
    response: z.object({ items: z.array(setting) }),
    handler: ({ actor }) => services.region.list(actor),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/settings/region/:key',
    tag: 'kb',
    summary: '一项地区设置',
    permission: 'region.read',
    params: keyParams,
    response: setting,
    handler: ({ actor, params }) => services.region.get(actor, params.key),
  });
  defineRoute(api, registry, {
    method: 'put',
    path: '/settings/region/:key',
    tag: 'kb',
    summary: '修改一项地区设置（value 为 null 时清除；不接受示例或占位文字；仅管理员）',
    permission: 'region.edit',
    params: keyParams,
    body: putRegionSettingSchema,
    response: setting,
    handler: ({ actor, params, body }) => services.region.put(actor, params.key, body),
  });
}
