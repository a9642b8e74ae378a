import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { createReceiptSchema, listReceiptsSchema, stockQuerySchema, stockViewSchema } from '../../domain/ledger/ledger.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const receiptView = z.object({
  id: z.number(),
  billTypeCode: z.string(),
  billTypeName: z.string(),
  batchCode: z.string(),
  startNo: z.number(),
  endNo: z.number(),
  count: z.number(),
  printOrderId: z.number().nullable(),
  note: z.string().nullable(),
  receivedAt: z.string(),
});

/** 入库 and 库存. */
export function registerLedgerRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'post',
    path: '/warehouse/receipts',
    tag: 'ledger',
    summary: '票据入库（财政库存）',
    permission: 'receipt.create',
    body: createReceiptSchema,
    status: 201,
    response: receiptView,
    handler: ({ actor, body }) => services.receipts.receive(actor, body),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/warehouse/receipts',
    tag: 'ledger',
    summary: '入库明细（from/to 为上海时区日期，含当日）',
    query: listReceiptsSchema,
    handler: ({ actor, query }) => services.receipts.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/stock',
    tag: 'ledger',
    summary: '库存号段：?unitCode=单位 或 ?holder=bureau（财政库存）',
    query: stockQuerySchema,
    response: stockViewSchema,
    handler: ({ actor, query }) => services.stock.stock(actor, query),
  });
}
