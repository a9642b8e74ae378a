import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';

/** Longest question stored; a pasted essay is kept in part (the summary needs the gist, not all). */
const MAX_STORED_TEXT = 4000;
const LATE_ANSWER_TTL_MS = 2 * 3600_000;

/** One question and the bot's answer, as the channel received and the dialog answered it. */
export interface ExchangeEntry {
  channel: string;
  senderId: string;
  messageId: string | null;
  userId: number | null;
  /** The signed-in user who sent the message in the sender's name (an admin testing), else null. */
  callerUserId: number | null;
  unitId: number | null;
  text: string;
  intent: string;
  score: number;
  answer: string;
  escalated: boolean;
  /** What became of the message: answered, declined (out of scope), escalated … */
  outcome: string;
  ticketId: number | null;
  entities: Record<string, unknown>;
  kbVersion: string | null;
  latencyMs: number;
  at: Date;
}

/**
 * The bot's evidence trail and its inbound bookkeeping. Each call is one autocommitted statement
 * that never joins another caller's transaction.
 */
export function makeExchangeLog(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /** Stores one exchange (the weekly summary's source). */
    record(e: ExchangeEntry): Promise<void> {
      return store.standalone((r) =>
        r.exchanges.insert({
          channel: e.channel.slice(0, 16),
          senderId: e.senderId.slice(0, 64),
          messageId: e.messageId,
          userId: e.userId,
          callerUserId: e.callerUserId,
          unitId: e.unitId,
          text: e.text.slice(0, MAX_STORED_TEXT),
          intent: e.intent.slice(0, 48),
          score: e.score,
          answer: e.answer,
          escalated: e.escalated,
          outcome: e.outcome.slice(0, 16),
          ticketId: e.ticketId,
          entities: e.entities,
          kbVersion: e.kbVersion ? e.kbVersion.slice(0, 16) : null,
          latencyMs: Math.max(0, Math.round(e.latencyMs)),
          at: e.at,
        }),
      );
    },

    /** True for the first caller, in any process, to present this channel message (WeCom retries after 5 s, 3 times). */
    claimInbound: (channel: string, messageKey: string): Promise<boolean> =>
      store.standalone((r) => r.exchanges.claimInbound(channel, messageKey, clock.now())),

    /**
     * An answer that could not go back in the channel's reply: sent to the member as an app message.
     * It answers a question just asked, often with live figures (stock, an application's state): hours
     * later it is stale and the member has asked again or called, so it expires.
     */
    queueLateAnswer: (channel: string, messageKey: string, toUser: string, content: string): Promise<void> =>
      store.standalone((r) =>
        r.outbox.enqueue(`${channel}-reply-${messageKey}`, { channel: 'app', toUsers: [toUser], kind: 'text', content }, clock.now(), {
          at: new Date(clock.now().getTime() + LATE_ANSWER_TTL_MS),
          reason: 'bot answer: more than 2 h after the question',
        }),
      ),
  };
}
export type ExchangeLog = ReturnType<typeof makeExchangeLog>;
