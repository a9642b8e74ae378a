import type { DataSource } from 'typeorm';
import { Unit } from '../catalog/unit.entity';
import { pageWindow, type Page } from '../common/pagination';
import { ForbiddenError } from '../errors';
import type { Actor } from '../identity/actor';
import { User } from '../identity/user.entity';
import type { ListTicketsQuery } from './desk.schemas';
import { SlaClock } from './sla-clock.entity';
import { TicketEvent } from './ticket-event.entity';
import { assertCanSee, loadTicket } from './ticket-store';
import { Ticket } from './ticket.entity';
import { isUnitScoped } from '../policy';

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
export function makeTicketQueries(ds: DataSource) {
  return {
    /** A ticket with its timeline and SLA clocks; unit staff only their unit's (or their own). */
    async get(actor: Actor, id: number): Promise<TicketDetail> {
      const t = await loadTicket(ds.manager, id);
      assertCanSee(actor, t);
      const [events, clocks, unit, assignee] = await Promise.all([
        ds.getRepository(TicketEvent).find({ where: { ticketId: id }, order: { id: 'ASC' } }),
        ds.getRepository(SlaClock).find({ where: { ticketId: id }, order: { id: 'ASC' } }),
        t.unitId ? ds.getRepository(Unit).findOneBy({ id: t.unitId }) : null,
        t.assigneeId ? ds.getRepository(User).findOneBy({ id: t.assigneeId }) : null,
      ]);
      return { ...t, unitCode: unit?.code ?? null, assigneeUsername: assignee?.username ?? null, events, clocks: clocks.map(clockView) };
    },

    /** Newest first; unit staff see only their unit's tickets. */
    async list(actor: Actor, q: ListTicketsQuery): Promise<Page<Ticket>> {
      const qb = ds.getRepository(Ticket).createQueryBuilder('t').orderBy('t.id', 'DESC');
      if (isUnitScoped(actor)) qb.andWhere('t.unitId = :u', { u: actor.unitId ?? -1 });
      if (q.state) qb.andWhere('t.state = :s', { s: q.state });
      if (q.source) qb.andWhere('t.source = :src', { src: q.source });
      if (q.unitCode) {
        const unit = await ds.getRepository(Unit).findOneBy({ code: q.unitCode });
        if (!unit) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
        if (isUnitScoped(actor) && unit.id !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的工单');
        qb.andWhere('t.unitId = :uid', { uid: unit.id });
      }
      const { skip, take } = pageWindow(q);
      const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** The asker's own recent tickets (bot intent ticket.status). */
    recentForReporter(userId: number, limit = 5): Promise<Ticket[]> {
      return ds.getRepository(Ticket).find({ where: { reporterUserId: userId }, order: { id: 'DESC' }, take: limit });
    },
  };
}
