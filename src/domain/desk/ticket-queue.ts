import type { DomainStore } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { ClockKind } from './desk.types';
import type { SlaClock } from './sla-clock.entity';
import type { Ticket } from './ticket.entity';

const OPEN_STATES = ['new', 'acknowledged', 'in_progress', 'waiting_user'] as const;
/** The queue a phone shows: more than this is read in the workbench. */
const QUEUE_LIMIT = 50;

/** One SLA deadline of a queued ticket: the clock's due time, and whether it is paused or already past. */
export interface QueueDeadline {
  kind: ClockKind;
  dueAt: Date;
  paused: boolean;
  breached: boolean;
}

/** A ticket in the engineer's queue with its open deadlines (response, on-site, resolution). */
export interface QueueItem {
  ticket: Ticket;
  unitName: string | null;
  /** The open clocks in the order response → on-site → resolution. */
  deadlines: QueueDeadline[];
  /** The nearest running deadline; a ticket whose clocks all wait for the user sorts after the running ones. */
  nextDueAt: Date | null;
}

const KIND_ORDER: ClockKind[] = ['response', 'onsite', 'resolution'];

function deadlinesOf(clocks: SlaClock[]): QueueDeadline[] {
  return clocks
    .map((c) => ({ kind: c.kind, dueAt: c.dueAt, paused: c.state === 'paused', breached: c.state === 'breached' || c.breachedAt !== null }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/** The engineer's queue (「我的工单」): their open tickets and the unassigned ones, nearest deadline first. */
export function makeTicketQueue(store: DomainStore) {
  const db = store.read;
  return {
    async queue(actor: Actor): Promise<QueueItem[]> {
      requirePermission(actor, 'ticket.handle');
      const tickets = await db.tickets.openQueue(actor.userId, OPEN_STATES, QUEUE_LIMIT);
      const clocks = await db.slaClocks.openOfTickets(tickets.map((t) => t.id));
      const unitIds = [...new Set(tickets.map((t) => t.unitId).filter((u): u is number => u !== null))];
      const units = new Map((await Promise.all(unitIds.map((id) => db.catalog.unitById(id)))).flatMap((u) => (u ? [[u.id, u.name]] : [])));
      const items = tickets.map((ticket): QueueItem => {
        const deadlines = deadlinesOf(clocks.filter((c) => c.ticketId === ticket.id));
        const running = deadlines.filter((d) => !d.paused).map((d) => d.dueAt.getTime());
        return {
          ticket,
          unitName: ticket.unitId ? (units.get(ticket.unitId) ?? null) : null,
          deadlines,
          nextDueAt: running.length > 0 ? new Date(Math.min(...running)) : null,
        };
      });
      const key = (i: QueueItem) => i.nextDueAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
      return items.sort((a, b) => key(a) - key(b) || a.ticket.id - b.ticket.id);
    },
  };
}
