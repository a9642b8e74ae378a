import { z } from 'zod';
import { billTypeCodeSchema } from '../catalog/catalog.schemas';
import { isoDateSchema } from '../common/dates';
import { pageQuerySchema } from '../common/pagination';
import { unitCodeSchema } from '../identity/identity.schemas';
import { DOC_STATUSES, HOLDERS, WRITEOFF_RESULTS } from '../ledger/ledger.types';

/** Bill numbers are at most 10 digits (domain.md). */
export const MAX_BILL_NO = 9_999_999_999;

export const batchCodeSchema = z.string().regex(/^\d{8}$/, '票据代码应为 8 位数字');
const billNoSchema = z
  .number({ message: '票据号码必须是数字' })
  .int('票据号码必须是整数')
  .min(1, '票据号码必须大于 0')
  .max(MAX_BILL_NO, '票据号码最多 10 位');

/** One run of numbers of one batch, as the unit writes it on a form. */
export const lineSchema = z
  .object({ batchCode: batchCodeSchema, startNo: billNoSchema, endNo: billNoSchema })
  .strict()
  .refine((l) => l.startNo <= l.endNo, { message: '起始号码不能大于终止号码', path: ['endNo'] });
export type LineInput = z.infer<typeof lineSchema>;

const linesSchema = z.array(lineSchema).max(1000, '一张单据最多 1000 行号码');

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
export const dateSchema = isoDateSchema;

const amountSchema = z
  .number({ message: '金额必须是数字' })
  .min(0, '金额不能为负数')
  .max(1e13, '金额过大')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, '金额最多保留两位小数');

const opinionSchema = z.string().trim().max(500, '意见最多 500 字');
const reasonSchema = z.string().trim().min(1, '请填写原因').max(500, '原因最多 500 字');

const writeoffLines = {
  cutoffDate: dateSchema.optional(),
  amount: amountSchema.optional(),
  used: linesSchema.default([]),
  voided: linesSchema.default([]),
  lost: linesSchema.default([]),
};
const hasLine = (w: { used: unknown[]; voided: unknown[]; lost: unknown[] }) => w.used.length + w.voided.length + w.lost.length > 0;

/** 核销上报: used (已开), voided (作废) and lost (灭失) runs up to a cut-off date. */
export const createWriteoffSchema = z
  .object({ unitCode: unitCodeSchema, billTypeCode: billTypeCodeSchema, ...writeoffLines })
  .strict()
  .refine(hasLine, { message: '至少填写一行已开、作废或灭失的号码', path: ['used'] });
export type CreateWriteoffInput = z.infer<typeof createWriteoffSchema>;

/** 重新上报 after a return or withdrawal; lines given here replace the earlier ones. */
export const resubmitWriteoffSchema = z
  .object({
    cutoffDate: dateSchema.optional(),
    amount: amountSchema.optional(),
    used: linesSchema.optional(),
    voided: linesSchema.optional(),
    lost: linesSchema.optional(),
  })
  .strict();
export type ResubmitWriteoffInput = z.infer<typeof resubmitWriteoffSchema>;

export const approveWriteoffSchema = z
  .object({
    result: z.enum(WRITEOFF_RESULTS, { message: '审核结果只能是 良好、合格、问题 或 整改通过' }).default('合格'),
    opinion: opinionSchema.optional(),
  })
  .strict();
export type ApproveWriteoffInput = z.infer<typeof approveWriteoffSchema>;

export const approveSchema = z.object({ opinion: opinionSchema.optional() }).strict();
export type ApproveInput = z.infer<typeof approveSchema>;

export const rejectSchema = z
  .object({ opinion: z.string({ message: '退回时必须填写意见' }).trim().min(1, '退回时必须填写意见').max(500, '意见最多 500 字') })
  .strict();
export type RejectInput = z.infer<typeof rejectSchema>;

/** 申退: a unit returns unused bills to the bureau. */
export const createReturnSchema = z
  .object({
    unitCode: unitCodeSchema,
    billTypeCode: billTypeCodeSchema,
    reason: reasonSchema,
    lines: linesSchema.min(1, '至少填写一行号码'),
  })
  .strict();
export type CreateReturnInput = z.infer<typeof createReturnSchema>;

const holderFields = {
  holder: z.enum(HOLDERS, { message: 'holder 只能是 bureau（财政局）或 unit（单位）' }),
  unitCode: unitCodeSchema.optional(),
  billTypeCode: billTypeCodeSchema,
  reason: reasonSchema,
  lines: linesSchema.min(1, '至少填写一行号码'),
};
const unitMatchesHolder = (v: { holder: string; unitCode?: string }) => (v.holder === 'unit') === (v.unitCode !== undefined);
const holderMessage = { message: 'holder 为 unit 时必须填写 unitCode，为 bureau 时不能填写', path: ['unitCode'] };

/** 库存作废 (e.g. 换版): blank stock at the bureau or a unit becomes void. */
export const createStockVoidSchema = z.object(holderFields).strict().refine(unitMatchesHolder, holderMessage);
export type CreateStockVoidInput = z.infer<typeof createStockVoidSchema>;

/** 销毁: written-off stubs or stock-voided blanks; supervisor is the 监销人. */
export const createDestructionSchema = z
  .object({ ...holderFields, supervisor: z.string().trim().min(1).max(64, '监销人最多 64 字').optional() })
  .strict()
  .refine(unitMatchesHolder, holderMessage);
export type CreateDestructionInput = z.infer<typeof createDestructionSchema>;

/** 登记造册 / 监销 confirmation by one side. */
export const confirmDestructionSchema = z
  .object({
    side: z.enum(['bureau', 'unit'], { message: 'side 只能是 bureau（财政局）或 unit（单位）' }),
    confirmedBy: z.string().trim().min(1, '请填写确认人').max(64, '确认人最多 64 字'),
  })
  .strict();
export type ConfirmDestructionInput = z.infer<typeof confirmDestructionSchema>;

/** `?unitCode=&status=&billTypeCode=&holder=` plus paging, for every line document list. */
export const listLineDocumentsSchema = pageQuerySchema.extend({
  unitCode: unitCodeSchema.optional(),
  status: z.enum(DOC_STATUSES, { message: '状态不正确' }).optional(),
  billTypeCode: billTypeCodeSchema.optional(),
  holder: z.enum(HOLDERS).optional(),
  /** Submitted on or after this Beijing calendar day. */
  submittedFrom: isoDateSchema.optional(),
  /** Submitted on or before this Beijing calendar day. */
  submittedTo: isoDateSchema.optional(),
});
export type ListLineDocumentsQuery = z.infer<typeof listLineDocumentsSchema>;
