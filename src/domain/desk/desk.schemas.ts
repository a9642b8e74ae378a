import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';
import { reportDateSchema, reportFormatSchema } from '../reports/report.schemas';
import { MANUAL_SOURCES, PRIORITIES, TICKET_SOURCES, TICKET_STATES } from './desk.types';

const note = z.string().trim().max(1000, '备注不超过 1000 字').optional();
const reason = (what: string) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(1000, `${what}不超过 1000 字`);

export const replySchema = z
  .object({ text: z.string({ message: '请填写回复内容' }).trim().min(1, '回复内容不能为空').max(1800, '回复内容过长（最多 1800 字）') })
  .strict();
export const resolveSchema = z.object({ note }).strict();
export const dispatchSchema = z.object({ note }).strict();
export const arriveSchema = z.object({ note }).strict();
export const reopenSchema = z.object({ reason: reason('重新打开的原因') }).strict();
export const waitSchema = z.object({ reason: reason('需要用户补充的内容') }).strict();
export const assignSchema = z
  .object({ username: z.string({ message: '请填写处理人用户名' }).trim().min(1, '请填写处理人用户名').max(64) })
  .strict();
/** Bodies of actions that take no input (close, resume): only `{}` is accepted. */
export const noBodySchema = z.object({}).strict();

export const createTicketSchema = z
  .object({
    source: z
      .enum(MANUAL_SOURCES, { message: '来源只能是 phone（来电）、fax（传真）、network（网络）、walk_in（来访）或 inspection（巡检）' })
      .default('phone'),
    unitCode: z.string().trim().min(1).max(32).optional(),
    reporterName: z.string().trim().max(64, '报告人姓名不超过 64 字').optional(),
    category: z.string().trim().min(1).max(32, '分类不超过 32 字').default('question'),
    priority: z.enum(PRIORITIES, { message: '优先级只能是 urgent、high、normal 或 low' }).default('normal'),
    summary: z.string({ message: '请填写问题摘要' }).trim().min(1, '请填写问题摘要').max(500, '问题摘要不超过 500 字'),
  })
  .strict();
export type CreateTicketInput = z.infer<typeof createTicketSchema>;

export const listTicketsSchema = pageQuerySchema.extend({
  state: z.enum(TICKET_STATES).optional(),
  unitCode: z.string().trim().max(32).optional(),
  source: z.enum(TICKET_SOURCES).optional(),
});
export type ListTicketsQuery = z.infer<typeof listTicketsSchema>;

export const deskSettingsSchema = z
  .object({
    supervisorUsername: z
      .string({ message: '请填写督办人用户名（或 null 取消）' })
      .trim()
      .min(1, '督办人用户名不能为空')
      .max(64)
      .nullable(),
  })
  .strict();
export type DeskSettingsInput = z.infer<typeof deskSettingsSchema>;

/** Data of an `sla` job: ids and the due instant it was made for, never a message. */
export const slaJobSchema = z
  .object({ clockId: z.number().int().positive(), action: z.enum(['warn', 'breach']), dueAt: z.number().int().nonnegative() })
  .strict();
export type SlaJobData = z.infer<typeof slaJobSchema>;

const blank = (v: unknown) => (v === '' ? undefined : v);

/** GET /reports/sla: inclusive Shanghai dates (default this year) and the output format. */
export const slaReportSchema = z
  .object({
    from: z.preprocess(blank, reportDateSchema.optional()),
    to: z.preprocess(blank, reportDateSchema.optional()),
    format: reportFormatSchema,
  })
  .strict();
export type SlaReportQuery = z.infer<typeof slaReportSchema>;
