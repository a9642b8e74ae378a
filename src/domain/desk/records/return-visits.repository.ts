import { In, LessThan, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import type { RepoContext } from '../../db/store';
import { ReturnVisit } from './return-visit.entity';

/** Filters of the return-visit list; `own` is the unit a unit-scoped reader is limited to. */
export interface ReturnVisitFilter {
  own?: number | null;
  status?: ReturnVisit['status'];
  ticketId?: number;
  unitId?: number;
}

/** Return visits (回访), keyed by a dedupe key so a visit is planned once. */
export function makeReturnVisitRepository({ em, dialect }: RepoContext) {
  return {
    /** Inserts a visit unless its dedupeKey exists; returns the stored row either way. */
    async insertOnce(values: Omit<ReturnVisit, 'id'>): Promise<ReturnVisit> {
      await dialect.insertIgnore(em, ReturnVisit, values);
      return em.findOneByOrFail(ReturnVisit, { dedupeKey: values.dedupeKey });
    },
    existsWithKey: (dedupeKey: string): Promise<boolean> => em.existsBy(ReturnVisit, { dedupeKey }),
    byId: (id: number): Promise<ReturnVisit | null> => em.findOneBy(ReturnVisit, { id }),
    /** A visit read with a row lock (inside a transaction, on engines that lock rows). */
    findForUpdate: (id: number): Promise<ReturnVisit | null> =>
      dialect.forUpdate(em, em.createQueryBuilder(ReturnVisit, 'v').where('v.id = :id', { id })).getOne(),
    async update(id: number, patch: Partial<Omit<ReturnVisit, 'id'>>): Promise<void> {
      await em.update(ReturnVisit, id, patch);
    },
    /** Cancels a ticket's open visits other than the one keyed `keep`. */
    async cancelOpenOfTicket(ticketId: number, keep: string): Promise<void> {
      await em.update(ReturnVisit, { ticketId, status: In(['scheduled', 'asked']), dedupeKey: Not(keep) }, { status: 'cancelled' });
    },
    /** Asked visits unanswered since before `askedBefore` expire; returns how many. */
    async expireAskedBefore(askedBefore: Date): Promise<number> {
      const r = await em.update(ReturnVisit, { status: 'asked', askedAt: LessThan(askedBefore) as never }, { status: 'expired' });
      return r.affected ?? 0;
    },
    /** Ids of scheduled WeCom visits due by `now`, earliest first. */
    async dueWecomIds(now: Date, limit: number): Promise<number[]> {
      const rows = await em.find(ReturnVisit, {
        select: { id: true },
        where: { status: 'scheduled', channel: 'wecom', dueAt: LessThanOrEqual(now) as never },
        order: { dueAt: 'ASC' },
        take: limit,
      });
      return rows.map((r) => r.id);
    },
    /** scheduled → asked; true only for the one caller that made the change. */
    async markAsked(id: number, now: Date): Promise<boolean> {
      const r = await em.update(ReturnVisit, { id, status: 'scheduled' }, { status: 'asked', askedAt: now });
      return (r.affected ?? 0) === 1;
    },
    /** The newest visit a user was asked since `since` and has not answered. */
    askedOf: (userId: number, since: Date): Promise<ReturnVisit | null> =>
      em.findOne(ReturnVisit, {
        where: { userId, status: 'asked', askedAt: MoreThanOrEqual(since) as never },
        order: { askedAt: 'DESC', id: 'DESC' },
      }),
    /** Latest due first. */
    page(f: ReturnVisitFilter, window: { skip: number; take: number }): Promise<[ReturnVisit[], number]> {
      const qb = em.createQueryBuilder(ReturnVisit, 'v').orderBy('v.dueAt', 'DESC').addOrderBy('v.id', 'DESC');
      if (f.own !== undefined) qb.andWhere('v.unitId = :own', { own: f.own });
      if (f.status) qb.andWhere('v.status = :s', { s: f.status });
      if (f.ticketId) qb.andWhere('v.ticketId = :t', { t: f.ticketId });
      if (f.unitId !== undefined) qb.andWhere('v.unitId = :u', { u: f.unitId });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
  };
}
export type ReturnVisitRepository = ReturnType<typeof makeReturnVisitRepository>;
