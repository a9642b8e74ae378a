import type { EntityManager } from 'typeorm';
import type { Actor } from '../identity/actor';
import { TicketEvent } from './ticket-event.entity';

/** Appends one entry to a ticket's timeline (inside the transaction that made the change). */
export async function addEvent(
  em: EntityManager,
  ticketId: number,
  type: string,
  actor: Actor | null,
  body: string | null,
  meta: Record<string, unknown> | null,
  at: Date,
): Promise<void> {
  await em.insert(TicketEvent, {
    ticketId,
    type,
    actorId: actor?.userId ?? null,
    actorName: actor?.username ?? null,
    body,
    meta,
    at,
  } as never);
}
