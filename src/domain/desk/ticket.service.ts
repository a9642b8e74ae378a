import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import { inTransaction } from '../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { type Actor, requireRole } from '../identity/actor';
import type { CreateTicketInput, ListTicketsQuery } from './desk.schemas';
import { formatShanghai, noticeEngineers, noticeReporter } from './desk-notices';
import { type DueCalculator, type Priority, TICKET_STATE_NAMES } from './desk.types';
import { TicketEvent } from './ticket-event.entity';
import { Ticket } from './ticket.entity';

/** A bot escalation within this window for the same user is appended to their open ticket. */
const APPEND_WINDOW_MS = 30 * 60_000;
const DESK_ROLES = ['admin', 'operator', 'engineer'] as const;

export interface EscalationInput {
  unitId: number | null;
  reporterUserId: number | null;
  reporterWecomId: string | null;
  reporterName: string | null;
  question: string;
  guesses: Array<{ intent: string; score: number }>;
  source: 'bot' | 'fault';
  priority: Priority;
  category: string;
}

/** Tickets: escalations from the bot, replies and resolution by the engineer, the timeline. */
export function makeTicketService(deps: { ds: DataSource; clock: Clock; due: DueCalculator }) {
  const { ds, clock, due } = deps;

  async function unitName(em: EntityManager, unitId: number | null): Promise<string | null> {
    return unitId ? ((await em.findOneBy(Unit, { id: unitId }))?.name ?? null) : null;
  }

  async function event(em: EntityManager, ticketId: number, type: string, actor: Actor | null, body: string | null, meta: Record<string, unknown> | null = null) {
    await em.insert(TicketEvent, { ticketId, type, actorId: actor?.userId ?? null, actorName: actor?.username ?? null, body, meta, at: clock.now() } as never);
  }

  async function load(em: EntityManager, id: number): Promise<Ticket> {
    const q = em.createQueryBuilder(Ticket, 't').where('t.id = :id', { id });
    if (em.connection.options.type === 'postgres') q.setLock('pessimistic_write');
    const t = await q.getOne();
    if (!t) throw new NotFoundError(`工单 #${id} 不存在`);
    return t;
  }

  function assertCanSee(actor: Actor, t: Ticket): void {
    if (actor.role === 'unit_staff' && t.reporterUserId !== actor.userId && t.unitId !== actor.unitId) {
      throw new ForbiddenError('只能查看本单位的工单');
    }
  }

  async function openTicket(em: EntityManager, input: EscalationInput, now: Date): Promise<Ticket> {
    const clockDue = await due(now, 'response');
    const t = em.create(Ticket, {
      source: input.source, unitId: input.unitId, reporterUserId: input.reporterUserId, reporterWecomId: input.reporterWecomId,
      reporterName: input.reporterName, category: input.category, priority: input.priority, summary: input.question.slice(0, 500),
      guesses: input.guesses, assigneeId: null, state: 'new', createdAt: now, lastActivityAt: now,
      responseDueAt: clockDue.dueAt, responseRule: clockDue.rule, firstResponseAt: null, dispatchedAt: null,
      onsiteDueAt: null, arrivedAt: null, resolvedAt: null, closedAt: null,
    });
    await em.save(t);
    await event(em, t.id, 'created', null, input.question, { source: input.source, guesses: input.guesses, rule: clockDue.rule });
    return t;
  }

  return {
    /**
     * Opens a ticket for a question the bot could not answer, or appends to the same user's open
     * ticket of the last 30 minutes; engineers are notified through the outbox in the same transaction.
     */
    async escalate(input: EscalationInput): Promise<{ ticket: Ticket; appended: boolean }> {
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        let ticket: Ticket | null = null;
        if (input.reporterUserId && input.source === 'bot') {
          ticket = await em
            .createQueryBuilder(Ticket, 't')
            .where('t.reporterUserId = :u AND t.source = :s', { u: input.reporterUserId, s: 'bot' })
            .andWhere('t.state IN (:...open)', { open: ['new', 'acknowledged', 'in_progress', 'waiting_user'] })
            .andWhere('t.lastActivityAt >= :since', { since: new Date(now.getTime() - APPEND_WINDOW_MS).toISOString() })
            .orderBy('t.id', 'DESC')
            .getOne();
        }
        const appended = !!ticket;
        if (ticket) {
          await em.update(Ticket, ticket.id, { lastActivityAt: now, ...(ticket.state === 'waiting_user' ? { state: 'in_progress' } : {}) });
          await event(em, ticket.id, 'question', null, input.question, { guesses: input.guesses });
        } else {
          ticket = await openTicket(em, input, now);
        }
        const evKey = appended ? `q${now.getTime()}` : 'new';
        await noticeEngineers(em, ticket, await unitName(em, ticket.unitId), input.question, now, evKey);
        return { ticket, appended };
      });
    },

    /** A ticket entered by the desk (phone, fax, walk-in …). */
    async create(actor: Actor, input: CreateTicketInput): Promise<Ticket> {
      requireRole(actor, DESK_ROLES);
      return inTransaction(ds, async (em) => {
        let unitId: number | null = null;
        if (input.unitCode) {
          const unit = await em.findOneBy(Unit, { code: input.unitCode });
          if (!unit) throw new NotFoundError(`单位 ${input.unitCode} 不存在`);
          unitId = unit.id;
        }
        const t = await openTicket(em, { ...input, source: input.source as 'bot', unitId, reporterUserId: null, reporterWecomId: null, reporterName: input.reporterName ?? null, question: input.summary, guesses: [] }, clock.now());
        await recordAudit(em, actor, clock.now(), { action: 'ticket.create', entityType: 'ticket', entityId: t.id, after: input });
        return t;
      });
    },

    /** The engineer's answer: stored on the timeline and relayed to the reporter. */
    async reply(actor: Actor, id: number, text: string): Promise<Ticket> {
      requireRole(actor, DESK_ROLES);
      return inTransaction(ds, async (em) => {
        const t = await load(em, id);
        if (t.state === 'closed') throw new ConflictError(`工单 #${id} 已关闭，不能再回复`);
        const now = clock.now();
        const patch: Partial<Ticket> = { lastActivityAt: now, assigneeId: t.assigneeId ?? actor.userId };
        if (!t.firstResponseAt) patch.firstResponseAt = now;
        if (t.state === 'new' || t.state === 'acknowledged') patch.state = 'in_progress';
        await em.update(Ticket, id, patch);
        await event(em, id, 'reply', actor, text);
        await noticeReporter(em, t, `reply-${now.getTime()}`, `【工单 #${id} 工程师回复】\n${text}`, now);
        return { ...t, ...patch } as Ticket;
      });
    },

    /** Claims a ticket (first response if none yet). */
    async claim(actor: Actor, id: number): Promise<Ticket> {
      requireRole(actor, DESK_ROLES);
      return inTransaction(ds, async (em) => {
        const t = await load(em, id);
        if (t.state === 'resolved' || t.state === 'closed') throw new ConflictError(`工单 #${id} 已${TICKET_STATE_NAMES[t.state]}`);
        const now = clock.now();
        const patch: Partial<Ticket> = { assigneeId: actor.userId, lastActivityAt: now };
        if (!t.firstResponseAt) patch.firstResponseAt = now;
        if (t.state === 'new') patch.state = 'acknowledged';
        await em.update(Ticket, id, patch);
        await event(em, id, 'assign', actor, null);
        return { ...t, ...patch } as Ticket;
      });
    },

    /** Marks a ticket resolved and tells the reporter. */
    async resolve(actor: Actor, id: number, note?: string): Promise<Ticket> {
      requireRole(actor, DESK_ROLES);
      return inTransaction(ds, async (em) => {
        const t = await load(em, id);
        if (t.state === 'resolved' || t.state === 'closed') throw new ConflictError(`工单 #${id} 已${TICKET_STATE_NAMES[t.state]}，无需重复操作`);
        const now = clock.now();
        const patch: Partial<Ticket> = { state: 'resolved', resolvedAt: now, lastActivityAt: now, assigneeId: t.assigneeId ?? actor.userId };
        if (!t.firstResponseAt) patch.firstResponseAt = now;
        await em.update(Ticket, id, patch);
        await event(em, id, 'state', actor, note ?? null, { to: 'resolved' });
        await noticeReporter(em, t, 'resolved', `您的工单 #${id} 已处理完毕${note ? `：${note}` : '。'}\n如仍有问题，直接回复即可。`, now);
        return { ...t, ...patch } as Ticket;
      });
    },

    /** Records the decision to go on site; the on-site arrival clock starts. */
    async dispatch(actor: Actor, id: number, note?: string): Promise<Ticket> {
      requireRole(actor, DESK_ROLES);
      return inTransaction(ds, async (em) => {
        const t = await load(em, id);
        if (t.state === 'resolved' || t.state === 'closed') throw new ConflictError(`工单 #${id} 已${TICKET_STATE_NAMES[t.state]}`);
        const now = clock.now();
        const onsite = await due(now, 'onsite');
        const patch: Partial<Ticket> = { dispatchedAt: now, onsiteDueAt: onsite.dueAt, state: 'in_progress', lastActivityAt: now };
        if (!t.firstResponseAt) patch.firstResponseAt = now;
        await em.update(Ticket, id, patch);
        await event(em, id, 'dispatch', actor, note ?? null, { onsiteDueAt: onsite.dueAt.toISOString(), rule: onsite.rule });
        await noticeReporter(em, t, 'dispatch', `工单 #${id}：工程师将到现场处理，预计 ${formatShanghai(onsite.dueAt)} 前到达。`, now);
        return { ...t, ...patch } as Ticket;
      });
    },

    async get(actor: Actor, id: number): Promise<Ticket & { events: TicketEvent[] }> {
      const t = await load(ds.manager, id);
      assertCanSee(actor, t);
      const events = await ds.getRepository(TicketEvent).find({ where: { ticketId: id }, order: { id: 'ASC' } });
      return { ...t, events };
    },

    async list(actor: Actor, q: ListTicketsQuery): Promise<Page<Ticket>> {
      const qb = ds.getRepository(Ticket).createQueryBuilder('t').orderBy('t.id', 'DESC');
      if (actor.role === 'unit_staff') qb.andWhere('t.unitId = :u', { u: actor.unitId });
      if (q.state) qb.andWhere('t.state = :s', { s: q.state });
      if (q.source) qb.andWhere('t.source = :src', { src: q.source });
      if (q.unitCode) {
        const unit = await ds.getRepository(Unit).findOneBy({ code: q.unitCode });
        if (!unit) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
        if (actor.role === 'unit_staff' && unit.id !== actor.unitId) throw new ForbiddenError('只能查看本单位的工单');
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
export type TicketService = ReturnType<typeof makeTicketService>;
