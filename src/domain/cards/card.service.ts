import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import type { Actor } from '../identity/actor';
import type { CardSentHook } from '../outbox/outbox.types';
import type { BotCard, CardKind } from './card.entity';
import { queueCardUpdates } from './card-updates';
import { newTaskId, toTemplateCard, type CardSpec, type ChatCard } from './card-view';

/** A chat draft waits this long for 确认提交 (bot.md). */
export const DRAFT_TTL_MS = 30 * 60_000;

export interface OpenCard {
  kind: CardKind;
  action: string;
  documentId?: number | null;
  ownerUserId?: number | null;
  recipients: string[];
  payload?: Record<string, unknown>;
  /** Title, lines and buttons; `{task}` in a button key is replaced by the card's task_id. */
  view: ChatCard;
  url?: string;
  expiresAt?: Date | null;
}

/**
 * Stores a card and queues its WeCom copy (when it has recipients) in the caller's transaction.
 * Returns the record and the view with the keys filled in.
 */
export async function openCardIn(
  tx: Pick<Repositories, 'cards' | 'outbox'>,
  o: OpenCard,
  now: Date,
): Promise<{ card: BotCard; view: ChatCard }> {
  const taskId = newTaskId(o.action.replace(/\./g, '_'), randomBytes(9).toString('base64url'));
  const view: ChatCard = { ...o.view, buttons: o.view.buttons.map((b) => ({ ...b, key: b.key.replace('{task}', taskId) })) };
  // The copy's message needs the task id, not the stored row: both statements leave together.
  const inserted = tx.cards.insert({
    taskId,
    kind: o.kind,
    action: o.action,
    documentId: o.documentId ?? null,
    ownerUserId: o.ownerUserId ?? null,
    recipients: o.recipients,
    codes: [],
    // The view is kept so that a press through the API can show the card as it now stands.
    payload: { ...(o.payload ?? {}), view },
    state: 'open',
    outcome: null,
    actedBy: null,
    actedAt: null,
    createdAt: now,
    expiresAt: o.expiresAt ?? null,
  });
  if (o.recipients.length > 0) {
    const spec: CardSpec = { ...view, taskId, url: o.url };
    const queued = tx.outbox.enqueue(
      `card-${taskId}-send`,
      { channel: 'app', toUsers: o.recipients, kind: 'template_card', card: toTemplateCard(spec) },
      now,
    );
    const [card] = await Promise.all([inserted, queued]);
    return { card, view };
  }
  return { card: await inserted, view };
}

/**
 * Settles a card once inside the caller's transaction (false: someone settled it first, so the
 * caller must not act) and queues the update of every copy we hold a code for.
 */
export async function settleCardIn(
  tx: Pick<Repositories, 'cards' | 'outbox'>,
  card: BotCard,
  s: { to: 'acted' | 'closed'; actor: Actor | null; outcome: string; now: Date; documentId?: number },
): Promise<boolean> {
  const settled = await tx.cards.settle(card.id, s.to, {
    actedBy: s.actor?.userId ?? null,
    outcome: s.outcome,
    at: s.now,
    documentId: s.documentId,
  });
  if (!settled) return false;
  await queueCardUpdates(tx, settled, s.outcome, s.now);
  return true;
}

/**
 * Closes every open card of a kind about a document inside the caller's transaction (one
 * statement) and queues the update of the copies of each.
 */
export async function closeOpenCardsIn(
  tx: Pick<Repositories, 'cards' | 'outbox'>,
  action: string,
  documentId: number,
  s: { actor: Actor | null; outcome: string; now: Date },
): Promise<void> {
  const closed = await tx.cards.settleAllOpenFor(action, documentId, 'closed', {
    actedBy: s.actor?.userId ?? null,
    outcome: s.outcome,
    at: s.now,
  });
  for (const card of closed) await queueCardUpdates(tx, card, s.outcome, s.now);
}

/** Card records as the bot and the outbox sender reach them. */
export function makeCardService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    byTaskId: (taskId: string): Promise<BotCard | null> => store.read.cards.byTaskId(taskId),

    /** A ticket's one card (the engineers' copies), if it was sent. */
    ofTicket: (ticketId: number): Promise<BotCard | null> => store.read.cards.latestFor('ticket', ticketId),

    /** Stores a card and queues its copy in one transaction. */
    open: (o: OpenCard) => store.transaction((tx) => openCardIn(tx, o, clock.now())),

    /** A member pressed a button: their event's ResponseCode updates their copy later. */
    async keepEventCode(taskId: string, user: string, code: string): Promise<void> {
      await store.read.cards.keepCode(taskId, { code, users: [user], at: clock.now().toISOString(), used: false });
    },

    /** The send's code covers every copy just delivered. */
    keepSendCode: ((sent) =>
      store.read.cards.keepCode(sent.taskId, {
        code: sent.responseCode,
        users: sent.toUsers,
        at: sent.at.toISOString(),
        used: false,
      })) as CardSentHook,

    /** Closes a card without acting (取消, expiry) and updates the copies. */
    close: (card: BotCard, actor: Actor | null, outcome: string) =>
      store.transaction((tx) => settleCardIn(tx, card, { to: 'closed', actor, outcome, now: clock.now() })),
  };
}
export type CardService = ReturnType<typeof makeCardService>;
