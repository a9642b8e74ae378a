import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';
import { isValidDate } from '../desk/sla/calendar';

export const SUMMARY_KINDS = ['weekly', 'monthly'] as const;

/** POST /summaries/{weekly|monthly}/run: which period (any day in it; default the last complete one) and whether to push. */
export const runSummarySchema = z
  .object({
    periodEnd: z
      .string({ message: 'periodEnd 应为 YYYY-MM-DD' })
      .trim()
      .refine(isValidDate, '日期格式不正确，应为 YYYY-MM-DD 的有效日期')
      .optional(),
    push: z.boolean({ message: 'push 只能是 true 或 false' }).default(false),
  })
  .strict();
export type RunSummaryInput = z.input<typeof runSummarySchema>;

export const listSummariesSchema = pageQuerySchema.extend({
  kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SUMMARY_KINDS, { message: 'kind 只能是 weekly 或 monthly' }).optional()),
});
export type ListSummariesQuery = z.infer<typeof listSummariesSchema>;

/** Data of a scheduled summary job (the period is derived from the time it runs). */
export const summaryJobSchema = z.object({ kind: z.enum(SUMMARY_KINDS) }).strict();
export type SummaryJobData = z.infer<typeof summaryJobSchema>;
