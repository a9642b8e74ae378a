import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { periodReportSchema, warningsReportSchema, writeoffReportSchema, type ReportFormat } from '../../domain/reports/report.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';
import {
  destructionTables,
  issuanceTables,
  receiptsTables,
  stockMovementTables,
  warehouseBalanceTables,
  warningsTables,
  writeoffTables,
} from '../reports/report-tables';
import { respondWithReport, XLSX } from '../reports/respond';
import type { Table } from '../reports/table';

const PRODUCES = [XLSX, 'text/csv'];

const movementRow = z.object({
  unitCode: z.string(),
  unitName: z.string(),
  billTypeCode: z.string(),
  billTypeName: z.string(),
  opening: z.number().int(),
  received: z.number().int(),
  used: z.number().int(),
  voided: z.number().int(),
  lost: z.number().int(),
  returned: z.number().int(),
  closing: z.number().int(),
});
const movementResponse = z.object({
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  billTypeCode: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  rows: z.array(movementRow),
  totals: movementRow.omit({ unitCode: true, unitName: true, billTypeCode: true, billTypeName: true }),
});

type FileStemSource = { from?: string; to?: string; asOf?: string; unitCode?: string | null };

/** The variable part of a download's name: unit (when one) and period, or the as-of date. */
const fileStem = (r: FileStemSource): string =>
  [r.unitCode, r.from && r.to ? `${r.from}_${r.to}` : r.asOf?.slice(0, 10)].filter(Boolean).join('_');

/** JSON, or a download named after the first table, the unit (when one) and the period. */
const respond = <T>(ctx: Context, format: ReportFormat, report: T, tables: (r: T) => Table[]) =>
  respondWithReport(ctx, format, report, tables, (r, t) => ({ title: t[0].title, ascii: 'report', stem: fileStem(r as FileStemSource) }));

/** /reports/*: 统计报表 as JSON, xlsx or CSV (format=json|xlsx|csv). */
export function registerReportRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { reports } = services;
  const base = { method: 'get' as const, tag: 'reports', produces: PRODUCES };
  defineRoute(api, registry, {
    ...base,
    path: '/reports/stock-movement',
    summary: '领用存报表（期初、领入、使用、作废、灭失、退回、期末；不传 unitCode 时按单位列出）',
    query: periodReportSchema,
    response: movementResponse,
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respond(ctx, format, await reports.stockMovement(actor, q), stockMovementTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/warehouse-balance',
    summary: '财政库存结存（按票种、票据代码）',
    permission: 'report.read.bureau',
    query: periodReportSchema.omit({ unitCode: true }),
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respond(ctx, format, await reports.warehouseBalance(actor, q), warehouseBalanceTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/receipts',
    summary: '入库明细',
    permission: 'report.read.bureau',
    query: periodReportSchema.omit({ unitCode: true }),
    handler: async ({ actor, query: { format, ...q }, ctx }) => respond(ctx, format, await reports.receipts(actor, q), receiptsTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/issuance',
    summary: '票据发放明细',
    query: periodReportSchema,
    handler: async ({ actor, query: { format, ...q }, ctx }) => respond(ctx, format, await reports.issuance(actor, q), issuanceTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/writeoffs',
    summary: '核销情况（状态、结果、金额、已开/作废/灭失份数；groupBy=unit 按单位汇总）',
    query: writeoffReportSchema,
    handler: async ({ actor, query: { format, ...q }, ctx }) => respond(ctx, format, await reports.writeoffs(actor, q), writeoffTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/destructions',
    summary: '票据销毁登记',
    query: periodReportSchema,
    handler: async ({ actor, query: { format, ...q }, ctx }) =>
      respond(ctx, format, await reports.destructions(actor, q), destructionTables),
  });
  defineRoute(api, registry, {
    ...base,
    path: '/reports/warnings',
    summary: '预警：库存不足、逾期未核销（核旧领新）',
    query: warningsReportSchema,
    handler: async ({ actor, query: { format, ...q }, ctx }) => respond(ctx, format, await reports.warnings(actor, q), warningsTables),
  });
}
