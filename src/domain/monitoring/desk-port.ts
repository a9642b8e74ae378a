import { dialectOf } from '../db/dialect';
import { makeRepositories, type Repositories } from '../db/repositories';
import { engineerRecipients, noticeEngineers } from '../desk/desk-notices';
import type { SlaClockService } from '../desk/sla-clock.service';
import { addEvent } from '../desk/ticket-events';
import { openTicketIn, type OpenTicketInput } from '../desk/ticket-open';
import type { Ticket } from '../desk/ticket.entity';

/** What alerts and inspections ask of the service desk inside their own transaction. */
export interface DeskOps {
  /** Opens a ticket with its SLA clocks running; the clocks are scheduled after the commit. */
  openTicket(input: OpenTicketInput, now: Date): Promise<Ticket>;
  /** Appends an `alert` entry to a ticket's timeline. */
  alertEvent(ticketId: number, body: string, meta: Record<string, unknown>, at: Date): Promise<void>;
  /** Queues the engineers' card about a ticket (no unit). */
  noticeEngineers(t: Ticket, text: string, now: Date, event: string): Promise<void>;
  /** WeCom ids of the active engineers: who receives escalations and alerts is data (api.md). */
  engineerRecipients(): Promise<string[]>;
}

/** One transaction shared by the domain's repositories and the desk's operations. */
export interface DeskPort {
  transaction<T>(work: (tx: Repositories, desk: DeskOps) => Promise<T>): Promise<T>;
}

/**
 * Transitional bridge while the desk's helpers still take an EntityManager: the one place in
 * monitoring and inspections that holds one. Once the desk runs on repositories this becomes
 * `clocks.withClocks((tx, touched) => work(tx, …))` and its callers do not change.
 */
export function makeDeskPort(clocks: SlaClockService): DeskPort {
  return {
    transaction: (work) =>
      clocks.withClocks((em, touched) =>
        work(makeRepositories({ em, dialect: dialectOf(em.connection) }), {
          openTicket: (input, now) => openTicketIn(em, clocks, input, now, touched),
          alertEvent: (ticketId, body, meta, at) => addEvent(em, ticketId, 'alert', null, body, meta, at),
          noticeEngineers: (t, text, now, event) => noticeEngineers(em, t, null, text, now, event),
          engineerRecipients: () => engineerRecipients(em),
        }),
      ),
  };
}
