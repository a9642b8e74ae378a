import type { EntityManager } from 'typeorm';
import type { Priority } from '../desk/desk.types';
import type { SlaClock } from '../desk/sla-clock.entity';
import type { SlaClockService } from '../desk/sla-clock.service';
import { addEvent } from '../desk/ticket-events';
import { Ticket } from '../desk/ticket.entity';
import type { AlertInput } from './alert.schemas';

const OPEN_STATES: Ticket['state'][] = ['new', 'acknowledged', 'in_progress', 'waiting_user'];

/** Critical alerts are urgent tickets; every other alert is high. */
export const alertPriority = (severity: AlertInput['severity']): Priority => (severity === 'critical' ? 'urgent' : 'high');

/**
 * Opens a fault ticket inside the caller's transaction, with the response and resolution clocks
 * running from `now`. The ticket service's escalate() runs its own transaction, so the alert's
 * incident row, ticket and notices could not commit together through it; this mirrors its
 * openTicket (until the desk offers one that takes an EntityManager).
 */
export async function openFaultTicket(em: EntityManager, clocks: SlaClockService, a: AlertInput, now: Date, touched: SlaClock[]): Promise<Ticket> {
  const priority = alertPriority(a.severity);
  const summary = `【故障告警】${a.title}${a.detail ? `：${a.detail}` : ''}`.slice(0, 500);
  const t = await em.save(em.create(Ticket, {
    source: 'alert', unitId: null, reporterUserId: null, reporterWecomId: null, reporterName: '监控告警', category: 'fault', priority, summary,
    guesses: [], assigneeId: null, state: 'new', createdAt: now, lastActivityAt: now, responseDueAt: null, responseRule: null,
    firstResponseAt: null, dispatchedAt: null, onsiteDueAt: null, arrivedAt: null, resolvedAt: null, closedAt: null,
  }));
  const response = await clocks.start(em, t.id, 'response', now);
  const resolution = await clocks.start(em, t.id, 'resolution', now, priority);
  touched.push(response, resolution);
  Object.assign(t, { responseDueAt: response.dueAt, responseRule: response.rule });
  await em.update(Ticket, t.id, { responseDueAt: response.dueAt, responseRule: response.rule });
  await addEvent(em, t.id, 'created', null, summary, {
    source: 'alert', alertKey: a.key, alertSource: a.source, severity: a.severity, labels: a.labels,
    rule: response.rule, responseDueAt: response.dueAt.toISOString(), resolutionDueAt: resolution.dueAt.toISOString(),
  }, now);
  return t;
}

/** The ticket if it is still open (a re-fire lands on it instead of opening another). */
export async function openTicketById(em: EntityManager, id: number | null): Promise<Ticket | null> {
  if (id === null) return null;
  const t = await em.findOneBy(Ticket, { id });
  return t && OPEN_STATES.includes(t.state) ? t : null;
}
