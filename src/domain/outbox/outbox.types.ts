import { z } from 'zod';

const appTarget = z.object({ channel: z.literal('app'), toUsers: z.array(z.string().min(1).max(64)).min(1).max(1000) });
const robotTarget = z.object({ channel: z.literal('robot'), robot: z.string().min(1).max(32) });

const body = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), content: z.string().min(1) }),
  z.object({ kind: z.literal('markdown'), content: z.string().min(1) }),
  z.object({
    kind: z.literal('textcard'),
    title: z.string().min(1).max(128),
    description: z.string().min(1).max(512),
    url: z.string().url(),
    btntxt: z.string().max(4).optional(),
  }),
  z.object({ kind: z.literal('template_card'), card: z.record(z.string(), z.unknown()) }),
  // Members' copies of a button card, updated in place with a ResponseCode (wecom.md: once, within 72 h).
  z.object({
    kind: z.literal('card_update'),
    responseCode: z.string().min(1).max(512),
    replaceName: z.string().min(1).max(64).optional(),
    card: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/** What the outbox can carry: a WeCom app message to members or a group-robot push. */
export const outboundMessageSchema = z.intersection(z.discriminatedUnion('channel', [appTarget, robotTarget]), body);
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

/**
 * When a message stops being worth sending, and why (kept on the row and logged when it is dropped).
 * A message still unsent at `at` is dropped, not sent: a late reminder or survey is noise.
 */
export interface Expiry {
  at: Date;
  reason: string;
}

/** The port the notifications job sends through (the WeCom adapter implements it in main.ts). */
export interface MessageSender {
  send(message: OutboundMessage): Promise<void>;
}

/**
 * Told when a button card went out with the code that updates the copies just delivered
 * (the card records keep it, so every recipient's copy can be updated once someone acts).
 */
export type CardSentHook = (sent: { taskId: string; responseCode: string; toUsers: string[]; at: Date }) => Promise<void>;

/** Thrown by a sender when the failure is permanent (bad recipient, bad payload): do not retry. */
export class PermanentSendError extends Error {}
