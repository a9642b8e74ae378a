import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { type Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { CreateTicketInput } from './desk.schemas';
import { noticeEngineers } from './desk-notices';
import type { SlaClock } from './sla-clock.entity';
import type { SlaClockService } from './sla-clock.service';
import { makeTicketClockCommands } from './ticket-clock-commands';
import { makeTicketCommands } from './ticket-commands';
import { makeTicketKit } from './ticket-kit';
import { openTicketIn, type OpenTicketInput } from './ticket-open';
import { makeTicketQueries } from './ticket-queries';
import { unitName } from './ticket-store';
import type { Ticket } from './ticket.entity';

/** A bot escalation within this window for the same user is appended to their open ticket. */
const APPEND_WINDOW_MS = 30 * 60_000;
const OPEN_STATES = ['new', 'acknowledged', 'in_progress', 'waiting_user'] as const;

/** A question the bot hands over (or a fault the user reports): a ticket opened from a chat. */
export type EscalationInput = Omit<OpenTicketInput, 'source' | 'meta'> & {
  source: 'bot' | 'fault';
  /** The signed-in user who asked in the reporter's name (an admin testing through the API): kept on the timeline. */
  calledBy?: Actor | null;
  /** False when the question is not about the open ticket: a new ticket is opened (default true). */
  mayAppend?: boolean;
};

/** Tickets: escalations from the bot, desk entries, the life cycle with its SLA clocks, the timeline. */
export function makeTicketService(deps: { store: DomainStore; clock: Clock; clocks: SlaClockService }) {
  const { store, clock, clocks } = deps;
  const kit = makeTicketKit(clock, clocks);

  const openTicket = (tx: Repositories, input: OpenTicketInput, now: Date, touched: SlaClock[]) =>
    openTicketIn(tx, clocks, input, now, touched);

  return {
    /**
     * Opens a ticket for a question the bot could not answer, or appends to the same user's open
     * ticket of the last 30 minutes (when the bot says the question belongs to it); engineers get a card
     * for a new ticket through the outbox in the same transaction.
     */
    escalate({ calledBy, mayAppend = true, ...input }: EscalationInput): Promise<{ ticket: Ticket; appended: boolean }> {
      const via = calledBy ? { calledBy: { userId: calledBy.userId, username: calledBy.username } } : {};
      return clocks.withClocks(async (tx, touched) => {
        const now = clock.now();
        let ticket: Ticket | null = null;
        if (input.reporterUserId && input.source === 'bot' && mayAppend) {
          ticket = await tx.tickets.latestOfReporter({
            userId: input.reporterUserId,
            source: 'bot',
            states: OPEN_STATES,
            since: new Date(now.getTime() - APPEND_WINDOW_MS),
          });
        }
        const appended = !!ticket;
        if (ticket) {
          // The user's answer ends the wait: the clocks run again.
          const resumed = ticket.state === 'waiting_user';
          if (resumed) touched.push(...(await clocks.resume(tx, ticket.id, now)));
          await tx.tickets.update(ticket.id, { lastActivityAt: now, ...(resumed ? { state: 'in_progress' as const } : {}) });
          await tx.tickets.addEvent(ticket.id, 'question', null, input.question, { guesses: input.guesses, ...via }, now);
          if (resumed) await tx.tickets.addEvent(ticket.id, 'state', null, null, { from: 'waiting_user', to: 'in_progress' }, now);
        } else {
          ticket = await openTicket(tx, { ...input, meta: via }, now, touched);
        }
        // One card per ticket: an appended question is on the ticket's timeline, not a new card.
        if (!appended) await noticeEngineers(tx, ticket, await unitName(tx, ticket.unitId), input.question, now, 'new');
        return { ticket, appended };
      });
    },

    /** A ticket entered by the desk (phone, fax, walk-in …). */
    create(actor: Actor, input: CreateTicketInput): Promise<Ticket> {
      requirePermission(actor, 'ticket.handle');
      return clocks.withClocks(async (tx, touched) => {
        const unitId = input.unitCode ? (await tx.catalog.unitByCode(input.unitCode)).id : null;
        const now = clock.now();
        const t = await openTicket(
          tx,
          {
            source: input.source,
            unitId,
            reporterUserId: null,
            reporterWecomId: null,
            reporterName: input.reporterName ?? null,
            question: input.summary,
            guesses: [],
            priority: input.priority,
            category: input.category,
          },
          now,
          touched,
        );
        await tx.audit.record(actor, now, { action: 'ticket.create', entityType: 'ticket', entityId: t.id, after: input });
        return t;
      });
    },

    ...makeTicketCommands(kit),
    ...makeTicketClockCommands(kit),
    ...makeTicketQueries(store),
  };
}
export type TicketService = ReturnType<typeof makeTicketService>;
