import { z } from 'zod';

/** The simulator's message: the same pipeline as WeCom, addressed by the WeCom member id. */
export const botMessageSchema = z
  .object({
    senderId: z.string().trim().min(1, '请填写 senderId（企业微信成员账号）').max(64, 'senderId 最多 64 个字符'),
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
});
