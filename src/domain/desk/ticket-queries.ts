import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore } from '../db/repositories';
import { ForbiddenError } from '../errors';
import type { Actor } from '../identity/actor';
import { isUnitScoped } from '../policy';
import type { ListTicketsQuery } from './desk.schemas';
import type { SlaClock } from './sla-clock.entity';
import type { TicketEvent } from './ticket-event.entity';
import { assertCanSee, loadTicket } from './ticket-store';
import type { Ticket } from './ticket.entity';

/** A clock as the API shows it. */
export interface ClockView {
  id: number;
  kind: SlaClock['kind'];
  rule: string;
  state: SlaClock['state'];
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  pausedMs: number;
  pausedSince: Date | null;
  pauses: SlaClock['pauses'];
  stoppedAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  breached: boolean;
}

export const clockView = (c: SlaClock): ClockView => ({
  id: c.id,
  kind: c.kind,
  rule: c.rule,
  state: c.state,
  startedAt: c.startedAt,
  dueAt: c.dueAt,
  warnAt: c.warnAt,
  pausedMs: c.pausedMs,
  pausedSince: c.state === 'paused' ? new Date(c.pauses[c.pauses.length - 1].from) : null,
  pauses: c.pauses,
  stoppedAt: c.stoppedAt,
  warnedAt: c.warnedAt,
  breachedAt: c.breachedAt,
  breached: c.breachedAt !== null,
});

export type TicketDetail = Ticket & {
  unitCode: string | null;
  assigneeUsername: string | null;
  events: TicketEvent[];
  clocks: ClockView[];
};

/** Reading tickets: one with its timeline and clocks, pages of them, a reporter's latest. */
export function makeTicketQueries(store: DomainStore) {
  const db = store.read;
  return {
    /** A ticket with its timeline and SLA clocks; unit staff only their unit's (or their own). */
    async get(actor: Actor, id: number): Promise<TicketDetail> {
      const t = await loadTicket(db, id);
      assertCanSee(actor, t);
      const [events, clocks, unit, assignee] = await Promise.all([
        db.tickets.events(id),
        db.slaClocks.ofTicket(id),
        t.unitId ? db.catalog.unitById(t.unitId) : null,
        t.assigneeId ? db.identity.byId(t.assigneeId) : null,
      ]);
      return { ...t, unitCode: unit?.code ?? null, assigneeUsername: assignee?.username ?? null, events, clocks: clocks.map(clockView) };
    },

    /** Newest first; unit staff see only their unit's tickets. */
    async list(actor: Actor, q: ListTicketsQuery): Promise<Page<Ticket>> {
      let unitId: number | undefined;
      if (q.unitCode) {
        const unit = await db.catalog.findUnitByCode(q.unitCode);
        if (!unit) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
        if (isUnitScoped(actor) && unit.id !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的工单');
        unitId = unit.id;
      }
      const [items, total] = await db.tickets.page(
        { own: isUnitScoped(actor) ? (actor.unitId ?? -1) : undefined, state: q.state, source: q.source, unitId },
        pageWindow(q),
      );
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** The asker's own recent tickets (bot intent ticket.status). */
    recentForReporter(userId: number, limit = 5, range: { since?: Date; before?: Date } = {}): Promise<Ticket[]> {
      return db.tickets.recentOfReporter(userId, limit, range);
    },
  };
}
