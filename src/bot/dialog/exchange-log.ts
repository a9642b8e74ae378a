import type { DataSource } from 'typeorm';
import { inTransaction } from '../../domain/db/transaction';
import { BotExchange } from '../../domain/desk/exchange.entity';
import type { Logger } from '../../logger';
import type { DialogResult, InboundText } from './types';

/** Longest question stored; a pasted essay is kept in part (the summary needs the gist, not all). */
const MAX_STORED_TEXT = 4000;

/** Stores one exchange (the evidence trail and the weekly summary's source); never throws. */
export async function logExchange(
  ds: DataSource,
  logger: Logger,
  e: { msg: InboundText; result: DialogResult; userId: number | null; unitId: number | null; kbVersion: string | null; latencyMs: number },
): Promise<void> {
  try {
    // Through inTransaction: on SQLite a bare write could join another caller's open transaction.
    await inTransaction(ds, (em) =>
      em.insert(BotExchange, {
        channel: e.msg.channel.slice(0, 16),
        senderId: e.msg.senderId.slice(0, 64),
        messageId: e.msg.messageId ?? null,
        userId: e.userId,
        unitId: e.unitId,
        text: e.msg.text.slice(0, MAX_STORED_TEXT),
        intent: e.result.intent.slice(0, 48),
        score: e.result.score,
        answer: e.result.reply,
        escalated: e.result.escalated,
        ticketId: e.result.ticketId,
        entities: e.result.entities as Record<string, unknown>,
        kbVersion: e.kbVersion ? e.kbVersion.slice(0, 16) : null,
        latencyMs: Math.max(0, Math.round(e.latencyMs)),
        at: e.msg.receivedAt,
      } as never),
    );
  } catch (err) {
    // The user already has an answer; a lost log row must not turn into an error for them.
    logger.error({ err, channel: e.msg.channel }, 'bot exchange could not be stored');
  }
}
