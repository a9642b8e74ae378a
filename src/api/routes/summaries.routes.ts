import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { listSummariesSchema, runSummarySchema } from '../../domain/summaries/summary.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';
import { sendSummaryChart, sendSummaryXlsx, XLSX } from '../summaries/summary-files';

const summaryView = z.object({
  id: z.number(),
  kind: z.enum(['weekly', 'monthly']),
  periodStart: z.string(),
  periodEnd: z.string(),
  version: z.number(),
  scheduled: z.boolean(),
  pushedTo: z.number(),
  createdAt: z.string(),
  createdBy: z.object({ id: z.number().nullable(), name: z.string() }),
  url: z.string(),
});
const summaryDetail = summaryView.extend({ figures: z.record(z.string(), z.unknown()), markdown: z.string() });

/** /summaries: the weekly and monthly service summaries for leaders (run on demand, read, download). */
export function registerSummaryRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { summaries } = services;
  for (const kind of ['weekly', 'monthly'] as const) {
    defineRoute(api, registry, {
      method: 'post',
      path: `/summaries/${kind}/run`,
      tag: 'summaries',
      permission: 'summary.run',
      body: runSummarySchema,
      response: summaryDetail,
      summary: `立即生成${kind === 'weekly' ? '服务周报（默认上周一至周日）' : '服务月报（默认上月）'}；periodEnd 指定期间内任一日期；push=true 时推送给局领导`,
      handler: ({ actor, body }) => summaries.run(actor, { kind, ...body }),
    });
  }
  defineRoute(api, registry, {
    method: 'get',
    path: '/summaries',
    tag: 'summaries',
    permission: 'summary.read',
    query: listSummariesSchema,
    summary: '服务报告列表（新的在前）',
    response: z.object({ items: z.array(summaryView), total: z.number(), page: z.number(), pageSize: z.number() }),
    handler: ({ actor, query }) => summaries.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/summaries/:id',
    tag: 'summaries',
    permission: 'summary.read',
    params: idParams,
    response: summaryDetail,
    summary: '服务报告：全部指标、与上期对比、推送的内容',
    handler: ({ actor, params }) => summaries.get(actor, params.id),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/summaries/:id/xlsx',
    tag: 'summaries',
    permission: 'summary.read',
    params: idParams,
    produces: [XLSX],
    summary: '服务报告 Excel 下载',
    handler: async ({ actor, params, ctx }) => {
      await sendSummaryXlsx(ctx, await summaries.get(actor, params.id));
      return undefined;
    },
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/summaries/:id/chart.png',
    tag: 'summaries',
    permission: 'summary.read',
    params: idParams,
    produces: ['image/png'],
    summary: '服务报告图表（每日新建/解决工单柱状图，SLA 达标率折线）',
    handler: async ({ actor, params, ctx }) => {
      await sendSummaryChart(ctx, await summaries.get(actor, params.id));
      return undefined;
    },
  });
}
