import { Brackets } from 'typeorm';
import { Unit } from '../catalog/unit.entity';
import { toDbInstant } from '../db/columns';
import type { RepoContext } from '../db/store';
import { BotExchange } from '../desk/exchange.entity';
import { Consultation } from '../desk/records/consultation.entity';
import { SlaClock } from '../desk/sla-clock.entity';
import { Ticket } from '../desk/ticket.entity';
import { JournalEntry } from '../ledger/journal-entry.entity';
import { Incident } from '../monitoring/incident.entity';
import type { SummaryPeriod } from './summary-period';

const range = (p: SummaryPeriod) => ({ a: toDbInstant(p.startAt), b: toDbInstant(p.endAt) });

/** What a "not answered" bot exchange is: escalated, or no intent recognised. */
const notAnswered = () => new Brackets((w) => w.where('e.escalated = :t', { t: true }).orWhere("e.intent = 'None'"));

/** The reads behind the service summaries' figures (one period each; the arithmetic lives in *-figures.ts). */
export function summaryFigureQueries({ em }: RepoContext) {
  // Questions only: an engineer's command (#12 回复 …) goes through the bot but asks it nothing.
  const exchanges = (p: SummaryPeriod) =>
    em.createQueryBuilder(BotExchange, 'e').where('e.at >= :a AND e.at < :b', range(p)).andWhere("e.outcome <> 'command'");
  const activeUnits = (p: SummaryPeriod) =>
    em.createQueryBuilder(Unit, 'u').where('u.active = :t AND u.createdAt < :b', { t: true, b: toDbInstant(p.endAt) });

  return {
    /** 来电记录 received in the period: channel and category of each. */
    consultationsIn: (p: SummaryPeriod): Promise<Array<Pick<Consultation, 'channel' | 'category'>>> =>
      em
        .createQueryBuilder(Consultation, 'c')
        .select(['c.channel', 'c.category'])
        .where('c.receivedAt >= :a AND c.receivedAt < :b', range(p))
        .getMany(),

    /** Tickets opened in the period (id, source, createdAt). */
    ticketsOpened: (p: SummaryPeriod): Promise<Array<Pick<Ticket, 'id' | 'source' | 'createdAt'>>> =>
      em
        .createQueryBuilder(Ticket, 't')
        .select(['t.id', 't.source', 't.createdAt'])
        .where('t.createdAt >= :a AND t.createdAt < :b', range(p))
        .getMany(),

    /** Tickets resolved in the period (id, resolvedAt). */
    ticketsResolved: (p: SummaryPeriod): Promise<Array<Pick<Ticket, 'id' | 'resolvedAt'>>> =>
      em
        .createQueryBuilder(Ticket, 't')
        .select(['t.id', 't.resolvedAt'])
        .where('t.resolvedAt >= :a AND t.resolvedAt < :b', range(p))
        .getMany(),

    /** Tickets opened before `endAt` and neither resolved nor closed by then. */
    ticketBacklog(endAt: Date): Promise<number> {
      const end = toDbInstant(endAt);
      return em
        .createQueryBuilder(Ticket, 't')
        .where('t.createdAt < :end', { end })
        .andWhere(new Brackets((w) => w.where('t.resolvedAt IS NULL').orWhere('t.resolvedAt >= :end', { end })))
        .andWhere(new Brackets((w) => w.where('t.closedAt IS NULL').orWhere('t.closedAt >= :end', { end })))
        .getCount();
    },

    /**
     * SLA clocks decided in the period: met when stopped in it, breached when the breach fell in it,
     * and running clocks whose due time in the period has passed by `now`.
     */
    clocksDecided(p: SummaryPeriod, now: Date): Promise<SlaClock[]> {
      const { a, b } = range(p);
      return em
        .createQueryBuilder(SlaClock, 'c')
        .select(['c.id', 'c.kind', 'c.state', 'c.dueAt', 'c.stoppedAt', 'c.breachedAt'])
        .where(
          new Brackets((w) =>
            w
              .where("c.state = 'met' AND c.stoppedAt >= :a AND c.stoppedAt < :b", { a, b })
              .orWhere("c.state = 'breached' AND c.breachedAt >= :a AND c.breachedAt < :b", { a, b })
              .orWhere("c.state = 'running' AND c.dueAt >= :a AND c.dueAt < :b AND c.dueAt < :now", { a, b, now: toDbInstant(now) }),
          ),
        )
        .getMany();
    },

    /** Bot questions in the period: all, escalated, and not answered (escalated or intent None). */
    async botCounts(p: SummaryPeriod): Promise<{ questions: number; escalated: number; unanswered: number }> {
      const questions = await exchanges(p).getCount();
      const escalated = await exchanges(p).andWhere('e.escalated = :t', { t: true }).getCount();
      const unanswered = await exchanges(p).andWhere(notAnswered()).getCount();
      return { questions, escalated, unanswered };
    },

    /** The text of the first `limit` questions of the period the bot did not answer. */
    unansweredQuestions: (p: SummaryPeriod, limit: number): Promise<Array<Pick<BotExchange, 'id' | 'text'>>> =>
      exchanges(p).select(['e.id', 'e.text']).andWhere(notAnswered()).orderBy('e.id', 'ASC').take(limit).getMany(),

    /** Incidents whose current (or last) episode began before `endAt`. */
    incidentsBegunBefore: (endAt: Date): Promise<Incident[]> =>
      em
        .createQueryBuilder(Incident, 'i')
        .where('i.firstFiringAt IS NOT NULL AND i.firstFiringAt < :b', { b: toDbInstant(endAt) })
        .getMany(),

    /** Active units created before the period's end: all, and those online or on trial by its last day. */
    async unitCounts(p: SummaryPeriod): Promise<{ total: number; online: number; trial: number }> {
      const reached = () => new Brackets((w) => w.where('u.onboardedOn IS NULL').orWhere('u.onboardedOn <= :d', { d: p.end }));
      const [total, online, trial] = await Promise.all([
        activeUnits(p).getCount(),
        activeUnits(p).andWhere("u.onboardingStatus = 'online'").andWhere(reached()).getCount(),
        activeUnits(p).andWhere("u.onboardingStatus = 'trial'").andWhere(reached()).getCount(),
      ]);
      return { total, online, trial };
    },

    /** Journal totals of issues and approved write-offs in the period: numbers and distinct documents per operation. */
    journalTotals: (p: SummaryPeriod): Promise<Array<{ op: string; n: string | number | null; docs: string | number }>> =>
      em
        .createQueryBuilder(JournalEntry, 'j')
        .select('j.operation', 'op')
        .addSelect('SUM(j.count)', 'n')
        .addSelect('COUNT(DISTINCT j.docId)', 'docs')
        .where('j.at >= :a AND j.at < :b', range(p))
        .andWhere('j.operation IN (:...ops)', { ops: ['issue', 'writeoff.approve'] })
        .groupBy('j.operation')
        .getRawMany(),
  };
}
