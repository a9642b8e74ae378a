import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import {
  createBillTypeSchema,
  createUnitSchema,
  listUnitsSchema,
  setCapSchema,
  updateUnitSchema,
} from '../../domain/catalog/catalog.schemas';
import { pageQuerySchema } from '../../domain/common/pagination';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const codeParams = z.object({ code: z.string().min(1).max(32) });

export function registerCatalogRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { catalog } = services;
  defineRoute(api, registry, {
    method: 'post',
    path: '/bill-types',
    tag: 'reference',
    summary: '新增票据种类',
    permission: 'catalog.edit',
    body: createBillTypeSchema,
    status: 201,
    handler: ({ actor, body }) => catalog.createBillType(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/bill-types',
    tag: 'reference',
    summary: '票据种类列表',
    query: pageQuerySchema,
    handler: ({ query }) => catalog.pageBillTypes(query),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/units',
    tag: 'reference',
    summary: '新增用票单位',
    permission: 'catalog.edit',
    body: createUnitSchema,
    status: 201,
    handler: ({ actor, body }) => catalog.createUnit(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/units',
    tag: 'reference',
    summary: '用票单位列表（单位人员只看到本单位）',
    query: listUnitsSchema,
    handler: ({ actor, query }) => catalog.listUnits(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/units/:code',
    tag: 'reference',
    summary: '单位详情',
    params: codeParams,
    handler: ({ actor, params }) => catalog.getUnit(actor, params.code),
  });
  defineRoute(api, registry, {
    method: 'patch',
    path: '/units/:code',
    tag: 'reference',
    summary: '修改单位信息',
    permission: 'catalog.edit',
    params: codeParams,
    body: updateUnitSchema,
    handler: ({ actor, params, body }) => catalog.updateUnit(actor, params.code, body),
  });
  defineRoute(api, registry, {
    method: 'put',
    path: '/units/:code/caps',
    tag: 'reference',
    summary: '设置单位某票种的单次申领上限（分次限量；null 取消）',
    permission: 'catalog.edit',
    params: codeParams,
    body: setCapSchema,
    handler: ({ actor, params, body }) => catalog.setCap(actor, params.code, body),
  });
}
