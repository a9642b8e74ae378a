import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { deskReportSchema } from '../../domain/desk/records/records.schemas';
import type { ConsultationReport, ReturnVisitReport } from '../../domain/reports/desk-records.report';
import type { ReportFormat } from '../../domain/reports/report.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';
import { respondWithReport, XLSX } from '../reports/respond';
import { col, tableOf, type Table } from '../reports/table';

const period = (r: { from: string; to: string; unitCode: string | null }) =>
  `统计期间：${r.from} 至 ${r.to}${r.unitCode ? `  单位：${r.unitCode}` : ''}`;
const countCols = [col('count', '次数', 'int'), col('minutes', '时长（分钟）', 'int')];

/** 咨询统计: one sheet each by channel, category and unit. */
export function consultationTables(r: ConsultationReport): Table[] {
  return [
    tableOf('咨询统计（按渠道）', period(r), [col('name', '渠道'), ...countCols], r.byChannel, { totals: true }),
    tableOf('咨询统计（按类别）', period(r), [col('name', '类别', 'text', 20), ...countCols], r.byCategory, { totals: true }),
    tableOf(
      '咨询统计（按单位）',
      period(r),
      [col('unitCode', '单位编码', 'text', 14), col('unitName', '单位名称', 'text', 28), ...countCols],
      r.byUnit,
      { totals: true },
    ),
  ];
}

/** 回访满意度: the distribution with the average in the subtitle. */
export function returnVisitTables(r: ReturnVisitReport): Table[] {
  const sub = `${period(r)}  发出 ${r.asked} 次，收到评价 ${r.answered} 次，平均 ${r.averageRating ?? '—'} 分，重新打开工单 ${r.reopened} 张`;
  const rows = r.distribution.map((d) => ({ rating: `${d.rating} 分`, count: d.count, share: `${Math.round(d.share * 1000) / 10}%` }));
  return [tableOf('回访满意度', sub, [col('rating', '评分'), col('count', '次数', 'int'), col('share', '占比')], rows, { totals: true })];
}

const respond = <T extends { from: string; to: string }>(ctx: Context, format: ReportFormat, report: T, tables: (r: T) => Table[]) =>
  respondWithReport(ctx, format, report, tables, (r, t) => ({ title: t[0].title, ascii: 'report', stem: `${r.from}_${r.to}` }));

/** /reports/consultations and /reports/return-visits as JSON, xlsx or CSV. */
export function registerDeskRecordsReportRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { deskReports } = services;
  const base = {
    method: 'get' as const,
    tag: 'reports',
    permission: 'report.desk.read' as const,
    query: deskReportSchema,
    produces: [XLSX, 'text/csv'],
  };
  defineRoute(api, registry, {
    ...base,
    path: '/reports/consultations',
    summary: '咨询统计（按渠道、类别、单位）',
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respond(ctx, format, await deskReports.consultations(actor, q), consultationTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/return-visits',
    summary: '回访满意度（平均分、分布、重新打开的工单）',
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respond(ctx, format, await deskReports.returnVisits(actor, q), returnVisitTables),
  });
}
