import type { Clock } from '../clock';
import type { Repositories } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission, type Permission } from '../policy';
import type { SlaClock } from './sla-clock.entity';
import type { SlaClockService } from './sla-clock.service';
import { assertAllowed, type TicketAction } from './ticket-state';
import { assertCanSee, loadTicket } from './ticket-store';
import type { Ticket } from './ticket.entity';

/** One ticket change in progress: the transaction, the locked ticket, the time, and the clocks it touched. */
export interface Change {
  tx: Repositories;
  t: Ticket;
  now: Date;
  actor: Actor;
  touched: SlaClock[];
  event(type: string, body: string | null, meta?: Record<string, unknown> | null): Promise<void>;
}

/** What the ticket command modules share. */
export interface TicketKit {
  clock: Clock;
  clocks: SlaClockService;
  /**
   * Runs one change of one ticket in a transaction (role, existence and state checked first; a
   * refusal changes nothing); clock listeners hear about the clocks only after the commit.
   */
  change(
    actor: Actor,
    id: number,
    action: TicketAction,
    work: (c: Change) => Promise<Partial<Ticket>>,
    permission?: Permission,
  ): Promise<Ticket>;
  /** The first response: stamps it and stops the response clock (claim, reply, wait, dispatch, resolve). */
  respond(c: Change, patch: Partial<Ticket>): Promise<void>;
}

/** Builds the shared part of the ticket commands. */
export function makeTicketKit(clock: Clock, clocks: SlaClockService): TicketKit {
  return {
    clock,
    clocks,
    async change(actor, id, action, work, permission = 'ticket.handle') {
      requirePermission(actor, permission);
      return clocks.withClocks(async (tx, touched) => {
        const t = await loadTicket(tx, id);
        const now = clock.now();
        const c: Change = {
          tx,
          t,
          now,
          actor,
          touched,
          event: (type, body, meta = null) => tx.tickets.addEvent(id, type, actor, body, meta, now),
        };
        assertCanSee(actor, t);
        assertAllowed(t, action);
        const patch = { ...(await work(c)), lastActivityAt: now };
        await tx.tickets.update(id, patch);
        return { ...t, ...patch };
      });
    },
    async respond(c, patch) {
      if (c.t.firstResponseAt) return;
      patch.firstResponseAt = c.now;
      c.touched.push(...(await clocks.stop(c.tx, c.t.id, ['response'], c.now)));
    },
  };
}
