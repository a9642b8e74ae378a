import type { Clock } from '../clock';
import type { Page, PageQuery } from '../common/pagination';
import type { DomainStore } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { ClockKind, Priority, TicketSource, TicketState } from './desk.types';
import type { SlaClock } from './sla-clock.entity';

/** States a ticket can be worked in: the queue shows only these. */
const QUEUE_STATES: readonly TicketState[] = ['new', 'acknowledged', 'in_progress', 'waiting_user'];

/** A clock that still counts (running or paused), as a countdown needs it. */
export interface QueueClock {
  kind: ClockKind;
  state: 'running' | 'paused' | 'breached';
  startedAt: Date;
  /** 80 % of the allowed time: amber from here. */
  warnAt: Date;
  dueAt: Date;
  pausedSince: Date | null;
}

export interface QueueItem {
  id: number;
  source: TicketSource;
  state: TicketState;
  priority: Priority;
  category: string;
  unitCode: string | null;
  unitName: string | null;
  /** The first line of the question (a row shows no more). */
  firstLine: string;
  createdAt: Date;
  mine: boolean;
  clocks: QueueClock[];
  /** The clock due soonest, or null when none counts. */
  nearest: QueueClock | null;
}

export type QueuePage = Page<QueueItem> & { mine: number; unassigned: number; serverNow: Date };

const firstLine = (s: string): string => s.split(/\r?\n/).find((l) => l.trim() !== '') ?? s;

const counting = (c: SlaClock): QueueClock | null => {
  // A breached clock still counts until it is stopped: the row shows it red.
  if (c.stoppedAt !== null || c.state === 'met') return null;
  const state = c.state === 'paused' ? 'paused' : c.breachedAt !== null ? 'breached' : 'running';
  const pausedSince = c.state === 'paused' && c.pauses.length > 0 ? new Date(c.pauses[c.pauses.length - 1].from) : null;
  return { kind: c.kind, state, startedAt: c.startedAt, warnAt: c.warnAt, dueAt: c.dueAt, pausedSince };
};

/**
 * The engineer's queue (移动工作台): open tickets assigned to the caller first, then the unassigned
 * ones, each group by the nearest deadline of a clock that still counts (paused clocks last).
 * The set is every open ticket of one engineer plus the unassigned ones — small — so it is sorted
 * in memory and then paged.
 */
export function makeTicketQueue(deps: { store: DomainStore; clock: Clock }) {
  const db = deps.store.read;
  return {
    async list(actor: Actor, q: PageQuery): Promise<QueuePage> {
      requirePermission(actor, 'ticket.handle');
      const tickets = await db.tickets.openForQueue(actor.userId, QUEUE_STATES);
      const ids = tickets.map((t) => t.id);
      const unitIds = [...new Set(tickets.map((t) => t.unitId).filter((u): u is number => u !== null))];
      const [clocks, units] = await Promise.all([db.slaClocks.ofTickets(ids), db.catalog.unitsByIds(unitIds)]);
      const unitOf = new Map(units.map((u) => [u.id, u]));
      const clocksOf = new Map<number, QueueClock[]>();
      for (const c of clocks) {
        const v = counting(c);
        if (v) clocksOf.set(c.ticketId, [...(clocksOf.get(c.ticketId) ?? []), v]);
      }
      const items: QueueItem[] = tickets.map((t) => {
        const cs = clocksOf.get(t.id) ?? [];
        const active = cs.filter((c) => c.state !== 'paused').sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
        const unit = t.unitId !== null ? unitOf.get(t.unitId) : undefined;
        return {
          id: t.id,
          source: t.source,
          state: t.state,
          priority: t.priority,
          category: t.category,
          unitCode: unit?.code ?? null,
          unitName: unit?.name ?? null,
          firstLine: firstLine(t.summary),
          createdAt: t.createdAt,
          mine: t.assigneeId === actor.userId,
          clocks: cs,
          nearest: active[0] ?? cs[0] ?? null,
        };
      });
      const rank = (i: QueueItem) =>
        i.nearest === null || i.nearest.state === 'paused' ? Number.MAX_SAFE_INTEGER : i.nearest.dueAt.getTime();
      items.sort((a, b) => Number(b.mine) - Number(a.mine) || rank(a) - rank(b) || a.id - b.id);
      const start = (q.page - 1) * q.pageSize;
      const mine = items.filter((i) => i.mine).length;
      return {
        items: items.slice(start, start + q.pageSize),
        total: items.length,
        page: q.page,
        pageSize: q.pageSize,
        mine,
        unassigned: items.length - mine,
        serverNow: deps.clock.now(),
      };
    },
  };
}
export type TicketQueue = ReturnType<typeof makeTicketQueue>;
