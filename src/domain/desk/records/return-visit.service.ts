import type { DataSource, EntityManager } from 'typeorm';
import { MoreThanOrEqual } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import { inTransaction } from '../../db/transaction';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../errors';
import { type Actor, systemActor } from '../../identity/actor';
import { User } from '../../identity/user.entity';
import { enqueueOutbox } from '../../outbox/outbox';
import { engineerRecipients } from '../desk-notices';
import { Ticket } from '../ticket.entity';
import { ticketById, type TicketPort, unitByCode, unitCodes } from './records.common';
import type { AnswerReturnVisitInput, CreateReturnVisitInput, ListReturnVisitsQuery } from './records.schemas';
import { ReturnVisit } from './return-visit.entity';
import { parseRating } from './return-visit.rating';
import { ANSWER_WINDOW_MS, calendarIn, insertVisit, nextWorkingDayAt, scheduleTicketVisit } from './return-visit.schedule';
import { askDueVisits, scheduleOnboardingVisits } from './return-visit.survey';
import { can, isUnitScoped, requirePermission } from '../../policy';

/** A rating at or below this reopens the ticket (service-desk.md). */
export const REOPEN_AT_OR_BELOW = 2;
// Reopening and closing are consequences of the user's answer, done by the desk's system identity.
const visitActor: Actor = { ...systemActor, username: 'return-visit' };
const STATUS_NAMES: Record<ReturnVisit['status'], string> = {
  scheduled: '安排',
  asked: '发出',
  answered: '评价',
  expired: '过期',
  cancelled: '取消',
};

export type ReturnVisitView = Omit<ReturnVisit, 'unitId' | 'dedupeKey'> & { unitCode: string | null };
/** The bot's answer to a survey reply: accepted (with the reply to send) or a hint, nothing changed. */
export type SurveyReply = { accepted: true; reply: string; visit: ReturnVisitView } | { accepted: false; reply: string };

async function views(em: EntityManager, rows: ReturnVisit[]): Promise<ReturnVisitView[]> {
  const units = await unitCodes(
    em,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, dedupeKey: _k, ...r }) => ({ ...r, unitCode: unitId ? (units.get(unitId)?.code ?? null) : null }));
}

/** Return visits (回访): scheduled after resolution or onboarding, asked through WeCom or by phone, answered 1–5. */
export function makeReturnVisitService(deps: { ds: DataSource; clock: Clock; tickets: Pick<TicketPort, 'reopen' | 'close'> }) {
  const { ds, clock, tickets } = deps;

  /**
   * Stores the answer (conditional on the visit still being open, so a repeated reply counts once).
   * A bad rating with nothing to reopen warns the engineer here; reopening tells the desk itself.
   */
  async function applyAnswer(
    actor: Actor,
    id: number,
    rating: number,
    comment: string | null,
  ): Promise<{ visit: ReturnVisit; follow: 'reopen' | 'close' | null }> {
    return inTransaction(ds, async (em) => {
      const now = clock.now();
      const q = em.createQueryBuilder(ReturnVisit, 'v').where('v.id = :id', { id });
      if (em.connection.options.type === 'postgres') q.setLock('pessimistic_write');
      const v = await q.getOne();
      if (!v) throw new NotFoundError('RECORD_NOT_FOUND', `回访 #${id} 不存在`);
      if (!can(actor, 'desk.record.write') && actor.userId !== v.userId) throw new ForbiddenError('OTHER_UNIT', '只能回复发给您本人的回访');
      if (v.status !== 'scheduled' && v.status !== 'asked')
        throw new ConflictError('STATE_NOT_ALLOWED', `回访 #${id} 已${STATUS_NAMES[v.status]}，不能再评价`);
      const t = v.ticketId ? await em.findOneBy(Ticket, { id: v.ticketId }) : null;
      const follow = t?.state === 'resolved' ? (rating <= REOPEN_AT_OR_BELOW ? 'reopen' : 'close') : null;
      const outcome = follow === 'reopen' ? 'reopened' : follow === 'close' ? 'closed' : 'noted';
      const patch = { status: 'answered' as const, rating, comment, answeredAt: now, answeredById: actor.userId, outcome };
      await em.update(ReturnVisit, id, patch);
      if (rating <= REOPEN_AT_OR_BELOW && follow !== 'reopen') await warnEngineer(em, v, t, rating, comment, now);
      await recordAudit(em, actor, now, {
        action: 'return-visit.answer',
        entityType: 'return_visit',
        entityId: id,
        after: { rating, comment, outcome },
      });
      return { visit: { ...v, ...patch }, follow };
    });
  }

  async function warnEngineer(
    em: EntityManager,
    v: ReturnVisit,
    t: Ticket | null,
    rating: number,
    comment: string | null,
    now: Date,
  ): Promise<void> {
    const assignee = t?.assigneeId ? await em.findOneBy(User, { id: t.assigneeId, active: true }) : null;
    const to = assignee?.wecomUserId ? [assignee.wecomUserId] : await engineerRecipients(em);
    if (to.length === 0) return;
    const what = t ? `工单 #${t.id}（${t.summary.slice(0, 40)}）` : `回访 #${v.id}`;
    const content = `【回访差评】${what} 回访评分 ${rating} 分${comment ? `，意见：${comment}` : ''}。请尽快联系${v.contactName ?? '用户'}了解情况。`;
    await enqueueOutbox(em, `return-visit-${v.id}-low`, { channel: 'app', toUsers: to, kind: 'text', content }, now);
  }

  // The ticket service runs its own transaction, so reopening or closing follows the recorded answer
  // (claimed once above); a ticket that moved on meanwhile keeps its state and the visit says so.
  async function followTicket(v: ReturnVisit, follow: 'reopen' | 'close', rating: number, comment: string | null): Promise<ReturnVisit> {
    try {
      if (follow === 'reopen')
        await tickets.reopen(
          visitActor,
          v.ticketId as number,
          `回访评分 ${rating} 分${comment ? `，用户意见：${comment}` : ''}`.slice(0, 1000),
        );
      else await tickets.close(visitActor, v.ticketId as number);
      return v;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const note = `${follow === 'reopen' ? '重新打开' : '关闭'}工单失败：${err.message}`.slice(0, 500);
      await ds.getRepository(ReturnVisit).update(v.id, { outcome: 'noted', note });
      return { ...v, outcome: 'noted', note };
    }
  }

  async function answer(actor: Actor, id: number, rating: number, comment: string | null): Promise<ReturnVisitView> {
    const { visit: v, follow } = await applyAnswer(actor, id, rating, comment);
    const visit = follow ? await followTicket(v, follow, rating, comment) : v;
    return (await views(ds.manager, [visit]))[0];
  }

  return {
    /** For the ticket service's resolve transaction: schedules the survey for the next working day. */
    scheduleFor: (em: EntityManager, ticket: Ticket, now: Date) => scheduleTicketVisit(em, ticket, now),

    /** The visits job: asks due surveys, expires unanswered ones, plans onboarding visits. */
    async runDue(): Promise<{ asked: number; expired: number; planned: number }> {
      const now = clock.now();
      const planned = await scheduleOnboardingVisits(ds, now);
      return { ...(await askDueVisits(ds, now)), planned };
    },

    /** The open survey a user was asked in the last 3 days, if any (the bot routes their reply here). */
    async pendingFor(userId: number): Promise<ReturnVisitView | null> {
      const since = new Date(clock.now().getTime() - ANSWER_WINDOW_MS);
      const v = await ds
        .getRepository(ReturnVisit)
        .findOne({ where: { userId, status: 'asked', askedAt: MoreThanOrEqual(since) as never }, order: { askedAt: 'DESC', id: 'DESC' } });
      return v ? (await views(ds.manager, [v]))[0] : null;
    },

    /** A free-text survey reply from the bot: a rating 1–5 plus comment, or a hint and nothing changed. */
    async recordAnswer(actor: Actor, visitId: number, text: string): Promise<SurveyReply> {
      const parsed = parseRating(text);
      if (!parsed.ok) return { accepted: false, reply: parsed.hint };
      const visit = await answer(actor, visitId, parsed.rating, parsed.comment || null);
      const reply =
        visit.outcome === 'reopened'
          ? `非常抱歉给您带来不便！已重新打开工单 #${visit.ticketId}，工程师会尽快与您联系。`
          : `感谢您的评价（${parsed.rating} 分）！${parsed.comment ? '您的意见我们已记录。' : ''}`;
      return { accepted: true, reply, visit };
    },

    /** An answer taken by an operator on the phone. */
    async answer(actor: Actor, id: number, input: AnswerReturnVisitInput): Promise<ReturnVisitView> {
      requirePermission(actor, 'desk.record.write');
      return answer(actor, id, input.rating, input.comment ?? null);
    },

    /** A visit planned by hand (a ticket's reporter, or a unit's contact / staff member). */
    async create(actor: Actor, input: CreateReturnVisitInput): Promise<ReturnVisitView> {
      requirePermission(actor, 'desk.record.write');
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const t = input.ticketId ? await ticketById(em, input.ticketId) : null;
        const unit = input.unitCode ? await unitByCode(em, input.unitCode) : null;
        const person = input.wecomUserId ? await em.findOneBy(User, { wecomUserId: input.wecomUserId }) : null;
        if (input.wecomUserId && !person) throw new NotFoundError('USER_NOT_FOUND', `企业微信用户 ${input.wecomUserId} 未登记`);
        const v = await insertVisit(
          em,
          {
            kind: 'manual',
            ticketId: t?.id ?? null,
            unitId: unit?.id ?? t?.unitId ?? person?.unitId ?? null,
            userId: person?.id ?? t?.reporterUserId ?? null,
            wecomUserId: person?.wecomUserId ?? (input.wecomUserId ? null : (t?.reporterWecomId ?? null)),
            contactName: input.contactName ?? person?.name ?? t?.reporterName ?? null,
            note: input.note ?? null,
            dueAt: input.dueAt ?? nextWorkingDayAt(await calendarIn(em), now),
          },
          now,
        );
        await recordAudit(em, actor, now, { action: 'return-visit.create', entityType: 'return_visit', entityId: v.id, after: input });
        return (await views(em, [v]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<ReturnVisitView> {
      const v = await ds.getRepository(ReturnVisit).findOneBy({ id });
      if (!v) throw new NotFoundError('RECORD_NOT_FOUND', `回访 #${id} 不存在`);
      if (!can(actor, 'desk.record.read') && v.userId !== actor.userId && (v.unitId === null || v.unitId !== actor.unitId))
        throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的回访');
      return (await views(ds.manager, [v]))[0];
    },

    /** Latest due first; unit staff see their own unit's visits. */
    async list(actor: Actor, q: ListReturnVisitsQuery): Promise<Page<ReturnVisitView>> {
      const qb = ds.getRepository(ReturnVisit).createQueryBuilder('v').orderBy('v.dueAt', 'DESC').addOrderBy('v.id', 'DESC');
      if (isUnitScoped(actor)) qb.andWhere('v.unitId = :own', { own: actor.unitId });
      if (q.status) qb.andWhere('v.status = :s', { s: q.status });
      if (q.ticketId) qb.andWhere('v.ticketId = :t', { t: q.ticketId });
      if (q.unitCode) qb.andWhere('v.unitId = :u', { u: (await unitByCode(ds.manager, q.unitCode)).id });
      const { skip, take } = pageWindow(q);
      const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items: await views(ds.manager, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ReturnVisitService = ReturnType<typeof makeReturnVisitService>;
