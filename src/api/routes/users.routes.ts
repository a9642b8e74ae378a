import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { auditQuerySchema } from '../../domain/audit/audit.schemas';
import { createUserSchema, listUsersSchema, updateUserSchema } from '../../domain/identity/identity.schemas';
import { ROLES } from '../../domain/identity/actor';
import { PERMISSIONS, type Permission } from '../../domain/policy';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

const userView = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string(),
  role: z.string(),
  unitCode: z.string().nullable(),
  wecomUserId: z.string().nullable(),
  active: z.boolean(),
  lockedUntil: z.string().nullable(),
  mustChangePassword: z.boolean(),
});
const auditView = z.object({
  id: z.number(),
  actorId: z.number(),
  actorName: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  at: z.string(),
});

const meView = z.object({
  user: z.object({ id: z.number(), username: z.string(), name: z.string(), role: z.enum(ROLES), unitCode: z.string().nullable() }),
  unit: z.object({ code: z.string(), name: z.string() }).nullable(),
  permissions: z.array(z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]])),
  mustChangePassword: z.boolean(),
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
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    summary: '修改用户（姓名、角色、单位、企业微信账号、启用/停用；角色或状态变更使其已登录会话失效）',
    permission: 'user.manage',
    params: idParams,
    body: updateUserSchema,
    response: userView,
    handler: ({ actor, params, body }) => services.userAdmin.update(actor, params.id, body),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/users/:id/reset-password',
    tag: 'users',
    summary: '重置密码：返回临时密码，用户下次登录须先修改',
    permission: 'user.manage',
    params: idParams,
    response: z.object({ temporaryPassword: z.string() }),
    handler: ({ actor, params }) => services.userAdmin.resetPassword(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/users/:id/unlock',
    tag: 'users',
    summary: '解除因密码错误造成的账号锁定',
    permission: 'user.manage',
    params: idParams,
    response: userView,
    handler: ({ actor, params }) => services.userAdmin.unlock(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/audit',
    tag: 'users',
    summary: '审计日志（按操作人、对象、动作、日期查询）',
    permission: 'audit.read',
    query: auditQuerySchema,
    response: z.object({ items: z.array(auditView), total: z.number(), page: z.number(), pageSize: z.number() }),
    handler: ({ actor, query }) => services.audit.search(actor, query),
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
