import type { DataSource, EntityManager } from 'typeorm';
import { In, IsNull } from 'typeorm';
import type { Clock } from '../clock';
import { inTransaction } from '../db/transaction';
import type { ClockKind, ClockPause, ClockTimer, Priority } from './desk.types';
import { SlaClock } from './sla-clock.entity';
import { fireBreach, fireWarning, type FireOutcome } from './sla-clock-actions';

/** Called after a commit with the clocks that changed (the job scheduler listens). */
export type ClockListener = (clocks: SlaClock[]) => void;

const OPEN: SlaClock['state'][] = ['running', 'paused'];
const closedPauses = (ps: ClockPause[]) => ps.filter((p) => p.to !== null).map((p) => ({ from: new Date(p.from), to: new Date(p.to!) }));

/**
 * SLA clocks of tickets as rows. Changes run inside the caller's ticket transaction (the ticket row
 * is locked, so one ticket's clocks change one at a time); warnings and breaches are acted on by
 * conditional updates so any number of workers act once.
 */
export function makeSlaClockService(deps: { ds: DataSource; clock: Clock; timer: ClockTimer }) {
  const { ds, clock, timer } = deps;
  const listeners = new Set<ClockListener>();

  async function save(em: EntityManager, c: SlaClock): Promise<SlaClock> {
    await em.save(SlaClock, c);
    return c;
  }

  // A clock stopped after its due time is breached even if no job got to it (Redis down).
  function stopOne(c: SlaClock, at: Date): SlaClock {
    if (c.state === 'paused') c.pauses = c.pauses.map((p) => (p.to === null ? { ...p, to: at.toISOString() } : p));
    c.stoppedAt = at;
    if (c.state === 'breached' || (c.state === 'running' && at.getTime() > c.dueAt.getTime())) {
      c.state = 'breached';
      c.breachedAt ??= c.dueAt;
    } else c.state = 'met';
    return c;
  }

  // The timer reads the calendar through the caller's transaction: borrowing a second pooled
  // connection while holding one would deadlock once every connection is held by a transaction.
  async function retime(c: SlaClock, em: EntityManager): Promise<SlaClock> {
    const t = await timer({
      startedAt: c.startedAt,
      kind: c.kind,
      priority: (c.priority ?? undefined) as Priority | undefined,
      pauses: closedPauses(c.pauses),
      em,
    });
    Object.assign(c, { dueAt: t.dueAt, warnAt: t.warnAt, rule: t.rule, pausedMs: Math.round(t.pausedMs) });
    return c;
  }

  return {
    timer,

    /** Starts a clock of a ticket at `at` (inside the ticket's transaction). */
    async start(em: EntityManager, ticketId: number, kind: ClockKind, at: Date, priority?: Priority): Promise<SlaClock> {
      const c = em.create(SlaClock, {
        ticketId,
        kind,
        priority: kind === 'resolution' ? (priority ?? 'normal') : null,
        startedAt: at,
        pauses: [],
        pausedMs: 0,
        stoppedAt: null,
        warnedAt: null,
        breachedAt: null,
        state: 'running',
      });
      return save(em, await retime(c, em));
    },

    /** Stops the ticket's open clocks of these kinds: met, or breached when stopped after due. */
    async stop(em: EntityManager, ticketId: number, kinds: ClockKind[], at: Date): Promise<SlaClock[]> {
      const open = await em.find(SlaClock, { where: { ticketId, kind: In(kinds), stoppedAt: IsNull() } });
      return Promise.all(open.map((c) => save(em, stopOne(c, at))));
    },

    /** Pauses the running clocks (waiting for the user). */
    async pause(em: EntityManager, ticketId: number, at: Date): Promise<SlaClock[]> {
      const running = await em.find(SlaClock, { where: { ticketId, state: 'running' } });
      return Promise.all(
        running.map((c) => save(em, Object.assign(c, { state: 'paused', pauses: [...c.pauses, { from: at.toISOString(), to: null }] }))),
      );
    },

    /** Resumes the paused clocks; the due time moves by the counted time of the pause. */
    async resume(em: EntityManager, ticketId: number, at: Date): Promise<SlaClock[]> {
      const paused = await em.find(SlaClock, { where: { ticketId, state: 'paused' } });
      return Promise.all(
        paused.map(async (c) => {
          c.pauses = c.pauses.map((p) => (p.to === null ? { ...p, to: at.toISOString() } : p));
          c.state = 'running';
          return save(em, await retime(c, em));
        }),
      );
    },

    /**
     * Continues a stopped clock (a reopened ticket's resolution clock): the time between its stop
     * and now is a pause, so the desk is not charged for the days the ticket looked resolved.
     */
    async continue(em: EntityManager, ticketId: number, kind: ClockKind, at: Date): Promise<SlaClock[]> {
      const c = await em.findOne(SlaClock, { where: { ticketId, kind }, order: { id: 'DESC' } });
      if (!c || !c.stoppedAt) return [];
      c.pauses = [...c.pauses, { from: c.stoppedAt.toISOString(), to: at.toISOString() }];
      c.stoppedAt = null;
      if (c.state === 'met') c.state = 'running';
      return [await save(em, await retime(c, em))];
    },

    /** The clocks of one ticket, oldest first. */
    forTicket(em: EntityManager, ticketId: number): Promise<SlaClock[]> {
      return em.find(SlaClock, { where: { ticketId }, order: { id: 'ASC' } });
    },

    /** Every clock that may still warn or breach (start-up rebuild and periodic resync). */
    running(): Promise<SlaClock[]> {
      return ds.getRepository(SlaClock).find({ where: { state: 'running' }, order: { id: 'ASC' } });
    },

    get(id: number): Promise<SlaClock | null> {
      return ds.getRepository(SlaClock).findOneBy({ id });
    },

    /** Registers a listener for committed clock changes; returns the unsubscribe function. */
    subscribe(fn: ClockListener): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /**
     * Runs `work` in one transaction collecting the clocks it starts or changes, and tells the
     * scheduler about them only after the commit (a rolled-back clock must not get jobs).
     */
    async withClocks<T>(work: (em: EntityManager, touched: SlaClock[]) => Promise<T>): Promise<T> {
      const touched: SlaClock[] = [];
      const result = await inTransaction(ds, (em) => work(em, touched));
      this.notify(touched);
      return result;
    },

    /** Tells the listeners about committed changes; a failing listener never fails the caller. */
    notify(changed: SlaClock[]): void {
      if (changed.length === 0) return;
      for (const fn of listeners) {
        try {
          fn(changed);
        } catch {
          // Scheduling is best effort: the start-up rebuild and the periodic resync catch up.
        }
      }
    },

    /** The 80 % warning of a clock scheduled for `dueEpoch`; acts once, only if still running and due. */
    warn: (clockId: number, dueEpoch: number): Promise<FireOutcome> => fireWarning(ds, clockId, dueEpoch, clock.now()),
    /** The breach of a clock scheduled for `dueEpoch`: recorded once, escalated to the supervisor. */
    breach: (clockId: number, dueEpoch: number): Promise<FireOutcome> => fireBreach(ds, clockId, dueEpoch, clock.now()),
  };
}
export type SlaClockService = ReturnType<typeof makeSlaClockService>;
export { OPEN as OPEN_CLOCK_STATES };
