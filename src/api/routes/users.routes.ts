import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { createUserSchema, listUsersSchema } from '../../domain/identity/identity.schemas';
import { ROLES } from '../../domain/identity/actor';
import { PERMISSIONS, type Permission } from '../../domain/policy';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const userView = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string(),
  role: z.string(),
  unitCode: z.string().nullable(),
  wecomUserId: z.string().nullable(),
  active: z.boolean(),
});

const meView = z.object({
  user: z.object({ id: z.number(), username: z.string(), name: z.string(), role: z.enum(ROLES), unitCode: z.string().nullable() }),
  unit: z.object({ code: z.string(), name: z.string() }).nullable(),
  permissions: z.array(z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]])),
});

export function registerUserRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: '创建用户（管理员）',
    permission: 'user.manage',
    body: createUserSchema,
    status: 201,
    response: userView,
    handler: ({ actor, body }) => services.users.create(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: '用户列表（管理员）',
    permission: 'user.read',
    query: listUsersSchema,
    handler: ({ actor, query }) => services.users.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/me',
    tag: 'users',
    summary: '当前登录用户、所属单位及其权限（页面和机器人据此决定显示什么）',
    response: meView,
    handler: ({ actor }) => services.users.me(actor),
  });
}
