import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../errors';
import { type Actor, systemActor } from '../../identity/actor';
import { engineerRecipients } from '../desk-notices';
import type { Ticket } from '../ticket.entity';
import { ticketById, type TicketPort, unitCodes } from './records.common';
import type { AnswerReturnVisitInput, CreateReturnVisitInput, ListReturnVisitsQuery } from './records.schemas';
import type { ReturnVisit } from './return-visit.entity';
import { parseRating } from './return-visit.rating';
import { ANSWER_WINDOW_MS, insertVisit, nextWorkingDayAt } from './return-visit.schedule';
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

async function views(tx: Pick<Repositories, 'catalog'>, rows: ReturnVisit[]): Promise<ReturnVisitView[]> {
  const units = await unitCodes(
    tx,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, dedupeKey: _k, ...r }) => ({ ...r, unitCode: unitId ? (units.get(unitId)?.code ?? null) : null }));
}

/** Return visits (回访): scheduled after resolution or onboarding, asked through WeCom or by phone, answered 1–5. */
export function makeReturnVisitService(deps: { store: DomainStore; clock: Clock; tickets: Pick<TicketPort, 'reopen' | 'close'> }) {
  const { store, clock, tickets } = deps;

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
    return store.transaction(async (tx) => {
      const now = clock.now();
      const v = await tx.returnVisits.findForUpdate(id);
      if (!v) throw new NotFoundError('RECORD_NOT_FOUND', `回访 #${id} 不存在`);
      if (!can(actor, 'desk.record.write') && actor.userId !== v.userId) throw new ForbiddenError('OTHER_UNIT', '只能回复发给您本人的回访');
      if (v.status !== 'scheduled' && v.status !== 'asked')
        throw new ConflictError('STATE_NOT_ALLOWED', `回访 #${id} 已${STATUS_NAMES[v.status]}，不能再评价`);
      const t = v.ticketId ? await tx.tickets.byId(v.ticketId) : null;
      const follow = t?.state === 'resolved' ? (rating <= REOPEN_AT_OR_BELOW ? 'reopen' : 'close') : null;
      const outcome = follow === 'reopen' ? 'reopened' : follow === 'close' ? 'closed' : 'noted';
      const patch = { status: 'answered' as const, rating, comment, answeredAt: now, answeredById: actor.userId, outcome };
      await tx.returnVisits.update(id, patch);
      if (rating <= REOPEN_AT_OR_BELOW && follow !== 'reopen') await warnEngineer(tx, v, t, rating, comment, now);
      await tx.audit.record(actor, now, {
        action: 'return-visit.answer',
        entityType: 'return_visit',
        entityId: id,
        after: { rating, comment, outcome },
      });
      return { visit: { ...v, ...patch }, follow };
    });
  }

  async function warnEngineer(
    tx: Repositories,
    v: ReturnVisit,
    t: Ticket | null,
    rating: number,
    comment: string | null,
    now: Date,
  ): Promise<void> {
    const assignee = t?.assigneeId ? await tx.identity.byId(t.assigneeId) : null;
    const to = assignee?.active && assignee.wecomUserId ? [assignee.wecomUserId] : await engineerRecipients(tx);
    if (to.length === 0) return;
    const what = t ? `工单 #${t.id}（${t.summary.slice(0, 40)}）` : `回访 #${v.id}`;
    const content = `【回访差评】${what} 回访评分 ${rating} 分${comment ? `，意见：${comment}` : ''}。请尽快联系${v.contactName ?? '用户'}了解情况。`;
    await tx.outbox.enqueue(`return-visit-${v.id}-low`, { channel: 'app', toUsers: to, kind: 'text', content }, now);
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
      await store.read.returnVisits.update(v.id, { outcome: 'noted', note });
      return { ...v, outcome: 'noted', note };
    }
  }

  async function answer(actor: Actor, id: number, rating: number, comment: string | null): Promise<ReturnVisitView> {
    const { visit: v, follow } = await applyAnswer(actor, id, rating, comment);
    const visit = follow ? await followTicket(v, follow, rating, comment) : v;
    return (await views(store.read, [visit]))[0];
  }

  return {
    /** The visits job: asks due surveys, expires unanswered ones, plans onboarding visits. */
    async runDue(): Promise<{ asked: number; expired: number; planned: number }> {
      const now = clock.now();
      const planned = await scheduleOnboardingVisits(store, now);
      return { ...(await askDueVisits(store, now)), planned };
    },

    /** The open survey a user was asked in the last 3 days, if any (the bot routes their reply here). */
    async pendingFor(userId: number): Promise<ReturnVisitView | null> {
      const since = new Date(clock.now().getTime() - ANSWER_WINDOW_MS);
      const v = await store.read.returnVisits.askedOf(userId, since);
      return v ? (await views(store.read, [v]))[0] : null;
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
      return store.transaction(async (tx) => {
        const now = clock.now();
        const t = input.ticketId ? await ticketById(tx, input.ticketId) : null;
        const unit = input.unitCode ? await tx.catalog.unitByCode(input.unitCode) : null;
        const person = input.wecomUserId ? await tx.identity.byWecomId(input.wecomUserId) : null;
        if (input.wecomUserId && !person) throw new NotFoundError('USER_NOT_FOUND', `企业微信用户 ${input.wecomUserId} 未登记`);
        const v = await insertVisit(
          tx,
          {
            kind: 'manual',
            ticketId: t?.id ?? null,
            unitId: unit?.id ?? t?.unitId ?? person?.unitId ?? null,
            userId: person?.id ?? t?.reporterUserId ?? null,
            wecomUserId: person?.wecomUserId ?? (input.wecomUserId ? null : (t?.reporterWecomId ?? null)),
            contactName: input.contactName ?? person?.name ?? t?.reporterName ?? null,
            note: input.note ?? null,
            dueAt: input.dueAt ?? nextWorkingDayAt(await tx.slaCalendar.calendar(), now),
          },
          now,
        );
        await tx.audit.record(actor, now, { action: 'return-visit.create', entityType: 'return_visit', entityId: v.id, after: input });
        return (await views(tx, [v]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<ReturnVisitView> {
      const v = await store.read.returnVisits.byId(id);
      if (!v) throw new NotFoundError('RECORD_NOT_FOUND', `回访 #${id} 不存在`);
      if (!can(actor, 'desk.record.read') && v.userId !== actor.userId && (v.unitId === null || v.unitId !== actor.unitId))
        throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的回访');
      return (await views(store.read, [v]))[0];
    },

    /** Latest due first; unit staff see their own unit's visits. */
    async list(actor: Actor, q: ListReturnVisitsQuery): Promise<Page<ReturnVisitView>> {
      const db = store.read;
      const unitId = q.unitCode ? (await db.catalog.unitByCode(q.unitCode)).id : undefined;
      const [rows, total] = await db.returnVisits.page(
        { own: isUnitScoped(actor) ? actor.unitId : undefined, status: q.status, ticketId: q.ticketId, unitId },
        pageWindow(q),
      );
      return { items: await views(db, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ReturnVisitService = ReturnType<typeof makeReturnVisitService>;
