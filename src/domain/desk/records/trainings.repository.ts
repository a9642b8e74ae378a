import type { RepoContext } from '../../db/store';
import { TrainingRequest, TrainingSession } from './training.entity';

// Sessions store their units as JSON text: a code matches only quoted, whole and case-sensitive
// (LIKE would let `_` in a code match any character, and SQLite's LIKE ignores case).
const listsUnit = (dialect: RepoContext['dialect'], param: string) => `${dialect.position('s.unitCodes', `:${param}`)} > 0`;

/** Training (培训): sessions and requests. */
export function makeTrainingRepository({ em, dialect }: RepoContext) {
  return {
    async insertSession(values: Omit<TrainingSession, 'id'>): Promise<TrainingSession> {
      return em.save(em.create(TrainingSession, values));
    },
    sessionById: (id: number): Promise<TrainingSession | null> => em.findOneBy(TrainingSession, { id }),
    /**
     * Newest date first; `unitCode` matches sessions that list the unit. `openTo` (a unit-scoped
     * reader's unit, null for none) keeps the sessions open to every unit and those listing it.
     */
    pageSessions(
      f: { from?: string; to?: string; unitCode?: string; openTo?: string | null },
      window: { skip: number; take: number },
    ): Promise<[TrainingSession[], number]> {
      const qb = em.createQueryBuilder(TrainingSession, 's').orderBy('s.date', 'DESC').addOrderBy('s.id', 'DESC');
      if (f.from) qb.andWhere('s.date >= :from', { from: f.from });
      if (f.to) qb.andWhere('s.date <= :to', { to: f.to });
      if (f.unitCode) qb.andWhere(listsUnit(dialect, 'code'), { code: JSON.stringify(f.unitCode) });
      if (f.openTo !== undefined) {
        if (f.openTo === null) qb.andWhere("s.unitCodes = '[]'");
        else qb.andWhere(`(s.unitCodes = '[]' OR ${listsUnit(dialect, 'own')})`, { own: JSON.stringify(f.openTo) });
      }
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },

    async insertRequest(values: Omit<TrainingRequest, 'id'>): Promise<TrainingRequest> {
      return em.save(em.create(TrainingRequest, values));
    },
    async updateRequest(id: number, patch: Partial<Omit<TrainingRequest, 'id'>>): Promise<void> {
      await em.update(TrainingRequest, id, patch);
    },
    requestById: (id: number): Promise<TrainingRequest | null> => em.findOneBy(TrainingRequest, { id }),
    /** Newest first; `own` is the unit a unit-scoped reader is limited to. */
    pageRequests(
      f: { own?: number | null; status?: string; unitId?: number },
      window: { skip: number; take: number },
    ): Promise<[TrainingRequest[], number]> {
      const qb = em.createQueryBuilder(TrainingRequest, 'r').orderBy('r.id', 'DESC');
      if (f.own !== undefined) qb.andWhere('r.unitId = :own', { own: f.own });
      if (f.status) qb.andWhere('r.status = :s', { s: f.status });
      if (f.unitId !== undefined) qb.andWhere('r.unitId = :u', { u: f.unitId });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
  };
}
export type TrainingRepository = ReturnType<typeof makeTrainingRepository>;
