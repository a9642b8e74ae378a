import type { Clock } from '../../domain/clock';
import type { Entities } from '../nlp/entities';

/** How long a previous turn can be referred to ("那医疗票呢"). */
export const CONTEXT_TTL_MS = 5 * 60_000;
const MAX_USERS = 10_000;

export interface TurnContext {
  intent: string;
  entities: Entities;
  at: number;
}

// "那医疗收费票据呢", "还有上个月的呢", "那 HX-2026-000003 呢": short, leaning on the last turn.
const FOLLOW_UP = /^(?:那|那么|那个|还有|另外|再查|再看|换成|如果是)|呢\s*[?？]?\s*$/u;

/**
 * Per-user memory of the last answered domain intent. In-process: a follow-up that lands on another
 * app process is classified on its own, which is acceptable for a 5-minute convenience.
 */
export function makeContextStore(clock: Clock) {
  const byUser = new Map<string, TurnContext>();
  return {
    get(senderId: string): TurnContext | undefined {
      const c = byUser.get(senderId);
      if (!c) return undefined;
      if (clock.now().getTime() - c.at > CONTEXT_TTL_MS) {
        byUser.delete(senderId);
        return undefined;
      }
      return c;
    },
    set(senderId: string, intent: string, entities: Entities): void {
      byUser.delete(senderId);
      byUser.set(senderId, { intent, entities, at: clock.now().getTime() });
      // Maps iterate in insertion order: drop the oldest when a flood of senders arrives.
      if (byUser.size > MAX_USERS) byUser.delete(byUser.keys().next().value as string);
    },
    clear(senderId: string): void {
      byUser.delete(senderId);
    },
  };
}
export type ContextStore = ReturnType<typeof makeContextStore>;

/** True when text reads as a follow-up that only changes an entity of the previous question. */
export function isFollowUp(text: string, entities: Entities): boolean {
  const t = text.trim();
  if (Array.from(t).length > 30 || !FOLLOW_UP.test(t)) return false;
  return Boolean(entities.billType || entities.period || entities.documentNo || entities.ticketNo);
}

/** The previous turn's entities overlaid with the new ones (the new bill type replaces the old). */
export function mergeEntities(previous: Entities, current: Entities): Entities {
  return { ...previous, ...current };
}
