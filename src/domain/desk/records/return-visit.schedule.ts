import { randomUUID } from 'node:crypto';
import type { Repositories } from '../../db/repositories';
import { addDays, type Calendar } from '../sla/calendar';
import type { Ticket } from '../ticket.entity';
import type { ReturnVisit, ReturnVisitKind } from './return-visit.entity';

/** Surveys go out at this Shanghai time: people are at their desks, and inside working hours. */
export const VISIT_TIME = '10:00';
/** An asked survey is awaited this long; later replies are ordinary bot messages. */
export const ANSWER_WINDOW_MS = 3 * 24 * 3600_000;
/** Tickets opened by machines have nobody to ask. */
const NO_REPORTER_SOURCES = new Set(['alert', 'inspection']);

const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** What planning a visit needs of a transaction. */
export type VisitTx = Pick<Repositories, 'returnVisits' | 'slaCalendar'>;

/** VISIT_TIME on the first working day on or after `date` (YYYY-MM-DD). */
export function workingDayAt(cal: Calendar, date: string, time = VISIT_TIME): Date {
  let d = date;
  for (let i = 0; i < 60 && !cal.isWorkingDay(d); i++) d = addDays(d, 1);
  return new Date(`${d}T${time}:00+08:00`);
}

/** VISIT_TIME on the working day after the Shanghai date of `now`. */
export const nextWorkingDayAt = (cal: Calendar, now: Date): Date => workingDayAt(cal, addDays(shanghaiDate(now), 1));

export interface NewVisit {
  dedupeKey?: string;
  kind: ReturnVisitKind;
  ticketId?: number | null;
  unitId?: number | null;
  userId?: number | null;
  wecomUserId?: string | null;
  contactName?: string | null;
  note?: string | null;
  dueAt: Date;
}

/** Inserts a scheduled visit unless its dedupeKey exists; returns the stored row either way. */
export function insertVisit(tx: Pick<Repositories, 'returnVisits'>, v: NewVisit, now: Date): Promise<ReturnVisit> {
  return tx.returnVisits.insertOnce({
    dedupeKey: (v.dedupeKey ?? `${v.kind}-${randomUUID()}`).slice(0, 96),
    kind: v.kind,
    ticketId: v.ticketId ?? null,
    unitId: v.unitId ?? null,
    userId: v.userId ?? null,
    wecomUserId: v.wecomUserId ?? null,
    contactName: v.contactName ?? null,
    channel: v.wecomUserId ? 'wecom' : 'phone',
    status: 'scheduled',
    dueAt: v.dueAt,
    askedAt: null,
    answeredAt: null,
    rating: null,
    comment: null,
    answeredById: null,
    outcome: null,
    note: v.note ?? null,
    createdAt: now,
  });
}

/**
 * Schedules the survey of a just-resolved ticket for the next working day, inside the resolving
 * transaction. An earlier open visit of the same ticket (resolved, reopened, resolved again) is
 * cancelled so the reporter is asked once. Tickets without a person behind them get none (null).
 */
export async function scheduleTicketVisit(tx: VisitTx, ticket: Ticket, now: Date): Promise<ReturnVisit | null> {
  if (NO_REPORTER_SOURCES.has(ticket.source)) return null;
  if (!ticket.reporterUserId && !ticket.reporterWecomId && !ticket.reporterName) return null;
  const resolvedAt = ticket.resolvedAt ?? now;
  const key = `ticket-${ticket.id}-${resolvedAt.getTime()}`;
  await tx.returnVisits.cancelOpenOfTicket(ticket.id, key);
  const dueAt = nextWorkingDayAt(await tx.slaCalendar.calendar(), now);
  return insertVisit(
    tx,
    {
      dedupeKey: key,
      kind: 'ticket',
      ticketId: ticket.id,
      unitId: ticket.unitId,
      userId: ticket.reporterUserId,
      wecomUserId: ticket.reporterWecomId,
      contactName: ticket.reporterName,
      dueAt,
    },
    now,
  );
}
