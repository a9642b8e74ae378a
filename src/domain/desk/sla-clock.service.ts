import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import type { ClockKind, ClockPause, ClockTimer, Priority } from './desk.types';
import type { SlaClock } from './sla-clock.entity';
import { fireBreach, fireWarning, type FireOutcome } from './sla-clock-actions';

/** Called after a commit with the clocks that changed (the job scheduler listens). */
export type ClockListener = (clocks: SlaClock[]) => void;

/** What the clock operations need of a transaction. */
export type ClockTx = Pick<Repositories, 'slaClocks' | 'slaCalendar'>;

const OPEN: SlaClock['state'][] = ['running', 'paused'];
const closedPauses = (ps: ClockPause[]) => ps.filter((p) => p.to !== null).map((p) => ({ from: new Date(p.from), to: new Date(p.to!) }));

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

/**
 * SLA clocks of tickets as rows. Changes run inside the caller's ticket transaction (the ticket row
 * is locked, so one ticket's clocks change one at a time); warnings and breaches are acted on by
 * conditional updates so any number of workers act once.
 */
export function makeSlaClockService(deps: { store: DomainStore; clock: Clock; timer: ClockTimer }) {
  const { store, clock, timer } = deps;
  const listeners = new Set<ClockListener>();

  // The calendar is read through the caller's transaction: borrowing a second pooled connection
  // while holding one would deadlock once every connection is held by a transaction.
  async function retime<C extends Omit<SlaClock, 'id' | 'dueAt' | 'warnAt' | 'rule'>>(
    tx: ClockTx,
    c: C,
  ): Promise<C & Pick<SlaClock, 'dueAt' | 'warnAt' | 'rule' | 'pausedMs'>> {
    const t = timer({
      startedAt: c.startedAt,
      kind: c.kind,
      priority: (c.priority ?? undefined) as Priority | undefined,
      pauses: closedPauses(c.pauses),
      calendar: await tx.slaCalendar.calendar(),
    });
    return Object.assign(c, { dueAt: t.dueAt, warnAt: t.warnAt, rule: t.rule, pausedMs: Math.round(t.pausedMs) });
  }

  const service = {
    /** Starts a clock of a ticket at `at` (inside the ticket's transaction). */
    async start(tx: ClockTx, ticketId: number, kind: ClockKind, at: Date, priority?: Priority): Promise<SlaClock> {
      const c = await retime(tx, {
        ticketId,
        kind,
        priority: kind === 'resolution' ? (priority ?? 'normal') : null,
        startedAt: at,
        pauses: [] as ClockPause[],
        pausedMs: 0,
        stoppedAt: null,
        warnedAt: null,
        breachedAt: null,
        state: 'running' as const,
      });
      return tx.slaClocks.insert(c);
    },

    /** Stops the ticket's open clocks of these kinds: met, or breached when stopped after due. */
    async stop(tx: ClockTx, ticketId: number, kinds: ClockKind[], at: Date): Promise<SlaClock[]> {
      const open = await tx.slaClocks.openOf(ticketId, kinds);
      return Promise.all(open.map((c) => tx.slaClocks.save(stopOne(c, at))));
    },

    /** Pauses the running clocks (waiting for the user). */
    async pause(tx: ClockTx, ticketId: number, at: Date): Promise<SlaClock[]> {
      const running = await tx.slaClocks.inState(ticketId, 'running');
      return Promise.all(
        running.map((c) =>
          tx.slaClocks.save(Object.assign(c, { state: 'paused' as const, pauses: [...c.pauses, { from: at.toISOString(), to: null }] })),
        ),
      );
    },

    /** Resumes the paused clocks; the due time moves by the counted time of the pause. */
    async resume(tx: ClockTx, ticketId: number, at: Date): Promise<SlaClock[]> {
      const paused = await tx.slaClocks.inState(ticketId, 'paused');
      return Promise.all(
        paused.map(async (c) => {
          c.pauses = c.pauses.map((p) => (p.to === null ? { ...p, to: at.toISOString() } : p));
          c.state = 'running';
          return tx.slaClocks.save(await retime(tx, c));
        }),
      );
    },

    /**
     * Continues a stopped clock (a reopened ticket's resolution clock): the time between its stop
     * and now is a pause, so the desk is not charged for the days the ticket looked resolved.
     */
    async continue(tx: ClockTx, ticketId: number, kind: ClockKind, at: Date): Promise<SlaClock[]> {
      const c = await tx.slaClocks.latestOf(ticketId, kind);
      if (!c || !c.stoppedAt) return [];
      c.pauses = [...c.pauses, { from: c.stoppedAt.toISOString(), to: at.toISOString() }];
      c.stoppedAt = null;
      if (c.state === 'met') c.state = 'running';
      return [await tx.slaClocks.save(await retime(tx, c))];
    },

    /** Every clock that may still warn or breach (start-up rebuild and periodic resync). */
    running: (): Promise<SlaClock[]> => store.read.slaClocks.running(),

    get: (id: number): Promise<SlaClock | null> => store.read.slaClocks.byId(id),

    /** Registers a listener for committed clock changes; returns the unsubscribe function. */
    subscribe(fn: ClockListener): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /**
     * Runs `work` in one transaction collecting the clocks it starts or changes, and tells the
     * scheduler about them only after the commit (a rolled-back clock must not get jobs).
     */
    async withClocks<T>(work: (tx: Repositories, touched: SlaClock[]) => Promise<T>): Promise<T> {
      const touched: SlaClock[] = [];
      const result = await store.transaction((tx) => work(tx, touched));
      service.notify(touched);
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
    warn: (clockId: number, dueEpoch: number): Promise<FireOutcome> => fireWarning(store, clockId, dueEpoch, clock.now()),
    /** The breach of a clock scheduled for `dueEpoch`: recorded once, escalated to the supervisor. */
    breach: (clockId: number, dueEpoch: number): Promise<FireOutcome> => fireBreach(store, clockId, dueEpoch, clock.now()),
  };
  return service;
}
export type SlaClockService = ReturnType<typeof makeSlaClockService>;
export { OPEN as OPEN_CLOCK_STATES };
