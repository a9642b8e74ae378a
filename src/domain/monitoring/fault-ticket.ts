import type { Priority } from '../desk/desk.types';
import type { OpenTicketInput } from '../desk/ticket-open';
import type { Ticket } from '../desk/ticket.entity';
import type { AlertInput } from './alert.schemas';

/** A fault ticket in one of these states is still open: a re-fire lands on it instead of opening another. */
export const OPEN_TICKET_STATES: ReadonlyArray<Ticket['state']> = ['new', 'acknowledged', 'in_progress', 'waiting_user'];

/** Critical alerts are urgent tickets; every other alert is high. */
export const alertPriority = (severity: AlertInput['severity']): Priority => (severity === 'critical' ? 'urgent' : 'high');

/** The fault ticket an alert opens (reported by 监控告警, no unit). */
export function faultTicketInput(a: AlertInput): OpenTicketInput {
  return {
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
  };
}
