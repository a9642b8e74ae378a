import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { deskSettingsSchema, slaReportSchema } from '../../domain/desk/desk.schemas';
import type { SlaReport } from '../../domain/reports/sla.report';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';
import { respondWithReport, XLSX } from '../reports/respond';
import { col, tableOf, type Table } from '../reports/table';

const settings = z.object({ supervisorUsername: z.string().nullable() });

const compliance = [
  col('kindName', '计时类型', 'text', 10),
  col('total', '总数', 'int'),
  col('met', '达标', 'int'),
  col('breached', '超时', 'int'),
  col('running', '计时中', 'int'),
  col('metPercent', '达标率（%）', 'money'),
];
const counts = (what: string) => [col('label', what, 'text', 24), col('count', '数量', 'int')];

/** The SLA report as tables: compliance by kind and by month, response times, tickets by source/category/unit. */
export function slaTables(r: SlaReport): Table[] {
  const sub = `统计期间：${r.from} 至 ${r.to}`;
  return [
    tableOf('SLA 达标情况', sub, compliance, r.byKind),
    tableOf('按月达标情况', sub, [col('month', '月份', 'text', 10), ...compliance], r.byMonth),
    tableOf('响应时间分布', `${sub}（计时时间，不含节假日与等待用户时间）`, counts('响应时间'), r.responseTimes, { totals: true }),
    tableOf('工单来源', sub, counts('来源'), r.tickets.bySource, { totals: true }),
    tableOf('工单分类', sub, counts('分类'), r.tickets.byCategory, { totals: true }),
    tableOf('工单单位', sub, [col('key', '单位编码', 'text', 14), ...counts('单位名称')], r.tickets.byUnit, { totals: true }),
  ];
}

/** /reports/sla and /desk/settings (the SLA supervisor who receives breach escalations). */
export function registerDeskReportRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'get',
    path: '/reports/sla',
    tag: 'reports',
    summary: 'SLA 报表：各类计时与各月达标率、响应时间分布、工单来源/分类/单位',
    permission: 'report.sla.read',
    query: slaReportSchema,
    produces: [XLSX, 'text/csv'],
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respondWithReport(ctx, format, await services.slaReports.sla(actor, q), slaTables, (r) => ({
        title: 'SLA报表',
        ascii: 'sla',
        stem: `${r.from}_${r.to}`,
      })),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/desk/settings',
    tag: 'tickets',
    summary: '运维设置（SLA 超时督办人）',
    response: settings,
    handler: ({ actor }) => services.deskSettings.get(actor),
  });
  defineRoute(api, registry, {
    method: 'put',
    path: '/desk/settings',
    tag: 'tickets',
    summary: '修改运维设置（督办人用户名；null 时超时通知管理员；仅管理员）',
    permission: 'desk.settings.edit',
    body: deskSettingsSchema,
    response: settings,
    handler: ({ actor, body }) => services.deskSettings.update(actor, body),
  });
}
