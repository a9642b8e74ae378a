import { z } from 'zod';
import { isoDateSchema } from '../common/dates';
import { pageQuerySchema } from '../common/pagination';
import { unitCodeSchema } from '../identity/identity.schemas';
import { BILL_CATEGORIES } from './bill-type.entity';
import { ONBOARDING_STATUSES } from './unit.entity';
import { MAX_NAME_KEY_CHARS, nameKey } from './unit-names';

export const billTypeCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,16}$/, '票据种类编码为 1-16 位字母、数字、_ 或 -');

export const createBillTypeSchema = z
  .object({
    code: billTypeCodeSchema,
    name: z.string().trim().min(1, '请填写票据名称').max(64),
    category: z.enum(BILL_CATEGORIES, { message: '类别只能是 nontax（非税收入类）、settlement（结算类）或 other（其他）' }),
    aliases: z.array(z.string().trim().min(1).max(32)).max(20).default([]),
    copies: z.number().int().min(1).max(9).default(3),
    retentionYears: z.number().int().min(2, '存根保存期限不得少于 2 年').max(50).default(5),
    electronic: z.boolean().default(false),
  })
  .strict();
export type CreateBillTypeInput = z.infer<typeof createBillTypeSchema>;

/** Whether a unit name's key fits unit_name (see MAX_NAME_KEY_CHARS). */
const keyFits = (name: string): boolean => nameKey(name).length <= MAX_NAME_KEY_CHARS;

export const createUnitSchema = z
  .object({
    code: unitCodeSchema,
    name: z.string().trim().min(2, '请填写单位名称').max(128).refine(keyFits, '单位名称含过多兼容字符，请改用常规汉字或字母'),
    aliases: z
      .array(
        z.string().trim().min(2, '简称至少 2 个字').max(32, '简称最多 32 个字').refine(keyFits, '简称含过多兼容字符，请改用常规汉字或字母'),
      )
      .max(10, '简称最多 10 个')
      .refine((a) => new Set(a).size === a.length, '简称不能重复')
      .optional(),
    creditCode: z
      .string()
      .trim()
      .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, '统一社会信用代码应为 18 位')
      .optional(),
    supervisor: z.string().trim().max(128).optional(),
    contactName: z.string().trim().max(64).optional(),
    contactPhone: z
      .string()
      .trim()
      .regex(/^[0-9+\-() ]{5,32}$/, '联系电话格式不正确')
      .optional(),
    purchaseCertNo: z.string().trim().max(64).optional(),
    onboardingStatus: z.enum(ONBOARDING_STATUSES).default('not_online'),
    onboardedOn: isoDateSchema.optional(),
  })
  .strict();
export type CreateUnitInput = z.infer<typeof createUnitSchema>;

export const updateUnitSchema = createUnitSchema.omit({ code: true }).partial().strict();
export type UpdateUnitInput = z.infer<typeof updateUnitSchema>;

export const listUnitsSchema = pageQuerySchema.extend({
  q: z.string().trim().max(64).optional(),
  onboardingStatus: z.enum(ONBOARDING_STATUSES).optional(),
});

export const setCapSchema = z
  .object({
    billTypeCode: billTypeCodeSchema,
    maxQuantity: z.number().int().positive('上限必须大于 0').max(10_000_000).nullable(),
  })
  .strict();
export type SetCapInput = z.infer<typeof setCapSchema>;
