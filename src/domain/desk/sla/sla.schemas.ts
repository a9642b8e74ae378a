import { z } from 'zod';
import { isValidDate } from './calendar';
import { TICKET_PRIORITIES } from './sla-policy';

// ISO 8601 with an explicit offset: a bare local time would be read in the server's zone.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant written ISO 8601 with an offset (Z or ±hh:mm), e.g. 2026-10-01T10:00:00+08:00. */
export const isoInstantSchema = z
  .string({ message: '请填写时间（ISO 8601，带时区，如 2026-10-01T10:00:00+08:00）' })
  .trim()
  // An unencoded "+" in a query string arrives as a space.
  .transform((s) => s.replace(/ (\d{2}:\d{2})$/, '+$1'))
  .refine((s) => ISO_WITH_OFFSET.test(s) && isValidDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)), {
    message: '时间格式不正确，应为带时区的 ISO 8601 时间，如 2026-10-01T10:00:00+08:00',
  })
  .transform((s) => new Date(s));

export const dueQuerySchema = z
  .object({
    receivedAt: isoInstantSchema,
    kind: z.enum(['response', 'onsite', 'resolution'], { message: 'kind 只能是 response（响应）、onsite（到场）或 resolution（解决）' }),
    priority: z.enum(TICKET_PRIORITIES, { message: '优先级只能是 urgent、high、normal 或 low' }).optional(),
  })
  .strict();
export type DueQuery = z.infer<typeof dueQuerySchema>;

export const calendarYearParams = z.object({
  year: z.coerce
    .number({ message: '年份必须是数字' })
    .int('年份必须是整数')
    .min(2000, '年份应在 2000–2100 之间')
    .max(2100, '年份应在 2000–2100 之间'),
});

export const calendarDayInputSchema = z
  .object({
    date: z.string({ message: '请填写日期' }).refine(isValidDate, { message: '日期格式不正确，应为 YYYY-MM-DD 的有效日期' }),
    kind: z.enum(['holiday', 'workday'], { message: '类型只能是 holiday（放假）或 workday（调休上班）' }),
    name: z.string().trim().max(32, '名称不超过 32 个字').nullish(),
  })
  .strict();

/** A year's import: the JSON list of official special days (empty = drop that year's overrides). */
export const calendarImportSchema = z.array(calendarDayInputSchema, { message: '请提交日期列表（JSON 数组）' }).max(366, '一年最多 366 天');
export type CalendarImportInput = z.infer<typeof calendarImportSchema>;
