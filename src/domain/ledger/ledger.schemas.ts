import { z } from 'zod';
import { idSchema } from '../common/ids';
import { billTypeCodeSchema } from '../catalog/catalog.schemas';
import { isoDateSchema } from '../common/dates';
import { pageQuerySchema } from '../common/pagination';
import { unitCodeSchema } from '../identity/identity.schemas';
import { DOC_STATUSES } from './ledger.types';

/** The largest 票据号码 (10 digits). */
export const MAX_BILL_NO = 9_999_999_999;
/** The most bills one application or print plan may ask for. */
export const MAX_QUANTITY = 10_000_000;

export const batchCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{8}$/, '票据代码应为 8 位数字');
export const billNoSchema = z
  .number({ message: '票据号码必须是整数' })
  .int('票据号码必须是整数')
  .min(1, '票据号码最小为 1')
  .max(MAX_BILL_NO, '票据号码最多 10 位（不超过 9999999999）');
const dateSchema = isoDateSchema;
const quantitySchema = z
  .number({ message: '数量必须是整数' })
  .int('数量必须是整数')
  .positive('数量必须大于 0')
  .max(MAX_QUANTITY, `数量不能超过 ${MAX_QUANTITY}`);
const opinionText = z.string().trim().max(500, '意见最长 500 字');

const startNotAfterEnd = (r: { startNo: number; endNo: number }) => r.startNo <= r.endNo;
const startAfterEndIssue = { message: '起始号码不能大于终止号码', path: ['startNo'] };

/** 入库: a contiguous run of one batch arriving at the bureau warehouse. */
export const createReceiptSchema = z
  .object({
    billTypeCode: billTypeCodeSchema,
    batchCode: batchCodeSchema,
    startNo: billNoSchema,
    endNo: billNoSchema,
    printOrderId: idSchema.optional(),
    note: z.string().trim().max(255).optional(),
  })
  .strict()
  .refine(startNotAfterEnd, startAfterEndIssue);
export type CreateReceiptInput = z.infer<typeof createReceiptSchema>;

export const listReceiptsSchema = pageQuerySchema.extend({
  billTypeCode: billTypeCodeSchema.optional(),
  batchCode: batchCodeSchema.optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
});
export type ListReceiptsQuery = z.infer<typeof listReceiptsSchema>;

/** 申领. */
export const createApplicationSchema = z
  .object({
    unitCode: unitCodeSchema,
    billTypeCode: billTypeCodeSchema,
    quantity: quantitySchema,
    reason: z.string().trim().max(500).optional(),
  })
  .strict();
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

/** Re-submitting a draft or returned application may change its quantity and reason. */
export const resubmitSchema = z.object({ quantity: quantitySchema.optional(), reason: z.string().trim().max(500).optional() }).strict();
export type ResubmitInput = z.infer<typeof resubmitSchema>;

export const approveSchema = z.object({ opinion: opinionText.optional() }).strict();
export type ApproveInput = z.infer<typeof approveSchema>;

export const rejectSchema = z.object({ opinion: opinionText.min(1, '退回时必须填写意见') }).strict();
export type RejectInput = z.infer<typeof rejectSchema>;

/** 作废 an approved application that was not issued: the unit is told why. */
export const cancelApplicationSchema = z.object({ opinion: opinionText.min(1, '作废时必须填写意见') }).strict();
export type CancelApplicationInput = z.infer<typeof cancelApplicationSchema>;

/** 核减 an approved application that was not issued to a smaller quantity, with the reason. */
export const reduceApplicationSchema = z
  .object({ quantity: quantitySchema, opinion: opinionText.min(1, '核减数量时必须填写意见') })
  .strict();
export type ReduceApplicationInput = z.infer<typeof reduceApplicationSchema>;

export const listApplicationsSchema = pageQuerySchema.extend({
  unitCode: unitCodeSchema.optional(),
  billTypeCode: billTypeCodeSchema.optional(),
  status: z.enum(DOC_STATUSES).optional(),
  /** Submitted on or after this Beijing calendar day. */
  submittedFrom: isoDateSchema.optional(),
  /** Submitted on or before this Beijing calendar day. */
  submittedTo: isoDateSchema.optional(),
});
export type ListApplicationsQuery = z.infer<typeof listApplicationsSchema>;

/** `?unitCode=U` or `?holder=bureau`, optionally one bill type. */
export const stockQuerySchema = z
  .object({
    unitCode: unitCodeSchema.optional(),
    holder: z.enum(['bureau', 'unit']).optional(),
    billTypeCode: billTypeCodeSchema.optional(),
  })
  .refine((q) => (q.holder === 'bureau') !== (q.unitCode !== undefined), {
    message: '请指定 unitCode（单位库存）或 holder=bureau（财政库存）其中之一',
    path: ['unitCode'],
  });
export type StockQuery = z.infer<typeof stockQuerySchema>;

export const spanViewSchema = z.object({
  batchCode: z.string(),
  startNo: z.number().int(),
  endNo: z.number().int(),
  count: z.number().int(),
});
export type SpanView = z.infer<typeof spanViewSchema>;

export const stockViewSchema = z.object({
  holder: z.enum(['bureau', 'unit']),
  unitCode: z.string().optional(),
  items: z.array(
    z.object({ billTypeCode: z.string(), billTypeName: z.string(), count: z.number().int(), ranges: z.array(spanViewSchema) }),
  ),
  total: z.number().int(),
});
export type StockView = z.infer<typeof stockViewSchema>;

export const issueResultSchema = z.object({
  status: z.literal('issued'),
  issuanceId: z.number().int(),
  issuanceNo: z.string(),
  ranges: z.array(spanViewSchema),
});
export type IssueResult = z.infer<typeof issueResultSchema>;

const planYearSchema = z.number().int('年度不正确').min(2000, '年度不正确').max(2100, '年度不正确');

/** 印制计划. */
export const createPrintPlanSchema = z
  .object({
    billTypeCode: billTypeCodeSchema,
    year: planYearSchema,
    quantity: quantitySchema,
    reason: z.string().trim().max(500).optional(),
    /** true keeps it as a draft instead of submitting it for approval. */
    draft: z.boolean().default(false),
  })
  .strict();
export type CreatePrintPlanInput = z.infer<typeof createPrintPlanSchema>;

/** 印制单: an order placed with a printer under an approved plan. */
export const createPrintOrderSchema = z
  .object({
    printer: z.string().trim().min(1, '请填写印制单位').max(128),
    batchCode: batchCodeSchema,
    startNo: billNoSchema,
    endNo: billNoSchema,
  })
  .strict()
  .refine(startNotAfterEnd, startAfterEndIssue);
export type CreatePrintOrderInput = z.infer<typeof createPrintOrderSchema>;

export const listPrintPlansSchema = pageQuerySchema.extend({
  billTypeCode: billTypeCodeSchema.optional(),
  status: z.enum(DOC_STATUSES).optional(),
  year: z.coerce.number().int('年度不正确').min(2000, '年度不正确').max(2100, '年度不正确').optional(),
});
export type ListPrintPlansQuery = z.infer<typeof listPrintPlansSchema>;
