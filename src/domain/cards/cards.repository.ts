import { rawReads } from '../db/raw-reads';
import { rawWrites } from '../db/raw-writes';
import type { RepoContext } from '../db/store';
import { BotCard, type CardState, type HeldCode } from './card.entity';

/** Button cards and the ResponseCodes WeCom gave for them. */
export function makeCardRepository(ctx: RepoContext) {
  const { em, dialect } = ctx;
  const repo = () => em.getRepository(BotCard);
  const writes = rawWrites(ctx);
  const reads = rawReads(em, dialect);
  return {
    async insert(values: Omit<BotCard, 'id'>): Promise<BotCard> {
      // Every submission stores one (the operators' review card): a plain insert (see rawWrites).
      const id = await writes.insert(BotCard, values);
      return Object.assign(repo().create(values), { id });
    },

    byTaskId: (taskId: string): Promise<BotCard | null> => reads.first(BotCard, (sql) => `WHERE "taskId" = ${sql.p(taskId)}`),

    /** The open card of a kind about a document (a review card waiting for an operator). */
    openFor: (action: string, documentId: number): Promise<BotCard | null> =>
      repo().findOne({ where: { action, documentId, state: 'open' }, order: { id: 'DESC' } }),

    /** The newest card of a kind about a document, in any state (a ticket's one card). */
    latestFor: (action: string, documentId: number): Promise<BotCard | null> =>
      repo().findOne({ where: { action, documentId }, order: { id: 'DESC' } }),

    /** Keeps a ResponseCode (from a send or a member's press) for a later update of those members' copies. */
    async keepCode(taskId: string, code: HeldCode): Promise<void> {
      // Compare-and-set on the stored list: a press and the relay keeping the send's code at the same moment both land.
      for (let attempt = 0; attempt < 5; attempt++) {
        const card = await repo().findOneBy({ taskId });
        if (!card || card.codes.some((c) => c.code === code.code)) return;
        const r = await repo().update(
          { id: card.id, codes: card.codes as never },
          { codes: [...card.codes, code] as never, recipients: union(card.recipients, code.users) },
        );
        if ((r.affected ?? 0) === 1) return;
      }
    },

    /**
     * open → acted or closed, once: of two presses (two operators, a double tap) exactly one gets
     * the settled card back, the other null. Call inside the transaction of the change the press
     * makes, so both land or neither.
     */
    async settle(
      id: number,
      to: Exclude<CardState, 'open'>,
      s: { actedBy: number | null; outcome: string; at: Date; documentId?: number },
    ): Promise<BotCard | null> {
      const [card] = await writes.updateReturning(
        BotCard,
        {
          state: to,
          actedBy: s.actedBy,
          outcome: s.outcome.slice(0, 500),
          actedAt: s.at,
          ...(s.documentId ? { documentId: s.documentId } : {}),
        },
        (sql) => `WHERE "id" = ${sql.p(id)} AND "state" = 'open'`,
      );
      return card ?? null;
    },

    /**
     * Closes (or marks acted) every open card of a kind about a document, once each, in one
     * statement; returns the cards it settled, newest first (a card settled by someone else first
     * is not among them).
     */
    async settleAllOpenFor(
      action: string,
      documentId: number,
      to: Exclude<CardState, 'open'>,
      s: { actedBy: number | null; outcome: string; at: Date },
    ): Promise<BotCard[]> {
      const cards = await writes.updateReturning(
        BotCard,
        { state: to, actedBy: s.actedBy, outcome: s.outcome.slice(0, 500), actedAt: s.at },
        (sql) => `WHERE "action" = ${sql.p(action)} AND "documentId" = ${sql.p(documentId)} AND "state" = 'open'`,
      );
      return cards.sort((a, b) => b.id - a.id);
    },

    async saveCodes(id: number, codes: HeldCode[]): Promise<void> {
      await repo().update({ id }, { codes: codes });
    },
  };
}
export type CardRepository = ReturnType<typeof makeCardRepository>;

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
