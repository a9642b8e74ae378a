import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Actor } from '../identity/actor';
import type { SlaClock } from './sla-clock.entity';
import type { SlaClockService } from './sla-clock.service';
import { addEvent } from './ticket-events';
import { assertAllowed, type TicketAction } from './ticket-state';
import { assertCanSee, loadTicket } from './ticket-store';
import { Ticket } from './ticket.entity';
import { requirePermission, type Permission } from '../policy';

/** One ticket change in progress: the locked ticket, the time, and the clocks it touched. */
export interface Change {
  em: EntityManager;
  t: Ticket;
  now: Date;
  actor: Actor;
  touched: SlaClock[];
  event(type: string, body: string | null, meta?: Record<string, unknown> | null): Promise<void>;
}

/** What the ticket command modules share. */
export interface TicketKit {
  ds: DataSource;
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
export function makeTicketKit(ds: DataSource, clock: Clock, clocks: SlaClockService): TicketKit {
  return {
    ds,
    clock,
    clocks,
    async change(actor, id, action, work, permission = 'ticket.handle') {
      requirePermission(actor, permission);
      return clocks.withClocks(async (em, touched) => {
        const t = await loadTicket(em, id);
        const now = clock.now();
        const c: Change = {
          em,
          t,
          now,
          actor,
          touched,
          event: (type, body, meta = null) => addEvent(em, id, type, actor, body, meta, now),
        };
        assertCanSee(actor, t);
        assertAllowed(t, action);
        const patch = { ...(await work(c)), lastActivityAt: now };
        await em.update(Ticket, id, patch);
        return { ...t, ...patch } as Ticket;
      });
    },
    async respond(c, patch) {
      if (c.t.firstResponseAt) return;
      patch.firstResponseAt = c.now;
      c.touched.push(...(await clocks.stop(c.em, c.t.id, ['response'], c.now)));
    },
  };
}
