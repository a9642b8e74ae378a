import { z } from 'zod';
import { isoDateSchema } from '../common/dates';
import { pageQuerySchema } from '../common/pagination';
import { KB_CHANGE_STATUSES } from './kb.types';

/** Reviewed files aim for 40 utterances; an intent added through the API needs at least this many. */
export const MIN_API_UTTERANCES = 10;
/** WeCom's text limit; the corpus check measures answers after placeholder substitution. */
const MAX_TEXT = 2048;

const utterance = z.string({ message: '说法必须是文字' }).trim().min(1, '说法不能为空').max(200, '单条说法最多 200 字');
const answer = z
  .string({ message: '答案必须是文字' })
  .trim()
  .min(1, '答案不能为空')
  .max(MAX_TEXT, '答案过长（企业微信单条消息上限 2048 字节）');
const utterances = z.array(utterance, { message: '请提供说法列表 utterances' }).min(1, '至少提供一条说法').max(200, '一次最多 200 条说法');

/** Path parameter: an intent name as the taxonomy spells it. */
export const intentParamsSchema = z.object({
  intent: z.string().regex(/^(None|[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*)$/, '意图名称格式不正确'),
});

/** GET /kb/intents?q= */
export const searchIntentsSchema = z.object({
  q: z.string().trim().max(100, '搜索词最多 100 字').optional(),
  kind: z.enum(['faq', 'domain', 'conversation', 'fault', 'negative']).optional(),
});

/** POST /kb/intents: a new intent (faq or conversation) added through the API. */
export const newIntentSchema = z
  .object({
    intent: z
      .string({ message: '请填写意图名称' })
      .regex(/^[a-z]+(\.[a-z]+)*$/, '意图名称只能由小写字母和点组成，例如 faq.invoice.reprint'),
    kind: z.enum(['faq', 'conversation'], { message: '通过接口只能新增 faq 或 conversation 类意图' }).default('faq'),
    description: z.string({ message: '请填写意图说明' }).trim().min(1, '意图说明不能为空').max(200, '意图说明最多 200 字'),
    utterances: z
      .array(utterance)
      .min(MIN_API_UTTERANCES, `新增意图至少需要 ${MIN_API_UTTERANCES} 条说法（评审语料要求 40 条以上）`)
      .max(200, '一次最多 200 条说法'),
    answers: z.array(answer).min(1, '至少提供一条答案').max(5, '最多 5 条答案'),
    provenance: z
      .object({
        source: z.string().trim().min(1, '请填写依据'),
        effectiveDate: isoDateSchema,
      })
      .strict()
      .optional(),
  })
  .strict();
export type NewIntentInput = z.infer<typeof newIntentSchema>;

/** POST / DELETE /kb/intents/:intent/utterances */
export const utterancesSchema = z.object({ utterances }).strict();

/** PUT /kb/intents/:intent/answers */
export const answersSchema = z
  .object({ answers: z.array(answer, { message: '请提供答案列表 answers' }).min(1, '至少提供一条答案').max(5, '最多 5 条答案') })
  .strict();

/** PUT /kb/intents/:intent/description */
export const descriptionSchema = z
  .object({ description: z.string({ message: '请填写意图说明' }).trim().min(1, '意图说明不能为空').max(200, '意图说明最多 200 字') })
  .strict();

/** `?train=1` on an edit or approval: retrain at once from the effective corpus. */
export const trainQuerySchema = z.object({ train: z.enum(['0', '1', 'true', 'false'], { message: 'train 只能是 0 或 1' }).optional() });

/** GET /kb/changes */
export const listChangesSchema = pageQuerySchema.extend({
  status: z.enum(KB_CHANGE_STATUSES, { message: 'status 只能是 pending、approved 或 rejected' }).optional(),
  intent: z.string().max(64).optional(),
});
export type ListChangesQuery = z.infer<typeof listChangesSchema>;

/** POST /kb/changes/:id/approve: the operator places a learning-loop question and may take the reply as the answer. */
export const approveChangeSchema = z
  .object({
    intent: intentParamsSchema.shape.intent.optional(),
    asAnswer: z.boolean({ message: 'asAnswer 必须是 true 或 false' }).optional(),
    /** The reply as edited by the operator (greetings and ticket details removed). */
    answer: answer.optional(),
    opinion: z.string().trim().max(500, '意见最多 500 字').optional(),
  })
  .strict();
export type ApproveChangeInput = z.infer<typeof approveChangeSchema>;

/** POST /kb/changes/:id/reject */
export const rejectChangeSchema = z
  .object({ opinion: z.string({ message: '请填写驳回意见' }).trim().min(1, '驳回意见不能为空').max(500, '意见最多 500 字') })
  .strict();
