import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { MAX_BILL_NO } from '../../domain/documents/unit-facts';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

const codeParams = z.object({ code: z.string().min(1).max(32) });
const BILL_NO_MESSAGE = '票号应为 1 至 10 位数字';
// Digits only (no sign, spaces or hex), as printed on the bill; leading zeros allowed (0000077400).
const numberParams = codeParams.extend({
  no: z
    .string({ message: BILL_NO_MESSAGE })
    .regex(/^\d{1,10}$/, BILL_NO_MESSAGE)
    .transform(Number)
    .pipe(z.number().int().min(1, BILL_NO_MESSAGE).max(MAX_BILL_NO, BILL_NO_MESSAGE))
    .meta({ type: 'integer', minimum: 1, maximum: MAX_BILL_NO }),
});
const billTypeQuery = z.object({ billTypeCode: z.string().min(1).max(32).optional() }).strict();

const run = z.object({ batchCode: z.string(), startNo: z.number().int(), endNo: z.number().int(), count: z.number().int() });
const lastIssuance = z.object({
  unitCode: z.string(),
  issuance: z
    .object({
      docNo: z.string(),
      applicationDocNo: z.string().nullable(),
      billTypeCode: z.string(),
      billTypeName: z.string(),
      issuedAt: z.string(),
      total: z.number().int(),
      ranges: z.array(run),
    })
    .nullable(),
});
const caps = z.object({
  unitCode: z.string(),
  items: z.array(z.object({ billTypeCode: z.string(), billTypeName: z.string(), maxQuantity: z.number().int() })),
});
const numberView = z.object({
  unitCode: z.string(),
  number: z.number().int(),
  billTypeCode: z.string().nullable(),
  matches: z.array(z.object({ billTypeCode: z.string(), billTypeName: z.string(), batchCode: z.string(), state: z.string() })),
  elsewhere: z.boolean(),
});

/** What a unit's staff ask the bot about its own data, as the API serves it (same figures). */
export function registerUnitFactRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const facts = services.unitFacts;
  defineRoute(api, registry, {
    method: 'get',
    path: '/units/:code/last-issuance',
    tag: 'ledger',
    summary: '单位最近一次发放（日期、票种、号段；可按票种）',
    permission: 'application.read',
    params: codeParams,
    query: billTypeQuery,
    response: lastIssuance,
    handler: ({ actor, params, query }) => facts.lastIssuance(actor, params.code, query.billTypeCode),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/units/:code/caps',
    tag: 'reference',
    summary: '单位各票种的单次申领上限（分次限量；未列出的票种不限量）',
    params: codeParams,
    response: caps,
    handler: ({ actor, params }) => facts.caps(actor, params.code),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/units/:code/numbers/:no',
    tag: 'ledger',
    summary: '某号码是否属于本单位及其状态（不属于时不说明归属）',
    permission: 'stock.read.unit',
    params: numberParams,
    query: billTypeQuery,
    response: numberView,
    handler: ({ actor, params, query }) => facts.number(actor, params.code, params.no, query.billTypeCode),
  });
}
