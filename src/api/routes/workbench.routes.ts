import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { pageQuerySchema } from '../../domain/common/pagination';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

const queueClock = z.object({
  kind: z.enum(['response', 'onsite', 'resolution']),
  state: z.enum(['running', 'paused', 'breached']),
  startedAt: z.string(),
  warnAt: z.string(),
  dueAt: z.string(),
  pausedSince: z.string().nullable(),
});
const queueItem = z.object({
  id: z.number(),
  source: z.string(),
  state: z.string(),
  priority: z.string(),
  category: z.string(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  firstLine: z.string(),
  createdAt: z.string(),
  mine: z.boolean(),
  clocks: z.array(queueClock),
  nearest: queueClock.nullable(),
});
const queuePage = z.object({
  items: z.array(queueItem),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  mine: z.number(),
  unassigned: z.number(),
  serverNow: z.string(),
});

const today = z.object({
  date: z.string(),
  inspections: z.array(
    z.object({
      scheduleId: z.number(),
      name: z.string(),
      frequency: z.string(),
      items: z.number(),
      lastRun: z.object({ id: z.number(), status: z.string(), performedAt: z.string(), performedByName: z.string() }).nullable(),
      due: z.boolean(),
    }),
  ),
  runsToday: z.array(
    z.object({
      id: z.number(),
      scheduleId: z.number().nullable(),
      kind: z.string(),
      status: z.string(),
      performedAt: z.string(),
      performedByName: z.string(),
    }),
  ),
  trainings: z.array(
    z
      .object({
        id: z.number(),
        date: z.string(),
        topic: z.string(),
        trainer: z.string(),
        unitCodes: z.array(z.string()),
        attendees: z.number(),
      })
      .passthrough(),
  ),
});

const comparison = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(['count', 'rate', 'minutes']),
  current: z.number().nullable(),
  previous: z.number().nullable(),
  change: z.string(),
});
const dashboard = z.object({
  asOf: z.string(),
  week: z.object({ start: z.string(), end: z.string() }),
  previousWeek: z.object({ start: z.string(), end: z.string() }),
  comparison: z.array(comparison),
  faults: z.object({ firingNow: z.number(), countThisWeek: z.number(), downtimeMinutesThisWeek: z.number() }),
  units: z.object({ online: z.number(), total: z.number(), trial: z.number() }),
  overdueWriteoffs: z.object({
    count: z.number(),
    units: z.number(),
    rows: z.array(
      z.object({
        unitCode: z.string(),
        unitName: z.string(),
        billTypeCode: z.string(),
        billTypeName: z.string(),
        heldOldCount: z.number(),
        oldestIssuedAt: z.string(),
        lastApprovedCutoff: z.string().nullable(),
        pendingWriteoffs: z.number(),
      }),
    ),
  }),
});

/** /workbench: what the mobile pages read in one call each (the engineer's queue and day, the leaders' overview). */
export function registerWorkbenchRoutes(api: Router, registry: OpenAPIRegistry, { services, clock }: AppDeps): void {
  const tag = 'workbench';
  defineRoute(api, registry, {
    method: 'get',
    path: '/workbench/clock',
    tag,
    summary: '服务器当前时间（手机页面的倒计时以此校准，与服务器判定超时的时间一致）',
    response: z.object({ serverNow: z.string() }),
    handler: async () => ({ serverNow: clock.now().toISOString() }),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/workbench/queue',
    tag,
    summary: '工程师待办队列：我的在前，其次未认领；每单附仍在计时的 SLA 时钟与最近期限（默认每页 20）',
    permission: 'ticket.handle',
    query: pageQuerySchema.extend({ pageSize: pageQuerySchema.shape.pageSize.default(20) }),
    response: queuePage,
    handler: ({ actor, query }) => services.ticketQueue.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/workbench/today',
    tag,
    summary: '今日巡检与培训：各巡检计划本期是否已做、今天的巡检记录、今天的培训',
    permission: 'desk.record.read',
    response: today,
    handler: ({ actor }) => services.todayWork.get(actor),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/workbench/dashboard',
    tag,
    summary: '领导概览：本周至今与上周对比（与服务周报同一算法）、当前故障、逾期未核销',
    permission: 'summary.read',
    response: dashboard,
    handler: ({ actor }) => services.leaderDashboard.get(actor),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/summaries/:id/page-link',
    tag: 'summaries',
    summary: '服务报告页面的签名链接（本人专用，与推送消息中的链接相同）',
    permission: 'summary.read',
    params: idParams,
    response: z.object({ url: z.string(), path: z.string() }),
    handler: ({ actor, params }) => services.summaries.pageLink(actor, params.id),
  });
}
