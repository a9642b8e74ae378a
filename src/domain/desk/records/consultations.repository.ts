import type { RepoContext } from '../../db/store';
import { Consultation } from './consultation.entity';

/** Filters of the consultation log; `own` is the unit a unit-scoped reader is limited to. */
export interface ConsultationFilter {
  own?: number | null;
  unitId?: number;
  channel?: string;
  category?: string;
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
  /** Part of the question, answer or caller. */
  text?: string;
}

/** The consultation log (来电记录). */
export function makeConsultationRepository({ em }: RepoContext) {
  return {
    async insert(values: Omit<Consultation, 'id'>): Promise<Consultation> {
      return em.save(em.create(Consultation, values));
    },
    byId: (id: number): Promise<Consultation | null> => em.findOneBy(Consultation, { id }),
    /** Newest first. */
    page(f: ConsultationFilter, window: { skip: number; take: number }): Promise<[Consultation[], number]> {
      const qb = em.createQueryBuilder(Consultation, 'c').orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'DESC');
      if (f.own !== undefined) qb.andWhere('c.unitId = :own', { own: f.own });
      if (f.unitId !== undefined) qb.andWhere('c.unitId = :uid', { uid: f.unitId });
      if (f.channel) qb.andWhere('c.channel = :ch', { ch: f.channel });
      if (f.category) qb.andWhere('c.category = :cat', { cat: f.category });
      if (f.from) qb.andWhere('c.receivedAt >= :from', { from: f.from.toISOString() });
      if (f.to) qb.andWhere('c.receivedAt < :to', { to: f.to.toISOString() });
      if (f.text) qb.andWhere('(c.question LIKE :q OR c.answer LIKE :q OR c.caller LIKE :q)', { q: `%${f.text.replace(/[%_]/g, '')}%` });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
  };
}
export type ConsultationRepository = ReturnType<typeof makeConsultationRepository>;
