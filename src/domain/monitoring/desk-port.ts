import type { Repositories } from '../db/repositories';
import { engineerRecipients, noticeEngineers } from '../desk/desk-notices';
import type { SlaClockService } from '../desk/sla-clock.service';
import type { TicketLink } from '../desk/ticket-card';
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

/** Monitoring's and inspections' transactions run through the SLA clock service, which schedules the clocks they start. */
export function makeDeskPort(clocks: SlaClockService, link?: TicketLink): DeskPort {
  return {
    transaction: (work) =>
      clocks.withClocks((tx, touched) =>
        work(tx, {
          openTicket: (input, now) => openTicketIn(tx, clocks, input, now, touched),
          alertEvent: (ticketId, body, meta, at) => tx.tickets.addEvent(ticketId, 'alert', null, body, meta, at),
          noticeEngineers: (t, text, now, event) => noticeEngineers(tx, t, null, text, now, event, link),
          engineerRecipients: () => engineerRecipients(tx),
        }),
      ),
  };
}
