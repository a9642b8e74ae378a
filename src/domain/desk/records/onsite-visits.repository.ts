import type { RepoContext } from '../../db/store';
import { OnsiteVisit } from './onsite-visit.entity';

/** Filters of the on-site visit list; `own` is the unit a unit-scoped reader is limited to. */
export interface OnsiteVisitFilter {
  own?: number | null;
  unitId?: number;
  ticketId?: number;
}

/** On-site service records (现场服务). */
export function makeOnsiteVisitRepository({ em }: RepoContext) {
  return {
    async insert(values: Omit<OnsiteVisit, 'id'>): Promise<OnsiteVisit> {
      return em.save(em.create(OnsiteVisit, values));
    },
    async save(row: OnsiteVisit): Promise<void> {
      await em.save(OnsiteVisit, row);
    },
    byId: (id: number): Promise<OnsiteVisit | null> => em.findOneBy(OnsiteVisit, { id }),
    /** Newest dispatch first. */
    page(f: OnsiteVisitFilter, window: { skip: number; take: number }): Promise<[OnsiteVisit[], number]> {
      const qb = em.createQueryBuilder(OnsiteVisit, 'v').orderBy('v.dispatchedAt', 'DESC').addOrderBy('v.id', 'DESC');
      if (f.own !== undefined) qb.andWhere('v.unitId = :own', { own: f.own });
      if (f.unitId !== undefined) qb.andWhere('v.unitId = :uid', { uid: f.unitId });
      if (f.ticketId) qb.andWhere('v.ticketId = :tid', { tid: f.ticketId });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
  };
}
export type OnsiteVisitRepository = ReturnType<typeof makeOnsiteVisitRepository>;
