import type { Repositories } from '../db/repositories';
import type { BotCard, HeldCode } from './card.entity';

/** A ResponseCode works once and for 72 hours (wecom.md). */
export const RESPONSE_CODE_TTL_MS = 72 * 3600_000;

type Tx = Pick<Repositories, 'cards' | 'outbox'>;

const usable = (c: HeldCode, now: Date) => !c.used && now.getTime() - Date.parse(c.at) < RESPONSE_CODE_TTL_MS;

/**
 * Queues the in-place update of every copy of a settled card we hold a code for, in the caller's
 * transaction: a member's own code (from their press) covers their copy; the send's code covers
 * the rest of that send at once. A copy no code covers (expired, or WeCom gave none) keeps its
 * buttons, and a press on it is answered with the outcome instead of acting (the card is settled).
 * Each update expires with its code, so a relay that was down for 72 h drops it instead of failing.
 */
export async function queueCardUpdates(
  tx: Tx,
  card: BotCard,
  replaceName: string,
  now: Date,
  /** A whole new template card instead of replacing the buttons (a ticket card that keeps acting). */
  wholeCard?: Record<string, unknown>,
): Promise<string[]> {
  const codes = card.codes.map((c) => ({ ...c }));
  const left = new Set(card.recipients);
  const updates: Array<{ code: HeldCode; users: string[] }> = [];
  // Narrow codes first, so a wide one is spent only on copies nothing else covers.
  for (const c of [...codes].sort((a, b) => a.users.length - b.users.length)) {
    if (!usable(c, now)) continue;
    const users = c.users.filter((u) => left.has(u));
    if (users.length === 0) continue;
    users.forEach((u) => left.delete(u));
    c.used = true;
    updates.push({ code: c, users });
  }
  for (const { code, users } of updates) {
    await tx.outbox.enqueue(
      `card-${card.taskId}-${code.code.slice(-24)}`,
      wholeCard
        ? { channel: 'app', toUsers: users, kind: 'card_update', responseCode: code.code, card: wholeCard }
        : { channel: 'app', toUsers: users, kind: 'card_update', responseCode: code.code, replaceName: replaceName.slice(0, 64) },
      now,
      { at: new Date(Date.parse(code.at) + RESPONSE_CODE_TTL_MS), reason: 'ResponseCode 72 小时有效期已过' },
    );
  }
  if (updates.length > 0) await tx.cards.saveCodes(card.id, codes);
  return [...left];
}
