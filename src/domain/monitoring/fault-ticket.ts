import type { EntityManager } from 'typeorm';
import { repositoriesIn } from '../db/transaction';
import type { Priority } from '../desk/desk.types';
import type { SlaClock } from '../desk/sla-clock.entity';
import type { SlaClockService } from '../desk/sla-clock.service';
import { openTicketIn } from '../desk/ticket-open';
import { Ticket } from '../desk/ticket.entity';
import type { AlertInput } from './alert.schemas';

const OPEN_STATES: Ticket['state'][] = ['new', 'acknowledged', 'in_progress', 'waiting_user'];

/** Critical alerts are urgent tickets; every other alert is high. */
export const alertPriority = (severity: AlertInput['severity']): Priority => (severity === 'critical' ? 'urgent' : 'high');

/** Opens a fault ticket inside the caller's transaction, so incident, ticket and notices commit together. */
export function openFaultTicket(
  em: EntityManager,
  clocks: SlaClockService,
  a: AlertInput,
  now: Date,
  touched: SlaClock[],
): Promise<Ticket> {
  return openTicketIn(
    repositoriesIn(em),
    clocks,
    {
      source: 'alert',
      unitId: null,
      reporterUserId: null,
      reporterWecomId: null,
      reporterName: '监控告警',
      category: 'fault',
      priority: alertPriority(a.severity),
      question: `【故障告警】${a.title}${a.detail ? `：${a.detail}` : ''}`,
      guesses: [],
      meta: { alertKey: a.key, alertSource: a.source, severity: a.severity, labels: a.labels },
    },
    now,
    touched,
  );
}

/** The ticket if it is still open (a re-fire lands on it instead of opening another). */
export async function openTicketById(em: EntityManager, id: number | null): Promise<Ticket | null> {
  if (id === null) return null;
  const t = await em.findOneBy(Ticket, { id });
  return t && OPEN_STATES.includes(t.state) ? t : null;
}
