import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';
import { isoDateSchema } from '../common/dates';
import { MAX_ID } from '../common/ids';

/** GET /audit: the trail searchable by user, entity and period (inclusive Shanghai dates). */
export const auditQuerySchema = pageQuerySchema
  .extend({
    userId: z.coerce.number().int().positive('userId 必须是正整数').max(MAX_ID, 'userId 必须是正整数').optional(),
    entityType: z.string().trim().min(1).max(32).optional(),
    entityId: z.string().trim().min(1).max(64).optional(),
    action: z.string().trim().min(1).max(64).optional(),
    from: isoDateSchema.optional(),
    to: isoDateSchema.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['from'] });
export type AuditQuery = z.infer<typeof auditQuerySchema>;
