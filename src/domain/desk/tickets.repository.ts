import type { RepoContext } from '../db/store';
import type { Actor } from '../identity/actor';
import type { TicketSource, TicketState } from './desk.types';
import { TicketEvent } from './ticket-event.entity';
import { Ticket } from './ticket.entity';

/** Filters of the ticket list; `own` is the unit a unit-scoped reader is limited to (-1: none). */
export interface TicketFilter {
  own?: number;
  state?: TicketState;
  source?: TicketSource;
  unitId?: number;
}

/** Tickets and their timelines. */
export function makeTicketRepository({ em, dialect }: RepoContext) {
  return {
    async insert(values: Omit<Ticket, 'id'>): Promise<Ticket> {
      return em.save(em.create(Ticket, values));
    },
    async update(id: number, patch: Partial<Omit<Ticket, 'id'>>): Promise<void> {
      await em.update(Ticket, id, patch);
    },
    byId: (id: number): Promise<Ticket | null> => em.findOneBy(Ticket, { id }),
    /** A ticket read with a row lock, so changes to one ticket (and its clocks) serialise. */
    findForUpdate: (id: number): Promise<Ticket | null> =>
      dialect.forUpdate(em, em.createQueryBuilder(Ticket, 't').where('t.id = :id', { id })).getOne(),
    /** The newest ticket of a reporter from this source, in one of these states, active since `since`. */
    latestOfReporter: (q: { userId: number; source: TicketSource; states: readonly TicketState[]; since: Date }): Promise<Ticket | null> =>
      em
        .createQueryBuilder(Ticket, 't')
        .where('t.reporterUserId = :u AND t.source = :s', { u: q.userId, s: q.source })
        .andWhere('t.state IN (:...open)', { open: q.states })
        .andWhere('t.lastActivityAt >= :since', { since: q.since.toISOString() })
        .orderBy('t.id', 'DESC')
        .getOne(),
    /** A reporter's newest tickets. */
    /** A reporter's newest tickets, optionally only those opened within [since, before). */
    recentOfReporter(userId: number, limit: number, range: { since?: Date; before?: Date } = {}): Promise<Ticket[]> {
      const qb = em.createQueryBuilder(Ticket, 't').where('t.reporterUserId = :u', { u: userId });
      if (range.since) qb.andWhere('t.createdAt >= :since', { since: range.since.toISOString() });
      if (range.before) qb.andWhere('t.createdAt < :before', { before: range.before.toISOString() });
      return qb.orderBy('t.id', 'DESC').take(limit).getMany();
    },
    /** Newest first. */
    page(f: TicketFilter, window: { skip: number; take: number }): Promise<[Ticket[], number]> {
      const qb = em.createQueryBuilder(Ticket, 't').orderBy('t.id', 'DESC');
      if (f.own !== undefined) qb.andWhere('t.unitId = :u', { u: f.own });
      if (f.state) qb.andWhere('t.state = :s', { s: f.state });
      if (f.source) qb.andWhere('t.source = :src', { src: f.source });
      if (f.unitId !== undefined) qb.andWhere('t.unitId = :uid', { uid: f.unitId });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },

    /** Open tickets assigned to `userId` or to nobody (the engineer's queue), oldest first. */
    openForQueue: (userId: number, states: readonly TicketState[]): Promise<Ticket[]> =>
      em
        .createQueryBuilder(Ticket, 't')
        .where('t.state IN (:...states)', { states })
        .andWhere('(t.assigneeId = :me OR t.assigneeId IS NULL)', { me: userId })
        .orderBy('t.id', 'ASC')
        .getMany(),

    /** Appends one entry to a ticket's timeline (inside the transaction that made the change). */
    async addEvent(
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
    },
    /** A ticket's timeline, oldest first. */
    events: (ticketId: number): Promise<TicketEvent[]> => em.find(TicketEvent, { where: { ticketId }, order: { id: 'ASC' } }),
  };
}
export type TicketRepository = ReturnType<typeof makeTicketRepository>;
