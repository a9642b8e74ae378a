import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { toShanghaiIso } from '../../domain/desk/sla/due';
import { calendarImportSchema, calendarYearParams, dueQuerySchema } from '../../domain/desk/sla/sla.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const dueResponse = z.object({
  dueAt: z.string().describe('ISO 8601 with +08:00'),
  rule: z.string(),
  explanation: z.string(),
  receivedAt: z.string(),
  clockStartsAt: z.string(),
  durationMinutes: z.number(),
  countedPeriods: z.array(z.object({ from: z.string(), to: z.string() })),
  calendarMissingYears: z.array(z.number()),
});
const yearView = z.object({
  year: z.number(),
  loaded: z.boolean(),
  days: z.array(
    z.object({
      date: z.string(),
      kind: z.enum(['holiday', 'workday']),
      name: z.string().nullable(),
      source: z.enum(['bundled', 'override']),
    }),
  ),
});

export function registerSlaRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { sla } = services;
  defineRoute(api, registry, {
    method: 'get',
    path: '/sla/due',
    tag: 'sla',
    summary: '计算 SLA 到期时间（响应 / 到场 / 解决）',
    query: dueQuerySchema,
    response: dueResponse,
    handler: async ({ query }) => {
      const r = await sla.due(query);
      const iso = (d: Date) => toShanghaiIso(d, sla.policy());
      return {
        dueAt: iso(r.dueAt),
        rule: r.rule,
        explanation: r.explanation,
        receivedAt: iso(r.receivedAt),
        clockStartsAt: iso(r.clockStartsAt),
        durationMinutes: r.durationMinutes,
        countedPeriods: r.countedPeriods.map((p) => ({ from: iso(p.from), to: iso(p.to) })),
        calendarMissingYears: r.calendarMissingYears,
      };
    },
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/sla/policy',
    tag: 'sla',
    summary: '当前 SLA 策略（合同约定的时限）',
    handler: async () => sla.policy(),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/sla/calendar',
    tag: 'sla',
    summary: '已载入节假日安排的年份',
    handler: async () => ({ years: await sla.calendarYearsLoaded() }),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/sla/calendar/:year',
    tag: 'sla',
    summary: '某年节假日与调休安排（内置数据与导入数据合并）',
    params: calendarYearParams,
    response: yearView,
    handler: ({ params }) => sla.getYear(params.year),
  });
  defineRoute(api, registry, {
    method: 'put',
    path: '/sla/calendar/:year',
    tag: 'sla',
    summary: '导入某年节假日安排（覆盖内置数据；仅管理员）',
    permission: 'sla.calendar.edit',
    params: calendarYearParams,
    body: calendarImportSchema,
    response: yearView,
    handler: ({ actor, params, body }) => sla.importYear(actor, params.year, body),
  });
}
