import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';
import { PRIORITIES, TICKET_SOURCES, TICKET_STATES } from './desk.types';

export const replySchema = z.object({ text: z.string().trim().min(1, '回复内容不能为空').max(1800, '回复内容过长（最多 1800 字）') }).strict();
export const resolveSchema = z.object({ note: z.string().trim().max(1000).optional() }).strict();
export const dispatchSchema = z.object({ note: z.string().trim().max(1000).optional() }).strict();

export const createTicketSchema = z
  .object({
    source: z.enum(TICKET_SOURCES),
    unitCode: z.string().trim().max(32).optional(),
    reporterName: z.string().trim().max(64).optional(),
    category: z.string().trim().min(1).max(32).default('question'),
    priority: z.enum(PRIORITIES).default('normal'),
    summary: z.string().trim().min(1, '请填写问题摘要').max(500),
  })
  .strict();
export type CreateTicketInput = z.infer<typeof createTicketSchema>;

export const listTicketsSchema = pageQuerySchema.extend({
  state: z.enum(TICKET_STATES).optional(),
  unitCode: z.string().trim().max(32).optional(),
  source: z.enum(TICKET_SOURCES).optional(),
});
export type ListTicketsQuery = z.infer<typeof listTicketsSchema>;
