import { z } from 'zod';

/** A message to the bot as the signed-in user; only an admin may name another WeCom member (for tests). */
export const botMessageSchema = z
  .object({
    // Omitted = the caller; another member's WeCom id is for admins only (403 for anyone else).
    senderId: z.string().trim().min(1, 'senderId 不能为空（不填则以本人身份发送）').max(64, 'senderId 最多 64 个字符').optional(),
    // Empty text is answered (with a prompt), as WeCom can deliver it too; very long text is cut for NLP.
    text: z.string().max(10_000, '消息最多 10000 个字符'),
    messageId: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type BotMessageInput = z.infer<typeof botMessageSchema>;

export const dialogResultSchema = z.object({
  reply: z.string(),
  intent: z.string(),
  score: z.number(),
  escalated: z.boolean(),
  ticketId: z.number().int().nullable(),
  entities: z.record(z.string(), z.unknown()),
  outcome: z.enum(['answered', 'declined', 'escalated', 'command', 'unregistered', 'failed']),
});
