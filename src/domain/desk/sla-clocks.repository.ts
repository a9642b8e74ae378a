import { In, IsNull } from 'typeorm';
import type { RepoContext } from '../db/store';
import type { ClockKind, ClockState } from './desk.types';
import { SlaClock } from './sla-clock.entity';

/** SLA clocks of tickets; warnings and breaches are claimed by conditional updates (one process acts). */
export function makeSlaClockRepository({ em, dialect }: RepoContext) {
  return {
    async insert(values: Omit<SlaClock, 'id'>): Promise<SlaClock> {
      return em.save(em.create(SlaClock, values));
    },
    async save(c: SlaClock): Promise<SlaClock> {
      await em.save(SlaClock, c);
      return c;
    },
    byId: (id: number): Promise<SlaClock | null> => em.findOneBy(SlaClock, { id }),
    /** A clock read with a row lock (inside a transaction, on engines that lock rows). */
    findForUpdate: (id: number): Promise<SlaClock | null> =>
      dialect.forUpdate(em, em.createQueryBuilder(SlaClock, 'c').where('c.id = :id', { id })).getOne(),
    /** A ticket's clocks, oldest first. */
    ofTicket: (ticketId: number): Promise<SlaClock[]> => em.find(SlaClock, { where: { ticketId }, order: { id: 'ASC' } }),
    /** The clocks of several tickets (the queue), oldest first. */
    ofTickets: (ticketIds: number[]): Promise<SlaClock[]> =>
      ticketIds.length === 0 ? Promise.resolve([]) : em.find(SlaClock, { where: { ticketId: In(ticketIds) }, order: { id: 'ASC' } }),
    /** A ticket's clocks of these kinds that are not stopped. */
    openOf: (ticketId: number, kinds: ClockKind[]): Promise<SlaClock[]> =>
      em.find(SlaClock, { where: { ticketId, kind: In(kinds), stoppedAt: IsNull() } }),
    /** A ticket's clocks in one state. */
    inState: (ticketId: number, state: ClockState): Promise<SlaClock[]> => em.find(SlaClock, { where: { ticketId, state } }),
    /** A ticket's newest clock of a kind (only a not-stopped one with `open`). */
    latestOf: (ticketId: number, kind: ClockKind, opts: { open?: boolean } = {}): Promise<SlaClock | null> =>
      em.findOne(SlaClock, { where: { ticketId, kind, ...(opts.open ? { stoppedAt: IsNull() } : {}) }, order: { id: 'DESC' } }),
    /** Every running clock, oldest first (start-up rebuild and periodic resync). */
    running: (): Promise<SlaClock[]> => em.find(SlaClock, { where: { state: 'running' }, order: { id: 'ASC' } }),
    /** Stamps the warning of a running, not yet warned clock; true only for the caller that did it. */
    async markWarned(id: number, at: Date): Promise<boolean> {
      const r = await em.update(SlaClock, { id, state: 'running', warnedAt: IsNull() }, { warnedAt: at });
      return (r.affected ?? 0) === 1;
    },
    /** Marks a running clock breached at `dueAt`; true only for the caller that did it. */
    async markBreached(id: number, dueAt: Date): Promise<boolean> {
      const r = await em.update(SlaClock, { id, state: 'running', breachedAt: IsNull() }, { state: 'breached', breachedAt: dueAt });
      return (r.affected ?? 0) === 1;
    },
  };
}
export type SlaClockRepository = ReturnType<typeof makeSlaClockRepository>;
