import type { RepoContext } from '../db/store';
import { Consultation } from '../desk/records/consultation.entity';
import { ReturnVisit } from '../desk/records/return-visit.entity';
import { SlaClock } from '../desk/sla-clock.entity';
import { Ticket } from '../desk/ticket.entity';
import type { Period } from './report.schemas';

/** A GROUP BY row: the key and its count (bigint counts come back as strings on PostgreSQL). */
export interface KeyCount {
  k: string | number | null;
  n: number;
}

/** The service desk's read model for its reports: tickets, SLA clocks, consultations and return visits. */
export function deskReportQueries({ em }: RepoContext) {
  const returnVisitsBy = (p: Period, col: 'askedAt' | 'answeredAt', unitId?: number) => {
    const qb = em.createQueryBuilder(ReturnVisit, 'v').where(`v.${col} >= :a AND v.${col} < :b`, { a: p.startIso, b: p.endIso });
    if (unitId !== undefined) qb.andWhere('v.unitId = :u', { u: unitId });
    return qb;
  };

  return {
    /** Tickets opened in the period counted by one column (unsorted). */
    async ticketCounts(p: Period, column: 'source' | 'category' | 'unitId'): Promise<KeyCount[]> {
      const rows: Array<{ k: string | number | null; n: string | number }> = await em
        .createQueryBuilder(Ticket, 't')
        .select(`t.${column}`, 'k')
        .addSelect('COUNT(*)', 'n')
        .where('t.createdAt >= :a AND t.createdAt < :b', { a: p.startIso, b: p.endIso })
        .groupBy(`t.${column}`)
        .getRawMany();
      return rows.map((r) => ({ k: r.k, n: Number(r.n) }));
    },

    /** SLA clocks started in the period, oldest first. */
    clocksStarted: (p: Period): Promise<SlaClock[]> =>
      em
        .createQueryBuilder(SlaClock, 'c')
        .where('c.startedAt >= :a AND c.startedAt < :b', { a: p.startIso, b: p.endIso })
        .orderBy('c.id')
        .getMany(),

    /** Consultations received in the period grouped by one column: count and minutes, most first. */
    async consultationsBy(
      p: Period,
      column: 'channel' | 'category' | 'unitId',
      unitId?: number,
    ): Promise<Array<{ k: string | number | null; n: unknown; m: unknown }>> {
      const expr = `c.${column}`;
      const qb = em
        .createQueryBuilder(Consultation, 'c')
        .select(expr, 'k')
        .addSelect('COUNT(*)', 'n')
        .addSelect('COALESCE(SUM(c.durationMinutes), 0)', 'm')
        .where('c.receivedAt >= :a AND c.receivedAt < :b', { a: p.startIso, b: p.endIso })
        .groupBy(expr)
        .orderBy('n', 'DESC')
        .addOrderBy(expr, 'ASC');
      if (unitId !== undefined) qb.andWhere('c.unitId = :u', { u: unitId });
      return qb.getRawMany();
    },

    /** Return-visit surveys asked in the period. */
    returnVisitsAsked: (p: Period, unitId?: number): Promise<number> => returnVisitsBy(p, 'askedAt', unitId).getCount(),

    /** Surveys answered in the period per rating, with how many of them reopened their ticket. */
    returnVisitRatings: (p: Period, unitId?: number): Promise<Array<{ r: unknown; n: unknown; reopened: unknown }>> =>
      returnVisitsBy(p, 'answeredAt', unitId)
        .andWhere("v.status = 'answered'")
        .select('v.rating', 'r')
        .addSelect('COUNT(*)', 'n')
        .addSelect("SUM(CASE WHEN v.outcome = 'reopened' THEN 1 ELSE 0 END)", 'reopened')
        .groupBy('v.rating')
        .getRawMany(),
  };
}
